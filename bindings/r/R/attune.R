# The package's functions: each hands its data to one attune study and returns the study's JSON
# document (docs/json.md) as R lists, plus data frames named as psych names the same statistics.

#' @noRd
.rows <- function(doc, key = "respondents") {
  r <- doc[[key]]
  if (length(r) == 0L) return(data.frame())
  fields <- unique(unlist(lapply(r, names)))
  .table(r, fields)
}

attune_version <- function() .attune_version()

attune_study <- function(study, x, instrument = NULL, ..., json = FALSE) {
  text <- .study_json(study, x, instrument, list(...), sys.call())
  if (json) text else .parse(text)
}

attune_instruments <- function(detail = FALSE) {
  doc <- .parse(.check(.attune_instruments_json(), sys.call()))
  insts <- doc$instruments
  if (detail) {
    out <- lapply(insts, function(i) {
      i$reversed <- unlist(lapply(i$items, function(it) if (isTRUE(it$reversed)) it$id))
      i$items <- vapply(i$items, function(it) it$id, "")
      i
    })
    return(stats::setNames(out, vapply(insts, function(i) i$id, "")))
  }
  data.frame(id = vapply(insts, function(i) i$id, ""),
             name = vapply(insts, function(i) i$name, ""),
             items = vapply(insts, function(i) length(i$items), 0L),
             subscales = vapply(insts, function(i) paste(vapply(i$subscales, function(s) s$name, ""), collapse = ", "), ""),
             range = vapply(insts, function(i) paste0(i$range$min, "-", i$range$max), ""),
             key_confirmation = vapply(insts, function(i) i$key_confirmation, ""),
             stringsAsFactors = FALSE)
}

attune_score <- function(x, instrument, range = NULL, min_answered = 0.8, out_of_range = c("error", "set_missing"),
                         ids = NULL) {
  out_of_range <- match.arg(out_of_range)
  opts <- list(range = .range(range), min_answered = min_answered, out_of_range = out_of_range)
  if (!is.null(ids)) opts$ids <- I(as.character(ids))
  doc <- .parse(.study_json("score", x, instrument, opts, sys.call()))
  scores <- .rows(doc)
  list(scores = scores, summary = .table(doc$summary, names(doc$summary[[1]])), document = doc)
}

# psych's keys (-1/1 per column, or names with "-" for reversed ones) as reversed column names.
.reversed <- function(m, reversed, keys) {
  if (!is.null(keys)) {
    if (is.numeric(keys)) {
      stopifnot(length(keys) == ncol(m))
      reversed <- c(reversed, colnames(m)[keys < 0])
    } else {
      reversed <- c(reversed, sub("^-", "", keys[grepl("^-", keys)]))
    }
  }
  unique(reversed)
}

# One scale of the reliability study (the columns of x, or the instrument's `scale`).
.reliability <- function(x, reversed, keys, range, instrument, scale, options, call) {
  m <- .data_matrix(.select_items(x, .instrument_items(.instrument(instrument))), call)
  reversed <- .reversed(m, reversed, keys)
  # Reverse keying as psych does it: min + max of the data unless a range is given.
  if (length(reversed) > 0L && is.null(range) && is.null(instrument)) range <- range(m, na.rm = TRUE)
  opts <- c(list(range = .range(range)), options)
  if (length(reversed) > 0L) opts$reversed <- I(reversed)
  doc <- .parse(.study_json("reliability", m, instrument, opts, call))
  pick <- 1L
  if (!is.null(scale)) {
    pick <- match(scale, vapply(doc$scales, function(s) s$name, ""))
    if (is.na(pick)) .fail(sprintf("no scale '%s' in this study", scale), call, "unknown_subscale", value = scale)
  }
  list(scale = doc$scales[[pick]], document = doc)
}

attune_alpha <- function(x, keys = NULL, reversed = NULL, range = NULL, instrument = NULL, scale = NULL, ...) {
  r <- .reliability(x, reversed, keys, range, instrument, scale, list(...), sys.call())
  rel <- r$scale$reliability
  items <- rel$items
  ids <- vapply(items, function(i) i$item, "")
  total <- data.frame(raw_alpha = rel$alpha, std.alpha = rel$alpha_std, `G6(smc)` = rel$lambda6,
                      average_r = rel$average_r, `S/N` = rel$signal_noise, ase = rel$ase,
                      mean = rel$total_mean, sd = rel$total_sd, median_r = rel$median_r,
                      check.names = FALSE, row.names = "")
  drop <- .table(items, c("alpha_if_deleted", "alpha_std_if_deleted", "g6_if_deleted", "average_r_if_deleted",
                          "signal_noise_if_deleted", "ase_if_deleted", "var_r_if_deleted", "median_r_if_deleted"),
                 c("raw_alpha", "std.alpha", "G6(smc)", "average_r", "S/N", "alpha se", "var.r", "med.r"), ids)
  stats <- .table(items, c("n", "raw_r", "std_r", "r_cor", "r_drop", "mean", "sd"),
                  c("n", "raw.r", "std.r", "r.cor", "r.drop", "mean", "sd"), ids)
  structure(list(raw_alpha = rel$alpha, std_alpha = rel$alpha_std, G6 = rel$lambda6, average_r = rel$average_r,
                 `S/N` = rel$signal_noise, ase = rel$ase, median_r = rel$median_r, var_r = rel$var_r,
                 lambda = c(lambda1 = rel$lambda1, lambda2 = rel$lambda2, lambda3 = rel$lambda3,
                            lambda4 = rel$lambda4, lambda5 = rel$lambda5, lambda6 = rel$lambda6),
                 total = total, alpha.drop = drop, item.stats = stats, reversed = r$scale$reversed,
                 intervals = rel$intervals, warnings = vapply(c(rel$warnings, r$scale$warnings), function(w) w$message, ""),
                 reliability = rel, document = r$document),
            class = "attune_alpha")
}

print.attune_alpha <- function(x, digits = 3, ...) {
  cat("Reliability analysis (attune)\n")
  print(x$total, digits = digits)
  cat("\nReliability if an item is dropped:\n")
  print(x$alpha.drop, digits = digits)
  cat("\nItem statistics:\n")
  print(x$item.stats, digits = digits)
  invisible(x)
}

attune_omega <- function(x, keys = NULL, reversed = NULL, range = NULL, instrument = NULL, scale = NULL, ...) {
  r <- .reliability(x, reversed, keys, range, instrument, scale, list(...), sys.call())
  om <- r$scale$omega
  h <- om$hierarchical
  items <- r$scale$items
  # psych::omega's alpha and G6 are those of the correlation matrix; its omega.tot is that of
  # the Schmid-Leiman solution (attune's one-factor omega total is omega_total_1f).
  out <- list(omega.tot = om$total, omega_h = NA_real_, alpha = r$scale$reliability$alpha_std,
              G6 = r$scale$reliability$lambda6, omega_total_1f = om$total, document = r$document, omega = om)
  if (!is.null(h)) {
    groups <- paste0("F", seq_len(h$n_factors), "*")
    sl <- cbind(g = h$general, matrix(h$group, nrow = length(items), dimnames = list(NULL, groups)),
                h2 = h$communalities, u2 = h$uniquenesses)
    rownames(sl) <- items
    out$omega_h <- h$omega_hierarchical
    out$omega.tot <- h$omega_total
    out$omega_h_asymptotic <- h$omega_hierarchical_asymptotic
    out$ECV <- h$ecv
    out$schmid <- list(sl = sl, phi = h$phi)
    out$omega.group <- data.frame(total = h$group_omega_total, general = h$group_omega_general,
                                  group = h$group_omega_group, row.names = c("g", groups))
  }
  out
}

attune_polychoric <- function(x, correct = NULL, smooth = NULL, ...) {
  doc <- .parse(.study_json("correlate", x, NULL,
                            c(list(method = "polychoric", correct = correct, smooth = smooth), list(...)), sys.call()))
  m <- .data_matrix(x, sys.call())
  rho <- doc$correlation$matrix
  dimnames(rho) <- list(colnames(m), colnames(m))
  list(rho = rho, n = doc$correlation$pair_counts, se = doc$correlation$standard_errors,
       smoothed = doc$correlation$smoothed, document = doc)
}

# An instrument of the columns of x as one scale (the factor studies need one).
.scale_instrument <- function(m, range, reversed = NULL) {
  if (is.null(range)) range <- range(m, na.rm = TRUE)
  list(id = "columns", range = list(min = range[1], max = range[2]),
       items = lapply(colnames(m), function(i) list(id = i, reversed = i %in% reversed)),
       subscales = list(list(name = "scale", items = I(colnames(m)))))
}

attune_fa <- function(x, nfactors = 1, fm = "minres", rotate = "oblimin", instrument = NULL, range = NULL, ...) {
  m <- .data_matrix(x, sys.call())
  if (is.null(instrument)) instrument <- .scale_instrument(m, range)
  doc <- .parse(.study_json("factor", m, instrument,
                            c(list(analysis = "efa", n_factors = nfactors, method = fm, rotation = rotate), list(...)),
                            sys.call()))
  e <- doc$efa
  names_ <- list(doc$items, doc$factors)
  lab <- function(v) { dimnames(v) <- names_; v }
  list(loadings = lab(e$loadings), Structure = lab(e$structure), Phi = e$phi, communality = stats::setNames(e$communalities, doc$items),
       uniquenesses = stats::setNames(e$uniquenesses, doc$items), e.values = e$eigenvalues, values = e$variance_accounted,
       rot.mat = e$rotation_matrix, chi = e$fit$empirical_chisq, STATISTIC = e$fit$chisq, dof = e$fit$df, PVAL = e$fit$pvalue,
       TLI = e$fit$tli, RMSEA = c(RMSEA = e$fit$rmsea, lower = e$fit$rmsea_lower, upper = e$fit$rmsea_upper),
       BIC = e$fit$bic, rms = e$fit$rmsr, crms = e$fit$crms, objective = e$objective, document = doc)
}

attune_cfa <- function(x, instrument, subscales = NULL, ...) {
  opts <- c(list(analysis = "cfa"), list(...))
  if (!is.null(subscales)) opts$subscales <- I(subscales)
  doc <- .parse(.study_json("factor", x, instrument, opts, sys.call()))
  c(doc$cfa, list(document = doc))
}

attune_classify <- function(x, instrument, method = "midpoint", ids = NULL, ...) {
  opts <- c(list(method = method), list(...))
  if (!is.null(ids)) opts$ids <- I(as.character(ids))
  doc <- .parse(.study_json("classify", x, instrument, opts, sys.call()))
  list(styles = .rows(doc), counts = unlist(doc$result$counts), result = doc$result, document = doc)
}

attune_change <- function(waves, instrument, ids, ...) {
  stopifnot(is.list(waves), length(waves) >= 2L)
  call <- sys.call()
  inst <- .instrument(instrument)
  items <- .instrument_items(inst)
  ms <- lapply(waves, function(w) .data_matrix(.select_items(w, items), call))
  if (is.character(ids) && length(ids) == 1L) {
    id_column <- ids
    ids <- unlist(lapply(waves, function(w) as.character(w[[id_column]])))
  } else {
    ids <- unlist(lapply(ids, as.character))
  }
  wave_names <- names(waves)
  if (is.null(wave_names)) wave_names <- paste("data set", seq_along(waves))
  opts <- c(list(wave_rows = I(vapply(ms, nrow, 0L)), ids = I(ids), wave_names = I(wave_names),
                 columns = I(colnames(ms[[1]]))), list(...))
  m <- do.call(rbind, ms)
  doc <- .parse(.check(.attune_study_json("change", inst$text, inst$json, m, .options_json(opts)), call))
  list(respondents = doc$respondents, scales = doc$scales, document = doc)
}

attune_quality <- function(x, instrument, ids = NULL, ...) {
  opts <- list(...)
  if (!is.null(ids)) opts$ids <- I(as.character(ids))
  doc <- .parse(.study_json("quality", x, instrument, opts, sys.call()))
  list(indices = .rows(doc), report = doc$report, document = doc)
}

attune_irt_fit <- function(x, instrument = NULL, scale = "scale", reversed = NULL, range = NULL, threads = 0L) {
  call <- sys.call()
  inst <- .instrument(instrument)
  m <- .data_matrix(.select_items(x, .instrument_items(inst)), call)
  r <- if (is.null(range)) c(NA_real_, NA_real_) else as.double(range)
  json <- .check(.attune_irt_fit(inst$text, inst$json, m, colnames(m), scale, as.character(reversed), r[1], r[2],
                                 as.integer(threads)), call)
  doc <- .parse(json)
  items <- .table(doc$items, c("id", "scale", "reversed", "slope"), c("item", "scale", "reversed", "a"))
  list(items = items, fit = doc$fit, bank = json, document = doc)
}

.bank_json <- function(bank) {
  if (is.list(bank) && !is.null(bank$bank)) return(bank$bank)
  if (is.character(bank) && length(bank) == 1L && file.exists(bank)) return(paste(readLines(bank, warn = FALSE), collapse = "\n"))
  bank
}

attune_irt_score <- function(x, bank, method = c("eap", "map", "ml", "eap_sum"), ids = NULL, threads = 0L) {
  call <- sys.call()
  method <- match.arg(method)
  json <- .bank_json(bank)
  bank_items <- vapply(jsonlite::fromJSON(json, simplifyVector = FALSE)$items, function(i) i$id, "")
  m <- .data_matrix(.select_items(x, bank_items), call)
  doc <- .parse(.check(.attune_irt_score(json, m, colnames(m), as.character(ids), method, as.integer(threads)), call))
  list(scores = .rows(doc), document = doc)
}

attune_irt_info <- function(bank, theta = seq(-4, 4, by = 0.5)) {
  theta <- sort(theta)
  step <- if (length(theta) > 1L) theta[2] - theta[1] else 1
  doc <- .parse(.check(.attune_irt_info(.bank_json(bank), theta[1], theta[length(theta)], step), sys.call()))
  list(scales = doc$scales, document = doc)
}

# Internal helpers: data frames to the library's matrix, options to JSON, documents to R, and
# library errors to R conditions of class "attune_error".

#' @noRd
.attune_condition <- function(e, call = NULL) {
  structure(class = c("attune_error", "error", "condition"),
            c(list(message = e$message, call = call), e[setdiff(names(e), "message")]))
}

# Raises the error list of the glue, or returns the JSON text.
.check <- function(out, call) {
  if (!is.null(out$error)) stop(.attune_condition(out$error, call))
  out$json
}

.fail <- function(message, call, rule, column = NA_character_, row = NA_real_, value = NA_character_,
                  option = NA_character_) {
  stop(.attune_condition(list(code = "invalid_argument", message = message, row = row, line = NA_real_,
                              source = "data", column = column, item = NA_character_, value = value,
                              option = option, rule = rule), call))
}

# A data frame (or matrix) as a numeric matrix: NA = no answer, column names = item ids.
.data_matrix <- function(x, call) {
  if (is.matrix(x) && is.numeric(x)) {
    m <- x
    storage.mode(m) <- "double"
  } else {
    x <- as.data.frame(x, stringsAsFactors = FALSE)
    for (j in seq_along(x)) {
      v <- x[[j]]
      if (is.logical(v) && all(is.na(v))) next
      if (is.character(v) || is.factor(v)) {
        # Text that reads as numbers is numbers (as a CSV reader would); else the first cell that is not one.
        parsed <- suppressWarnings(as.numeric(as.character(v)))
        bad <- which(!is.na(v) & is.na(parsed))
        if (length(bad) == 0L) {
          x[[j]] <- parsed
          next
        }
        bad <- bad[1]
        v <- as.character(v)
      } else if (!is.numeric(v)) {
        bad <- which(!is.na(v))[1]
      }
      if (!is.numeric(v)) {
        .fail(sprintf("column '%s' is not numeric (row %d holds '%s'): give the answers as numbers, NA = no answer",
                      names(x)[j], bad, as.character(v[bad])),
              call, "not_a_number", column = names(x)[j], row = bad, value = as.character(v[bad]))
      }
    }
    m <- matrix(as.double(unlist(x, use.names = FALSE)), nrow = nrow(x), ncol = ncol(x),
                dimnames = list(NULL, names(x)))
  }
  if (is.null(colnames(m))) colnames(m) <- paste0("V", seq_len(ncol(m)))
  m
}

# An instrument argument: a built-in id, the path of a JSON file, JSON text, or NULL.
.instrument <- function(instrument) {
  if (is.null(instrument)) return(list(text = "", json = FALSE))
  if (is.list(instrument)) return(list(text = as.character(jsonlite::toJSON(instrument, auto_unbox = TRUE)), json = TRUE))
  stopifnot(is.character(instrument), length(instrument) == 1L)
  if (grepl("^\\s*\\{", instrument)) return(list(text = instrument, json = TRUE))
  if (file.exists(instrument)) return(list(text = paste(readLines(instrument, warn = FALSE), collapse = "\n"), json = TRUE))
  list(text = instrument, json = FALSE)
}

# The item ids of an instrument (NULL: none).
.instrument_items <- function(inst) {
  if (!nzchar(inst$text)) return(NULL)
  if (inst$json) return(vapply(jsonlite::fromJSON(inst$text, simplifyVector = FALSE)$items, function(i) i$id, ""))
  docs <- attune_instruments(detail = TRUE)
  hit <- which(tolower(names(docs)) == tolower(inst$text))
  if (length(hit) == 0L) {
    # The library's own error (rule unknown_instrument) names the id and the built-in ones.
    .check(.attune_study_json("score", inst$text, FALSE, matrix(numeric(0), 0L, 0L), "{}"), sys.call(-1))
    return(NULL)
  }
  docs[[hit]]$items
}

# The instrument's columns of `m`, in its item order, when the names allow; else `m` as it is.
.select_items <- function(m, items) {
  if (is.null(items)) return(m)
  if (!is.null(colnames(m)) && all(items %in% colnames(m))) return(m[, items, drop = FALSE])
  m
}

# Options as the JSON object of the C API (names = the C++ options fields, docs/c-api.md).
.options_json <- function(options) {
  options <- options[!vapply(options, is.null, TRUE)]
  if (length(options) == 0L) return("{}")
  as.character(jsonlite::toJSON(options, auto_unbox = TRUE, digits = NA, null = "null"))
}

# A response range: c(min, max) or "1-7", as the C API's option.
.range <- function(range) {
  if (is.null(range)) return(NULL)
  if (is.character(range)) return(range)
  stopifnot(is.numeric(range), length(range) == 2L)
  list(min = range[1], max = range[2])
}

.parse <- function(json) {
  jsonlite::fromJSON(json, simplifyVector = TRUE, simplifyDataFrame = FALSE, simplifyMatrix = TRUE)
}

# A list of JSON objects as a data frame of the scalar fields `fields` (named as `names`).
.table <- function(rows, fields, names = fields, row.names = NULL) {
  cols <- lapply(fields, function(f) {
    v <- lapply(rows, function(r) if (is.null(r[[f]]) || length(r[[f]]) != 1L) NA else r[[f]])
    unlist(v)
  })
  df <- as.data.frame(stats::setNames(cols, names), stringsAsFactors = FALSE, check.names = FALSE)
  if (!is.null(row.names)) rownames(df) <- row.names
  df
}

# Runs one study of the C API and returns its JSON text.
.study_json <- function(study, x, instrument, options, call) {
  inst <- .instrument(instrument)
  m <- .data_matrix(.select_items(x, .instrument_items(inst)), call)
  if (is.null(options$columns)) options$columns <- I(colnames(m))
  .check(.attune_study_json(study, inst$text, inst$json, m, .options_json(options)), call)
}

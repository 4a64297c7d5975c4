# Every function on the sample data, and the attune_error condition of each error path.
library(attune)
sample <- utils::read.csv(system.file("extdata", "ecr-r-sample.csv", package = "attune"),
                          colClasses = c(id = "character"))
expect_true("ecr-r" %in% attune_instruments()$id)
expect_equal(attune_instruments(detail = TRUE)[["ecr-r"]]$items[1:2], c("Q1", "Q2"))

s <- attune_score(sample, "ecr-r")
expect_equal(nrow(s$scores), 500L)
expect_equal(s$summary$name, c("anxiety", "avoidance"))
# Column order does not matter: items are matched by name.
expect_identical(attune_score(sample[, rev(names(sample))], "ecr-r")$scores, s$scores)
# Missing answers (NA) lower the answered count.
na <- sample
na$Q1[1] <- NA
expect_equal(attune_score(na, "ecr-r")$scores$anxiety_answered[1], s$scores$anxiety_answered[1] - (!is.na(sample$Q1[1])))

# Errors: a condition of class attune_error with row, column, value and rule.
bad <- sample
bad$Q3[7] <- 9
e <- tryCatch(attune_score(bad, "ecr-r"), attune_error = function(e) e)
expect_inherits(e, "attune_error")
expect_equal(e$row, 7)
expect_equal(e$column, "Q3")
expect_equal(e$value, "9")
expect_equal(e$rule, "out_of_range")
expect_equal(e$option, "scoring_options.range")
e <- tryCatch(attune_score(sample, "no-such-instrument"), attune_error = function(e) e)
expect_inherits(e, "attune_error")
expect_equal(e$rule, "unknown_instrument")
bad <- sample
bad$Q2 <- as.character(bad$Q2)
bad$Q2[3] <- "x"
e <- tryCatch(attune_score(bad, "ecr-r"), attune_error = function(e) e)
expect_equal(e$column, "Q2")
expect_equal(e$row, 3)
expect_equal(e$value, "x")
expect_equal(e$rule, "not_a_number")
e <- tryCatch(attune_alpha(sample[2:7], bogus_option = 1), attune_error = function(e) e)
expect_inherits(e, "attune_error")
expect_false(is.na(e$option))
e <- tryCatch(attune_irt_score(sample, attune_irt_fit(sample[2:5])$bank, method = "eap")$scores, error = function(e) e)
expect_false(inherits(e, "error"))

a <- attune_alpha(sample[2:7], keys = c(1, -1, 1, 1, 1, 1), range = c(1, 7))
expect_equal(a$reversed, "Q2")
expect_true(a$raw_alpha > 0 && a$raw_alpha < 1)
expect_equal(rownames(a$alpha.drop), paste0("Q", 1:6))
an <- attune_alpha(sample, instrument = "ecr-r", scale = "anxiety")
expect_equal(nrow(an$item.stats), 18L)

c2 <- attune_classify(sample, "ecr-r")
expect_equal(sum(c2$counts), 500L)
q <- attune_quality(sample, "ecr-r")
expect_equal(nrow(q$indices), 500L)
cf <- attune_cfa(sample, "ecr-r")
expect_equal(cf$factors, c("anxiety", "avoidance"))

fit <- attune_irt_fit(sample[2:7], scale = "anx6")
expect_equal(fit$items$item, paste0("Q", 1:6))
sc <- attune_irt_score(sample, fit)
expect_equal(nrow(sc$scores), 500L)
expect_true(all(is.finite(sc$scores$theta_anx6)))
info <- attune_irt_info(fit, theta = seq(-2, 2, by = 1))
expect_equal(info$scales[[1]]$information$theta, -2:2)

# An item bank that does not parse is an attune_error of rule "json".
e <- tryCatch(attune_irt_info("{not json"), attune_error = function(e) e)
expect_inherits(e, "attune_error")
expect_equal(e$rule, "json")

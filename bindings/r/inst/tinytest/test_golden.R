# The golden fixture of the C API and Python tests (tests/golden/json in the repository): the
# sample data give the same documents from R, byte for byte, as from the command line and C.
src <- Sys.getenv("ATTUNE_SOURCE_DIR")
golden <- file.path(src, "tests", "golden", "json")
if (!nzchar(src) || !dir.exists(golden)) exit_file("ATTUNE_SOURCE_DIR (the repository) not set: no golden fixture")
library(attune)
sample <- utils::read.csv(system.file("extdata", "ecr-r-sample.csv", package = "attune"),
                          colClasses = c(id = "character"))
snapshot <- function(name) sub("\\s+$", "", paste(readLines(file.path(golden, paste0(name, ".json"))), collapse = "\n"))
same <- function(text, name) expect_identical(sub("\\s+$", "", text), snapshot(name), info = name)

same(attune_study("score", sample, "ecr-r", ids = I(sample$id), id_column = "id", json = TRUE), "score")
same(attune_study("reliability", sample, "ecr-r", json = TRUE), "reliability")
same(attune_study("classify", sample, "ecr-r", method = "midpoint", ids = I(sample$id), id_column = "id",
                  json = TRUE), "classify")
# The friendly functions read the same documents.
doc <- jsonlite::fromJSON(snapshot("score"), simplifyVector = TRUE)
s <- attune_score(sample, "ecr-r", ids = sample$id)
expect_identical(s$scores$anxiety, doc$respondents$anxiety)
expect_identical(s$scores$avoidance, doc$respondents$avoidance)
rel <- jsonlite::fromJSON(snapshot("reliability"), simplifyVector = FALSE)
expect_identical(attune_alpha(sample, instrument = "ecr-r", scale = "anxiety")$raw_alpha,
                 rel$scales[[1]]$reliability$alpha)

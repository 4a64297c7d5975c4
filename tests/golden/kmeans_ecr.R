# Golden value for tests/classify_test.cpp (RealEcrData.KmeansReachesRsOptimum).
#
# Run from the repository root:  Rscript tests/golden/kmeans_ecr.R [path/to/data.csv]
# Default data: ../shared/data/openpsychometrics-ecr (unpacked to a temporary directory; never
# copied into the repository). Writes tests/data/classify/kmeans_ecr_golden.csv (key,value).
#
# Case: the 46,610 complete rows of the real ECR data (1-5 scale, 0 = missing), ECR key (anxiety =
# even items, avoidance = odd items, items 3, 15, 19, 22, 25, 27, 29, 31, 33, 35 reversed as 6 - x),
# scores = item means. Reference: R stats::kmeans (Hartigan-Wong), 4 centers, iter.max = 100,
# nstart = 50 (seed 1), and the best of nstart = 1000 (seed 2) as the best known optimum.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 1) {
  csv <- args[1]
} else {
  zip <- file.path("..", "shared", "data", "openpsychometrics-ecr", "ECR-data-1March2018.zip")
  dir <- tempfile("ecr")
  unzip(zip, exdir = dir)
  csv <- file.path(dir, "ECR-data-1March2018", "data.csv")
}
d <- read.csv(csv)
x <- as.matrix(d[, paste0("Q", 1:36)])
x <- x[rowSums(x == 0) == 0, ]
stopifnot(nrow(x) == 46610)
reversed <- c(3, 15, 19, 22, 25, 27, 29, 31, 33, 35)
x[, reversed] <- 6 - x[, reversed]
scores <- cbind(anxiety = rowMeans(x[, seq(2, 36, 2)]), avoidance = rowMeans(x[, seq(1, 35, 2)]))
set.seed(1)
k50 <- kmeans(scores, centers = 4, nstart = 50, iter.max = 100)
set.seed(2)
k1000 <- kmeans(scores, centers = 4, nstart = 1000, iter.max = 100)
vals <- c(within_ss_nstart50 = k50$tot.withinss, within_ss_nstart1000 = k1000$tot.withinss)
print(vals, digits = 17)
dir.create(file.path("tests", "data", "classify"), recursive = TRUE, showWarnings = FALSE)
writeLines(paste0(names(vals), ",", sprintf("%.17g", vals)), file.path("tests", "data", "classify", "kmeans_ecr_golden.csv"))

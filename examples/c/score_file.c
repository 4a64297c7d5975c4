/* The C API from C: score a CSV file of ECR-R answers and report each scale's alpha.
 *
 *   cc -std=c99 -c score_file.c -I PREFIX/include && c++ score_file.o -o score_file PREFIX/lib/libattune.a -pthread
 *   ./score_file examples/data/ecr-r-sample.csv
 *
 * The file has a header, an id in its first column and the 36 items after it (empty = no answer).
 * Scores come from attune_score_matrix; the reliability document is attune_study_json's, the same
 * JSON that `attune reliability FILE --instrument ecr-r --format json` prints. */
#include <attune/attune.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITEMS 36
#define MAX_ROWS 100000

static int fail(const char* what, const attune_error* err) {
  fprintf(stderr, "%s: %s (%s)\n", what, err->message, attune_status_name(err->code));
  return 1;
}

/* Reads the answers (row-major, NaN = empty cell); returns the number of rows, 0 on failure. */
static size_t read_answers(const char* path, double* values) {
  char line[8192];
  size_t rows = 0;
  FILE* f = fopen(path, "r");
  if (f == NULL || fgets(line, sizeof line, f) == NULL) return 0;
  while (rows < MAX_ROWS && fgets(line, sizeof line, f) != NULL) {
    char* p = strchr(line, ',');
    size_t j;
    if (p == NULL) continue;
    ++p;
    for (j = 0; j < ITEMS; ++j) {
      char* end = p + strcspn(p, ",\r\n");
      const char next = *end;
      *end = '\0';
      values[rows * ITEMS + j] = *p == '\0' ? NAN : strtod(p, NULL);
      p = next == ',' ? end + 1 : end;
    }
    ++rows;
  }
  fclose(f);
  return rows;
}

int main(int argc, char** argv) {
  attune_error err;
  attune_instrument* ecr_r = NULL;
  double* answers;
  double* scores;
  char* doc = NULL;
  const char* p;
  size_t rows, r;
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE.csv\n", argv[0]);
    return 2;
  }
  answers = (double*)malloc(sizeof(double) * ITEMS * MAX_ROWS);
  scores = (double*)malloc(sizeof(double) * 2 * MAX_ROWS);
  if (answers == NULL || scores == NULL) return 1;
  rows = read_answers(argv[1], answers);
  if (rows == 0) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  printf("attune %s (ABI %d): %lu respondents\n", attune_version(), attune_abi_version(), (unsigned long)rows);

  if (attune_instrument_builtin("ecr-r", &ecr_r, &err) != ATTUNE_OK) return fail("ecr-r", &err);
  if (attune_score_matrix(ecr_r, answers, rows, ITEMS, ITEMS, NULL, scores, 2, 2, &err) != ATTUNE_OK) {
    return fail("score", &err);
  }
  for (r = 0; r < 3 && r < rows; ++r) {
    printf("respondent %lu: anxiety %.3f, avoidance %.3f\n", (unsigned long)(r + 1), scores[2 * r], scores[2 * r + 1]);
  }

  if (attune_study_json("reliability", ecr_r, answers, rows, ITEMS, NULL, &doc, &err) != ATTUNE_OK) {
    return fail("reliability", &err);
  }
  /* Each scale's entry has "name" before its "alpha". */
  for (p = strstr(doc, "\"name\": \""); p != NULL; p = strstr(p + 1, "\"name\": \"")) {
    const char* alpha = strstr(p, "\"alpha\": ");
    const char* name = p + 9;
    if (alpha == NULL) break;
    printf("%.*s: alpha %.3f\n", (int)(strchr(name, '"') - name), name, strtod(alpha + 9, NULL));
  }
  attune_free(doc);
  attune_instrument_free(ecr_r);
  free(answers);
  free(scores);
  return 0;
}

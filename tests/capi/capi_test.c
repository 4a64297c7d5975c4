/* The C API's test program: written in C99 and compiled as C (-std=c99 -Wall -Wextra -Werror
 * -pedantic), linked against the installed library by tests/package (step c_api), and run under
 * ASan+UBSan in the asan preset. It calls every function of include/attune/attune.h, each error
 * path (NULL and wrong handles, out-of-range answers, malformed JSON, unknown options and studies,
 * wrong sizes), and checks that the sample data give through the C API exactly the documents the
 * command line prints (tests/golden/json/{score,reliability,classify,irt_fit,irt_score,irt_info,cat_simulation}.json).
 *
 * Usage: capi_test SOURCE_DIR */
#include <attune/attune.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                       \
  do {                                                                    \
    ++checks;                                                             \
    if (!(cond)) {                                                        \
      ++failures;                                                         \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                     \
  } while (0)

#define CHECK_STATUS(call, expected, err)                                                   \
  do {                                                                                      \
    attune_status got_ = (call);                                                            \
    ++checks;                                                                               \
    if (got_ != (expected)) {                                                               \
      ++failures;                                                                           \
      fprintf(stderr, "%s:%d: %s returned %s (expected %s): %s\n", __FILE__, __LINE__, #call, \
              attune_status_name(got_), attune_status_name(expected), (err).message);        \
    }                                                                                       \
  } while (0)

static int contains(const char* text, const char* part) { return text != NULL && strstr(text, part) != NULL; }

/* ---- the sample data: id,Q1..Q36; empty = no answer ---- */

#define SAMPLE_ITEMS 36
#define SAMPLE_MAX_ROWS 1000

typedef struct sample {
  size_t rows;
  double* values;     /* rows x 36, row-major */
  char ids[SAMPLE_MAX_ROWS][16];
} sample;

static int read_sample(const char* path, sample* s) {
  FILE* f = fopen(path, "r");
  char line[4096];
  if (f == NULL) return 0;
  s->rows = 0;
  s->values = (double*)malloc(sizeof(double) * SAMPLE_ITEMS * SAMPLE_MAX_ROWS);
  if (s->values == NULL || fgets(line, sizeof line, f) == NULL) { /* header */
    fclose(f);
    return 0;
  }
  while (fgets(line, sizeof line, f) != NULL && s->rows < SAMPLE_MAX_ROWS) {
    char* p = line;
    char* comma = strchr(p, ',');
    size_t j;
    if (comma == NULL) continue;
    *comma = '\0';
    strncpy(s->ids[s->rows], p, sizeof s->ids[0] - 1);
    s->ids[s->rows][sizeof s->ids[0] - 1] = '\0';
    p = comma + 1;
    for (j = 0; j < SAMPLE_ITEMS; ++j) {
      char* end = p + strcspn(p, ",\r\n");
      const char next = *end;
      *end = '\0';
      s->values[s->rows * SAMPLE_ITEMS + j] = *p == '\0' ? NAN : strtod(p, NULL);
      p = next == ',' ? end + 1 : end;
    }
    ++s->rows;
  }
  fclose(f);
  return s->rows > 0;
}

static char* read_text(const char* path) {
  FILE* f = fopen(path, "rb");
  long n;
  char* text;
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = (char*)malloc((size_t)n + 1);
  if (text != NULL && fread(text, 1, (size_t)n, f) != (size_t)n) {
    free(text);
    text = NULL;
  }
  if (text != NULL) text[n] = '\0';
  fclose(f);
  return text;
}

/* Equal up to trailing white space (the snapshot files end with a newline). */
static int same_document(const char* a, const char* b) {
  size_t na = strlen(a), nb = strlen(b);
  while (na > 0 && (a[na - 1] == '\n' || a[na - 1] == ' ')) --na;
  while (nb > 0 && (b[nb - 1] == '\n' || b[nb - 1] == ' ')) --nb;
  return na == nb && memcmp(a, b, na) == 0;
}

/* The options {"columns": [Q1..Q36], "ids": [...], "id_column": "id"} (ids when with_ids). */
static char* sample_options(const sample* s, int with_ids, const char* extra) {
  size_t size = 512 + s->rows * 20 + strlen(extra);
  char* o = (char*)malloc(size);
  size_t i, n;
  if (o == NULL) return NULL;
  n = (size_t)sprintf(o, "{\"columns\": [");
  for (i = 0; i < SAMPLE_ITEMS; ++i) n += (size_t)sprintf(o + n, "%s\"Q%u\"", i ? "," : "", (unsigned)(i + 1));
  n += (size_t)sprintf(o + n, "]");
  if (with_ids) {
    n += (size_t)sprintf(o + n, ", \"id_column\": \"id\", \"ids\": [");
    for (i = 0; i < s->rows; ++i) n += (size_t)sprintf(o + n, "%s\"%s\"", i ? "," : "", s->ids[i]);
    n += (size_t)sprintf(o + n, "]");
  }
  sprintf(o + n, "%s}", extra);
  return o;
}

static void golden(const char* source_dir, const attune_instrument* ecr_r) {
  char path[2048];
  sample s;
  const char* studies[3] = {"score", "reliability", "classify"};
  const int with_ids[3] = {1, 0, 1};
  int k;
  sprintf(path, "%s/examples/data/ecr-r-sample.csv", source_dir);
  CHECK(read_sample(path, &s));
  CHECK(s.rows == 500);
  for (k = 0; k < 3; ++k) {
    attune_error err;
    char* doc = NULL;
    char* expected;
    char* options = sample_options(&s, with_ids[k], "");
    sprintf(path, "%s/tests/golden/json/%s.json", source_dir, studies[k]);
    expected = read_text(path);
    CHECK(expected != NULL);
    CHECK_STATUS(attune_study_json(studies[k], ecr_r, s.values, s.rows, SAMPLE_ITEMS, options, &doc, &err), ATTUNE_OK,
                 err);
    CHECK(doc != NULL && expected != NULL && same_document(doc, expected));
    if (doc != NULL && expected != NULL && !same_document(doc, expected)) {
      fprintf(stderr, "golden %s: the C API's document differs from %s\n", studies[k], path);
    }
    attune_free(doc);
    free(expected);
    free(options);
  }
  /* The matrix scoring call gives the numbers of the score document: R000001 4.6875, 2.2222... */
  {
    attune_error err;
    double* scores = (double*)malloc(sizeof(double) * 3 * s.rows);
    CHECK_STATUS(attune_score_matrix(ecr_r, s.values, s.rows, SAMPLE_ITEMS, SAMPLE_ITEMS, NULL, scores, 2, 3, &err),
                 ATTUNE_OK, err);
    CHECK(scores[0] == 4.6875);
    CHECK(fabs(scores[1] - 2.2222222222222223) < 1e-15);
    CHECK(fabs(scores[3] - 5.277777777777778) < 1e-15);
    free(scores);
  }
  free(s.values);
}

static void version_and_status(void) {
  int i;
  CHECK(attune_version() != NULL && strlen(attune_version()) >= 5);
  CHECK(attune_abi_version() == ATTUNE_C_ABI_VERSION);
  CHECK(strcmp(attune_status_name(ATTUNE_OK), "ok") == 0);
  CHECK(strcmp(attune_status_name(ATTUNE_BAD_INPUT), "bad_input") == 0);
  for (i = ATTUNE_OK; i <= ATTUNE_INTERNAL_ERROR; ++i) CHECK(strcmp(attune_status_name(i), "unknown") != 0);
  CHECK(strcmp(attune_status_name(99), "unknown") == 0);
  CHECK(strcmp(attune_status_name(-1), "unknown") == 0);
  attune_free(NULL);
}

static void instruments(void) {
  attune_error err;
  attune_instrument* inst = NULL;
  attune_instrument* copy = NULL;
  char* json = NULL;
  size_t n = 0, i;
  const char* text = NULL;
  const char* malformed = "{\"id\": \"x\", \"items\": [";

  n = attune_instrument_builtin_count();
  CHECK(n >= 7);
  for (i = 0; i < n; ++i) CHECK(attune_instrument_builtin_id(i) != NULL);
  CHECK(attune_instrument_builtin_id(n) == NULL);

  CHECK_STATUS(attune_instruments_json(&json, &err), ATTUNE_OK, err);
  CHECK(contains(json, "\"study\": \"instruments\"") && contains(json, "ecr-r"));
  attune_free(json);
  CHECK_STATUS(attune_instruments_json(NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(contains(err.message, "result_json"));

  CHECK_STATUS(attune_instrument_builtin("ECR-R", &inst, &err), ATTUNE_OK, err);
  CHECK(err.code == ATTUNE_OK && err.message[0] == '\0' && err.row == -1);
  CHECK(strcmp(attune_instrument_id(inst), "ecr-r") == 0);
  CHECK_STATUS(attune_instrument_item_count(inst, &n, &err), ATTUNE_OK, err);
  CHECK(n == 36);
  CHECK_STATUS(attune_instrument_item_id(inst, 0, &text, &err), ATTUNE_OK, err);
  CHECK(text != NULL && strcmp(text, "Q1") == 0);
  CHECK_STATUS(attune_instrument_item_id(inst, 36, &text, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(text == NULL && strcmp(err.option, "index") == 0);
  CHECK_STATUS(attune_instrument_item_id(inst, 0, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_score_count(inst, &n, &err), ATTUNE_OK, err);
  CHECK(n == 2);
  CHECK_STATUS(attune_instrument_score_name(inst, 1, &text, &err), ATTUNE_OK, err);
  CHECK(text != NULL && strcmp(text, "avoidance") == 0);
  CHECK_STATUS(attune_instrument_score_name(inst, 2, &text, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_score_name(inst, 0, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_item_count(inst, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_score_count(inst, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);

  /* round trip through JSON */
  CHECK_STATUS(attune_instrument_to_json(inst, &json, &err), ATTUNE_OK, err);
  CHECK(contains(json, "\"ecr-r\""));
  CHECK_STATUS(attune_instrument_from_json(json, &copy, &err), ATTUNE_OK, err);
  CHECK(copy != NULL && strcmp(attune_instrument_id(copy), "ecr-r") == 0);
  attune_free(json);
  attune_instrument_free(copy);
  CHECK_STATUS(attune_instrument_to_json(inst, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);

  /* a composite score (RQ: model of self and other) */
  CHECK_STATUS(attune_instrument_builtin("rq", &copy, &err), ATTUNE_OK, err);
  CHECK_STATUS(attune_instrument_score_count(copy, &n, &err), ATTUNE_OK, err);
  CHECK(n > 4);
  CHECK_STATUS(attune_instrument_score_name(copy, n - 1, &text, &err), ATTUNE_OK, err);
  CHECK(text != NULL && strlen(text) > 0);
  attune_instrument_free(copy);
  copy = NULL;

  /* errors: unknown id, NULL arguments, malformed and invalid JSON, NULL handles */
  CHECK_STATUS(attune_instrument_builtin("no-such", &copy, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(copy == NULL && contains(err.message, "no-such") && strcmp(err.value, "no-such") == 0);
  CHECK(err.code == ATTUNE_INVALID_ARGUMENT);
  CHECK_STATUS(attune_instrument_builtin(NULL, &copy, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_builtin("ecr-r", NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_builtin("no-such", &copy, NULL), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_from_json(malformed, &copy, &err), ATTUNE_BAD_INPUT, err);
  CHECK(copy == NULL && contains(err.message, "instrument JSON: not valid JSON"));
  CHECK_STATUS(attune_instrument_from_json("{\"id\": \"x\"}", &copy, &err), ATTUNE_BAD_INPUT, err);
  CHECK_STATUS(attune_instrument_from_json(NULL, &copy, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_from_json("{}", NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_to_json(NULL, &json, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(json == NULL && contains(err.message, "NULL"));
  CHECK(attune_instrument_id(NULL) == NULL);
  CHECK_STATUS(attune_instrument_item_count(NULL, &n, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_item_id(NULL, 0, &text, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_score_count(NULL, &n, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_instrument_score_name(NULL, 0, &text, &err), ATTUNE_INVALID_ARGUMENT, err);
  {
    /* a pointer that is not a handle: its tag does not match */
    double not_a_handle[4] = {0, 0, 0, 0};
    CHECK_STATUS(attune_instrument_item_count((const attune_instrument*)(void*)not_a_handle, &n, &err),
                 ATTUNE_INVALID_ARGUMENT, err);
    CHECK(contains(err.message, "not an attune_instrument"));
    CHECK(attune_instrument_id((const attune_instrument*)(void*)not_a_handle) == NULL);
  }
  attune_instrument_free(NULL);
  attune_instrument_free(inst);
}

static void scoring(const attune_instrument* ecr_r) {
  attune_error err;
  double answers[36];
  double scores[2] = {0, 0};
  double matrix[3 * 40];
  double out[3 * 3];
  size_t i, r;
  for (i = 0; i < 36; ++i) answers[i] = 4.0;
  answers[35] = NAN;
  CHECK_STATUS(attune_score_respondent(ecr_r, answers, 36, scores, 2, &err), ATTUNE_OK, err);
  CHECK(scores[0] == 4.0 && scores[1] == 4.0);

  /* too few answered: NaN, not an error */
  for (i = 0; i < 10; ++i) answers[i] = NAN;
  CHECK_STATUS(attune_score_respondent(ecr_r, answers, 36, scores, 2, &err), ATTUNE_OK, err);
  CHECK(isnan(scores[0]) && scores[1] == 4.0);

  /* an answer out of range names the item and the value */
  answers[4] = 9.0;
  CHECK_STATUS(attune_score_respondent(ecr_r, answers, 36, scores, 2, &err), ATTUNE_BAD_INPUT, err);
  CHECK(strcmp(err.item, "Q5") == 0 && strcmp(err.value, "9") == 0 && strcmp(err.rule, "out_of_range") == 0);
  CHECK(contains(err.message, "9") && err.code == ATTUNE_BAD_INPUT);
  /* ... unless treated as missing */
  CHECK_STATUS(attune_score_respondent_options(ecr_r, answers, 36, "{\"out_of_range\": \"set_missing\"}", scores, 2, &err),
               ATTUNE_OK, err);
  CHECK(isnan(scores[0]));
  CHECK_STATUS(attune_score_respondent_options(ecr_r, answers, 36, "{\"range\": \"1-9\", \"min_answered\": 0.5}",
                                               scores, 2, &err),
               ATTUNE_OK, err);
  CHECK(!isnan(scores[0]));
  CHECK_STATUS(attune_score_respondent_options(ecr_r, answers, 36, "{\"min_answered\": 2}", scores, 2, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(contains(err.message, "min_answered") && contains(err.message, "2"));
  CHECK_STATUS(attune_score_respondent_options(ecr_r, answers, 36, "{\"min_answerd\": 0.5}", scores, 2, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.rule, "unknown_option") == 0 && contains(err.message, "min_answerd"));
  CHECK_STATUS(attune_score_respondent_options(ecr_r, answers, 36, "{\"min_answered\": ", scores, 2, &err),
               ATTUNE_BAD_INPUT, err);
  CHECK(strcmp(err.source, "options") == 0);
  CHECK_STATUS(attune_score_respondent_options(ecr_r, answers, 36, "[1]", scores, 2, &err), ATTUNE_BAD_INPUT, err);
  CHECK_STATUS(attune_score_respondent_options(ecr_r, answers, 36, "{\"min_answered\": \"high\"}", scores, 2, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.rule, "option_type") == 0);

  /* sizes and handles */
  CHECK_STATUS(attune_score_respondent(ecr_r, answers, 35, scores, 2, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_score_respondent(ecr_r, answers, 36, scores, 3, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "n_scores") == 0);
  CHECK_STATUS(attune_score_respondent(ecr_r, NULL, 36, scores, 2, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_score_respondent(ecr_r, answers, 36, NULL, 2, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_score_respondent(NULL, answers, 36, scores, 2, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(contains(err.message, "NULL") && strcmp(err.option, "inst") == 0);
  CHECK_STATUS(attune_score_respondent(NULL, answers, 36, scores, 2, NULL), ATTUNE_INVALID_ARGUMENT, err);

  /* a matrix with a row stride of 40 and an output stride of 3; row 2 all 2s */
  for (r = 0; r < 3; ++r)
    for (i = 0; i < 40; ++i) matrix[r * 40 + i] = i < 36 ? (double)(r + 1) : -1.0;
  for (i = 0; i < 9; ++i) out[i] = -7.0;
  CHECK_STATUS(attune_score_matrix(ecr_r, matrix, 3, 36, 40, NULL, out, 2, 3, &err), ATTUNE_OK, err);
  /* all answers x: anxiety has 2 reversed of 18, (16x + 2(8-x))/18 */
  CHECK(fabs(out[0] - (16.0 * 1 + 2 * 7) / 18.0) < 1e-12);
  CHECK(out[2] == -7.0 && out[5] == -7.0); /* the stride's gap is left alone */
  CHECK(fabs(out[3] - (16.0 * 2 + 2 * 6) / 18.0) < 1e-12);
  /* an out-of-range cell names the data row and the column */
  matrix[1 * 40 + 4] = 8.0;
  CHECK_STATUS(attune_score_matrix(ecr_r, matrix, 3, 36, 40, "{\"source\": \"app\"}", out, 2, 3, &err),
               ATTUNE_BAD_INPUT, err);
  CHECK(err.row == 2 && strcmp(err.column, "Q5") == 0 && strcmp(err.value, "8") == 0 && strcmp(err.source, "app") == 0);
  CHECK_STATUS(attune_score_matrix(ecr_r, matrix, 3, 36, 40, "{\"out_of_range\": \"set_missing\"}", out, 2, 3, &err),
               ATTUNE_OK, err);
  CHECK_STATUS(attune_score_matrix(ecr_r, matrix, 3, 36, 30, NULL, out, 2, 3, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "row_stride") == 0);
  CHECK_STATUS(attune_score_matrix(ecr_r, matrix, 3, 36, 40, NULL, out, 2, 1, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_score_matrix(ecr_r, matrix, 3, 36, 40, NULL, out, 3, 3, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_score_matrix(ecr_r, matrix, 3, 35, 40, NULL, out, 2, 3, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_score_matrix(ecr_r, NULL, 3, 36, 40, NULL, out, 2, 3, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_score_matrix(ecr_r, matrix, 3, 36, 40, NULL, NULL, 2, 3, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_score_matrix(ecr_r, matrix, 3, 36, 40, "{\"ids\": [\"a\"]}", out, 2, 3, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_score_matrix(NULL, matrix, 3, 36, 40, NULL, out, 2, 3, &err), ATTUNE_INVALID_ARGUMENT, err);
}

/* Seeded answers 1-7 for `rows` respondents (a linear congruential generator). */
static void fill(double* data, size_t rows, size_t cols, unsigned seed) {
  size_t i;
  unsigned x = seed;
  for (i = 0; i < rows * cols; ++i) {
    x = x * 1103515245u + 12345u;
    data[i] = (double)(1 + (x >> 16) % 7);
  }
}

static void studies(const attune_instrument* ecr_r) {
  enum { ROWS = 60, COLS = 36 };
  attune_error err;
  char* doc = NULL;
  double* data = (double*)malloc(sizeof(double) * ROWS * COLS);
  const char* names[6] = {"score", "reliability", "correlate", "factor", "classify", "quality"};
  int k;
  char ids[2048];
  size_t n = 0, i;
  fill(data, ROWS, COLS, 7u);
  for (k = 0; k < 6; ++k) {
    CHECK_STATUS(attune_study_json(names[k], ecr_r, data, ROWS, COLS, NULL, &doc, &err), ATTUNE_OK, err);
    CHECK(contains(doc, "\"format\": \"attune/1\"") && contains(doc, names[k]));
    attune_free(doc);
    doc = NULL;
  }
  /* options of each study */
  CHECK_STATUS(attune_study_json("reliability", ecr_r, data, ROWS, COLS,
                                 "{\"intervals\": [\"feldt\"], \"level\": 0.9, \"split_half\": false, \"missing\": \"listwise\"}",
                                 &doc, &err),
               ATTUNE_OK, err);
  attune_free(doc);
  CHECK_STATUS(attune_study_json("factor", ecr_r, data, ROWS, COLS, "{\"analysis\": \"cfa\"}", &doc, &err), ATTUNE_OK, err);
  CHECK(contains(doc, "\"analysis\": \"cfa\""));
  attune_free(doc);
  CHECK_STATUS(attune_study_json("factor", ecr_r, data, ROWS, COLS, "{\"n_factors\": 2, \"rotation\": \"varimax\"}", &doc, &err),
               ATTUNE_OK, err);
  attune_free(doc);
  /* every field of an options struct, by its C++ name: a struct member takes an object */
  CHECK_STATUS(attune_study_json("factor", ecr_r, data, ROWS, COLS,
                                 "{\"subscales\": [\"anxiety\"], \"polychoric\": true, \"parallel\": true, "
                                 "\"parallel_analysis\": {\"replicates\": 3, \"seed\": 5, \"quantile\": 0.5}, "
                                 "\"efa_fit\": {\"level\": 0.8}, \"scores\": \"bartlett\", \"efa\": {\"method\": \"ml\", \"n_factors\": 2}}",
                                 &doc, &err),
               ATTUNE_OK, err);
  CHECK(contains(doc, "\"replicates\": 3") && contains(doc, "\"rmsea_level\": 0.8") &&
        contains(doc, "\"correlation\": \"polychoric\"") && contains(doc, "\"method\": \"bartlett\""));
  attune_free(doc);
  CHECK_STATUS(attune_study_json("reliability", ecr_r, data, ROWS, COLS,
                                 "{\"icc\": true, \"reliability\": {\"split_half\": false}, \"input\": {\"sanity_warnings\": false}}",
                                 &doc, &err),
               ATTUNE_OK, err);
  CHECK(contains(doc, "\"icc\": {"));
  attune_free(doc);
  /* a field given twice, under a short key and its C++ path */
  CHECK_STATUS(attune_study_json("factor", ecr_r, data, ROWS, COLS, "{\"n_factors\": 2, \"efa\": {\"n_factors\": 3}}", &doc,
                                 &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(doc == NULL && strcmp(err.rule, "option_repeated") == 0 && contains(err.message, "efa.n_factors"));
  CHECK_STATUS(attune_study_json("factor", ecr_r, data, ROWS, COLS, "{\"parallel_analysis\": {\"replicate\": 3}}", &doc,
                                 &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.rule, "unknown_option") == 0 && strcmp(err.option, "parallel_analysis.replicate") == 0 &&
        contains(err.message, "replicates"));
  CHECK_STATUS(attune_study_json("factor", ecr_r, data, ROWS, COLS, "{\"parallel_analysis\": {\"replicates\": \"many\"}}",
                                 &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.rule, "option_type") == 0 && strcmp(err.option, "parallel_options.replicates") == 0 &&
        contains(err.message, "parallel_analysis.replicates"));
  CHECK_STATUS(attune_study_json("factor", ecr_r, data, ROWS, COLS, "{\"efa_fit\": 0.9}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "efa_fit") == 0 && contains(err.message, "level"));
  CHECK_STATUS(attune_study_json("factor", ecr_r, data, ROWS, COLS, "{\"scores\": \"best\"}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "factor_study_options.scores") == 0 && contains(err.value, "best"));
  CHECK_STATUS(attune_study_json("score", ecr_r, data, ROWS, COLS, "{\"input\": {\"keep\": [\"x\"]}}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.rule, "option_not_applicable") == 0 && strcmp(err.option, "input.keep") == 0);
  CHECK_STATUS(attune_study_json("classify", ecr_r, data, ROWS, COLS,
                                 "{\"method\": \"fisher\", \"reliability\": 0.9, \"sd\": {\"anxiety\": 1.2, \"avoidance\": 1.1}}",
                                 &doc, &err),
               ATTUNE_OK, err);
  CHECK(contains(doc, "\"method\": \"fisher\""));
  attune_free(doc);
  CHECK_STATUS(attune_study_json("quality", ecr_r, data, ROWS, COLS, "{\"longstring_share\": 0.4, \"irv_blocks\": 2}", &doc, &err),
               ATTUNE_OK, err);
  attune_free(doc);
  CHECK_STATUS(attune_study_json("correlate", ecr_r, data, ROWS, COLS, "{\"method\": \"polychoric\", \"threads\": 1}", &doc, &err),
               ATTUNE_OK, err);
  CHECK(contains(doc, "polychoric"));
  attune_free(doc);

  /* no instrument: the columns as one scale, named by "columns" */
  CHECK_STATUS(attune_study_json("reliability", NULL, data, ROWS, 4,
                                 "{\"columns\": [\"a\", \"b\", \"c\", \"d\"], \"range\": \"1-7\", \"reversed\": [\"b\"]}", &doc, &err),
               ATTUNE_OK, err);
  CHECK(contains(doc, "\"instrument\": null") && contains(doc, "\"reversed\": [\"b\"]"));
  attune_free(doc);
  CHECK_STATUS(attune_study_json("reliability", NULL, data, ROWS, 4, NULL, &doc, &err), ATTUNE_OK, err);
  CHECK(contains(doc, "\"V4\""));
  attune_free(doc);
  CHECK_STATUS(attune_study_json("correlate", NULL, data, ROWS, 3, NULL, &doc, &err), ATTUNE_OK, err);
  attune_free(doc);

  /* change: two administrations of 30 stacked, matched by id */
  n = (size_t)sprintf(ids, "{\"wave_rows\": [30, 30], \"wave_names\": [\"before\", \"after\"], \"ids\": [");
  for (i = 0; i < ROWS; ++i) n += (size_t)sprintf(ids + n, "%s\"p%u\"", i ? "," : "", (unsigned)(i % 30));
  sprintf(ids + n, "]}");
  CHECK_STATUS(attune_study_json("change", ecr_r, data, ROWS, COLS, ids, &doc, &err), ATTUNE_OK, err);
  CHECK(contains(doc, "\"study\": \"change\"") && contains(doc, "\"before\""));
  attune_free(doc);
  CHECK_STATUS(attune_study_json("change", ecr_r, data, ROWS, COLS, "{\"wave_rows\": [30, 20]}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "wave_rows") == 0);
  CHECK_STATUS(attune_study_json("change", ecr_r, data, ROWS, COLS, "{\"wave_rows\": [30, 30]}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "ids") == 0);

  /* errors */
  CHECK_STATUS(attune_study_json("classify", NULL, data, ROWS, COLS, NULL, &doc, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(doc == NULL && strcmp(err.option, "inst") == 0);
  CHECK_STATUS(attune_study_json("profiles", ecr_r, data, ROWS, COLS, NULL, &doc, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.rule, "unknown_study") == 0);
  CHECK_STATUS(attune_study_json(NULL, ecr_r, data, ROWS, COLS, NULL, &doc, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_study_json("score", ecr_r, data, ROWS, COLS, NULL, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_study_json("score", ecr_r, NULL, ROWS, COLS, NULL, &doc, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_study_json("score", ecr_r, data, ROWS, 30, NULL, &doc, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_study_json("score", ecr_r, data, ROWS, COLS, "{\"bootstrap\": 100}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(contains(err.message, "bootstrap") && contains(err.message, "score"));
  CHECK_STATUS(attune_study_json("reliability", ecr_r, data, ROWS, COLS, "{\"level\": 1.5}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_study_json("reliability", ecr_r, data, ROWS, COLS, "{\"level\": 0.9, \"level\": 0.8}", &doc, &err),
               ATTUNE_BAD_INPUT, err);
  CHECK_STATUS(attune_study_json("reliability", ecr_r, data, ROWS, COLS, "{\"intervals\": [\"nope\"]}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_study_json("factor", ecr_r, data, ROWS, COLS, "{\"rotation\": \"sideways\"}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "efa_options.rotation") == 0 && contains(err.value, "sideways"));
  CHECK_STATUS(attune_study_json("classify", ecr_r, data, ROWS, COLS,
                                 "{\"method\": \"prototypes\", \"prototypes\": [{\"style\": \"secure\", \"anxiety\": 2, "
                                 "\"avoidance\": 2}, {\"style\": \"fearful\", \"anxiety\": 6, \"avoidance\": 6}]}",
                                 &doc, &err),
               ATTUNE_OK, err);
  attune_free(doc);
  CHECK_STATUS(attune_study_json("classify", ecr_r, data, ROWS, COLS, "{\"prototypes\": [{\"style\": \"calm\"}]}", &doc,
                                 &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "classify_study_options.prototypes") == 0);
  CHECK_STATUS(attune_study_json("factor", ecr_r, data, ROWS, COLS, "{\"analysis\": \"cfa\", \"start\": [\"x\"]}", &doc,
                                 &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "cfa_options.start") == 0);
  CHECK_STATUS(attune_study_json("reliability", NULL, data, 1, 4, NULL, &doc, &err), ATTUNE_INSUFFICIENT_DATA, err);
  data[5 * COLS + 2] = 0.0; /* row 6, Q3 */
  CHECK_STATUS(attune_study_json("reliability", ecr_r, data, ROWS, COLS, NULL, &doc, &err), ATTUNE_BAD_INPUT, err);
  CHECK(err.row == 6 && strcmp(err.column, "Q3") == 0 && strcmp(err.value, "0") == 0 && strcmp(err.source, "data") == 0);
  CHECK_STATUS(attune_study_json("quality", ecr_r, data, ROWS, COLS, NULL, &doc, &err), ATTUNE_OK, err);
  attune_free(doc);
  free(data);
}

/* ---- IRT: item banks, the bank studies, CAT sessions ---- */

/* The options of a golden document, and the document compared with tests/golden/json/NAME.json. */
static void golden_bank_doc(const char* source_dir, const char* name, const char* study, const attune_item_bank* bank,
                            const attune_instrument* inst, const double* data, size_t rows, size_t cols,
                            const char* options) {
  char path[2048];
  attune_error err;
  char* doc = NULL;
  char* expected;
  sprintf(path, "%s/tests/golden/json/%s.json", source_dir, name);
  expected = read_text(path);
  CHECK(expected != NULL);
  if (bank != NULL) {
    CHECK_STATUS(attune_study_bank_json(study, bank, data, rows, cols, options, &doc, &err), ATTUNE_OK, err);
  } else {
    CHECK_STATUS(attune_study_json(study, inst, data, rows, cols, options, &doc, &err), ATTUNE_OK, err);
  }
  CHECK(doc != NULL && expected != NULL && same_document(doc, expected));
  if (doc != NULL && expected != NULL && !same_document(doc, expected)) {
    fprintf(stderr, "golden %s: the C API's document differs from %s\n", name, path);
  }
  attune_free(doc);
  free(expected);
}

static void item_banks(const char* source_dir, attune_item_bank* bank, const char* bank_text) {
  attune_error err;
  attune_item_bank* again = NULL;
  char* text = NULL;
  char* text2 = NULL;
  const char* id = NULL;
  size_t n = 0;
  CHECK_STATUS(attune_item_bank_item_count(bank, &n, &err), ATTUNE_OK, err);
  CHECK(n == 36);
  CHECK_STATUS(attune_item_bank_item_id(bank, 0, &id, &err), ATTUNE_OK, err);
  CHECK(id != NULL && strcmp(id, "Q2") == 0);
  CHECK_STATUS(attune_item_bank_item_id(bank, 36, &id, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(id == NULL && strcmp(err.option, "index") == 0);
  CHECK_STATUS(attune_item_bank_item_id(bank, 0, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_item_bank_item_count(NULL, &n, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_item_bank_item_count(bank, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  /* round trip: to_json, from_json, to_json gives the same text */
  CHECK_STATUS(attune_item_bank_to_json(bank, &text, &err), ATTUNE_OK, err);
  CHECK(contains(text, "attune-item-bank/1"));
  CHECK_STATUS(attune_item_bank_from_json(text, &again, &err), ATTUNE_OK, err);
  CHECK_STATUS(attune_item_bank_to_json(again, &text2, &err), ATTUNE_OK, err);
  CHECK(text != NULL && text2 != NULL && strcmp(text, text2) == 0);
  attune_free(text);
  attune_free(text2);
  attune_item_bank_free(again);
  attune_item_bank_free(NULL);
  /* errors: malformed JSON, a broken field, NULL arguments, a handle of another kind */
  CHECK_STATUS(attune_item_bank_from_json("{\"format\": ", &again, &err), ATTUNE_BAD_INPUT, err);
  CHECK(again == NULL);
  CHECK_STATUS(attune_item_bank_from_json("{\"format\": \"attune-item-bank/1\"}", &again, &err), ATTUNE_BAD_INPUT, err);
  CHECK(err.message[0] != '\0');
  CHECK_STATUS(attune_item_bank_from_json(NULL, &again, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_item_bank_from_json(bank_text, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_item_bank_to_json(NULL, &text, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(text == NULL);
  CHECK_STATUS(attune_item_bank_to_json(bank, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  {
    attune_instrument* ecr = NULL;
    CHECK_STATUS(attune_instrument_builtin("ecr", &ecr, &err), ATTUNE_OK, err);
    CHECK_STATUS(attune_item_bank_to_json((const attune_item_bank*)(const void*)ecr, &text, &err),
                 ATTUNE_INVALID_ARGUMENT, err);
    CHECK(contains(err.message, "not an attune_item_bank"));
    attune_instrument_free(ecr);
  }
  (void)source_dir;
}

static void bank_studies(const char* source_dir, const attune_item_bank* bank, const char* bank_text) {
  char path[2048];
  attune_error err;
  char* doc = NULL;
  char* doc2 = NULL;
  char* options;
  sample s;
  size_t i, j;
  /* The documents the command line prints (tests/json_contract_test.cpp makes the same runs). */
  golden_bank_doc(source_dir, "irt_info", "irt info", bank, NULL, NULL, 0, 0, "{\"theta_step\": 2}");
  golden_bank_doc(source_dir, "cat_simulation", "cat simulate", bank, NULL, NULL, 0, 0,
                  "{\"n\": 50, \"stop_se\": 0.32}");
  golden_bank_doc(source_dir, "irt_simulation", "irt simulate", bank, NULL, NULL, 0, 0,
                  "{\"n\": 4, \"seed\": 7, \"missing_rate\": 0.1}");
  /* the same through attune_study_json, the bank as the option "bank" */
  options = (char*)malloc(strlen(bank_text) + 64);
  sprintf(options, "{\"theta_step\": 2, \"bank\": %s}", bank_text);
  golden_bank_doc(source_dir, "irt_info", "irt info", NULL, NULL, NULL, 0, 0, options);
  free(options);
  sprintf(path, "%s/tests/data/irt/ecr-bank-sample.csv", source_dir);
  CHECK(read_sample(path, &s));
  CHECK(s.rows == 14);
  options = sample_options(&s, 1, "");
  /* sample_options names the columns Q1..Q36; this file holds the bank's order: drop "columns" */
  {
    char* cut = strstr(options, "\"columns\"");
    char* end = cut != NULL ? strstr(cut, "], ") : NULL;
    if (cut != NULL && end != NULL) memmove(cut, end + 3, strlen(end + 3) + 1);
  }
  golden_bank_doc(source_dir, "irt_score", "irt score", bank, NULL, s.values, s.rows, SAMPLE_ITEMS, options);
  free(options);
  /* missing codes: a 9 becomes "no answer", as --missing 9 */
  s.values[0] = 9.0;
  CHECK_STATUS(attune_study_bank_json("irt score", bank, s.values, s.rows, SAMPLE_ITEMS, NULL, &doc, &err),
               ATTUNE_BAD_INPUT, err);
  CHECK(err.row == 1 && strcmp(err.column, "Q2") == 0 && strcmp(err.value, "9") == 0);
  CHECK_STATUS(attune_study_bank_json("irt score", bank, s.values, s.rows, SAMPLE_ITEMS, "{\"missing_codes\": [9]}",
                                      &doc, &err),
               ATTUNE_OK, err);
  CHECK(contains(doc, "\"answered_anxiety\":17"));
  attune_free(doc);
  free(s.values);

  /* irt simulate: seeded, so the same document twice */
  CHECK_STATUS(attune_study_bank_json("irt simulate", bank, NULL, 0, 0, "{\"n\": 4, \"seed\": 7}", &doc, &err),
               ATTUNE_OK, err);
  CHECK_STATUS(attune_study_bank_json("irt simulate", bank, NULL, 0, 0, "{\"n\": 4, \"seed\": 7}", &doc2, &err),
               ATTUNE_OK, err);
  CHECK(contains(doc, "\"study\": \"irt_simulation\"") && doc2 != NULL && strcmp(doc, doc2) == 0);
  attune_free(doc);
  attune_free(doc2);

  /* irt fit on the sample's Q1-Q6 as one scale gives the bank document of `attune irt fit` */
  sprintf(path, "%s/examples/data/ecr-r-sample.csv", source_dir);
  CHECK(read_sample(path, &s));
  {
    double* six = (double*)malloc(sizeof(double) * 6 * s.rows);
    for (i = 0; i < s.rows; ++i)
      for (j = 0; j < 6; ++j) six[i * 6 + j] = s.values[i * SAMPLE_ITEMS + j];
    golden_bank_doc(source_dir, "irt_fit", "irt fit", NULL, NULL, six, s.rows, 6,
                    "{\"columns\": [\"Q1\", \"Q2\", \"Q3\", \"Q4\", \"Q5\", \"Q6\"], \"range\": \"1-7\", "
                    "\"scale\": \"anxiety6\"}");
    CHECK_STATUS(attune_study_json("irt fit", NULL, six, s.rows, 6, "{\"start\": \"nope\"}", &doc, &err),
                 ATTUNE_INVALID_ARGUMENT, err);
    CHECK(strcmp(err.option, "grm_options.start") == 0 && contains(err.value, "nope"));
    free(six);
  }
  free(s.values);

  /* errors */
  CHECK_STATUS(attune_study_bank_json("irt info", bank, NULL, 0, 0, "{\"theta_stp\": 2}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(doc == NULL && strcmp(err.option, "theta_stp") == 0 && contains(err.message, "theta_step"));
  CHECK_STATUS(attune_study_bank_json("irt info", bank, NULL, 0, 0, "{\"theta_step\": 0}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_study_bank_json("irt info", bank, NULL, 0, 0, "{\"bank\": {}}", &doc, &err),
               ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "bank") == 0);
  CHECK_STATUS(attune_study_json("irt info", NULL, NULL, 0, 0, NULL, &doc, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "bank") == 0 && strcmp(err.rule, "bank_required") == 0);
  CHECK_STATUS(attune_study_json("irt info", NULL, NULL, 0, 0, "{\"bank\": {\"format\": 1}}", &doc, &err),
               ATTUNE_BAD_INPUT, err);
  CHECK_STATUS(attune_study_bank_json("reliability", bank, NULL, 0, 0, NULL, &doc, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "bank") == 0);
  CHECK_STATUS(attune_study_bank_json("irt info", NULL, NULL, 0, 0, NULL, &doc, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_study_bank_json("irt info", bank, NULL, 0, 0, NULL, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  {
    double one[36];
    for (j = 0; j < 36; ++j) one[j] = 3.0;
    CHECK_STATUS(attune_study_bank_json("irt info", bank, one, 1, 36, NULL, &doc, &err), ATTUNE_INVALID_ARGUMENT, err);
    CHECK(strcmp(err.option, "rows") == 0);
    CHECK_STATUS(attune_study_bank_json("irt score", bank, one, 1, 30, NULL, &doc, &err), ATTUNE_INVALID_ARGUMENT, err);
    CHECK(strcmp(err.option, "cols") == 0);
    one[3] = 6.0; /* not a category of a 1-5 item */
    CHECK_STATUS(attune_study_bank_json("irt score", bank, one, 1, 36, NULL, &doc, &err), ATTUNE_BAD_INPUT, err);
    CHECK(err.row == 1 && strcmp(err.column, "Q8") == 0 && strcmp(err.value, "6") == 0);
    CHECK_STATUS(attune_study_bank_json("irt score", bank, one, 1, 36, "{\"out_of_range\": \"set_missing\"}", &doc, &err),
                 ATTUNE_OK, err);
    attune_free(doc);
    CHECK_STATUS(attune_study_bank_json("cat simulate", bank, one, 1, 36, "{\"out_of_range\": \"set_missing\"}", &doc,
                                        &err),
                 ATTUNE_OK, err);
    CHECK(contains(doc, "\"study\": \"cat_simulation\""));
    attune_free(doc);
  }
}

static void cat_sessions(const attune_item_bank* bank) {
  attune_error err;
  attune_cat_session* s = NULL;
  attune_cat_session* r = NULL;
  const char* item = NULL;
  const char* item2 = NULL;
  char first[64];
  char* saved = NULL;
  double theta = 0, se = 0, theta2 = 0, se2 = 0;
  int done = 0, asked = 0;
  CHECK_STATUS(attune_cat_session_create(bank, "{\"max_items\": 3, \"selection\": \"mpwi\"}", &s, &err), ATTUNE_OK, err);
  CHECK_STATUS(attune_cat_session_next_item(s, &item, &done, &err), ATTUNE_OK, err);
  CHECK(item != NULL && done == 0);
  strncpy(first, item != NULL ? item : "", sizeof first - 1);
  first[sizeof first - 1] = '\0';
  /* asking again before an answer gives the same item */
  CHECK_STATUS(attune_cat_session_next_item(s, &item, NULL, &err), ATTUNE_OK, err);
  CHECK(item != NULL && strcmp(item, first) == 0);
  CHECK_STATUS(attune_cat_session_answer(s, first, 4.0, &err), ATTUNE_OK, err);
  CHECK_STATUS(attune_cat_session_answer(s, first, 4.0, &err), ATTUNE_INVALID_ARGUMENT, err); /* again */
  CHECK_STATUS(attune_cat_session_answer(s, "Q99", 4.0, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_cat_session_answer(s, "Q1", 9.0, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_cat_session_answer(s, NULL, 3.0, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_cat_session_theta(s, "anxiety", &theta, &se, &err), ATTUNE_OK, err);
  CHECK(se > 0 && se < 1 && isfinite(theta));
  CHECK_STATUS(attune_cat_session_theta(s, NULL, &theta, &se, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(contains(err.message, "anxiety"));
  CHECK_STATUS(attune_cat_session_theta(s, "anxiety", NULL, &se, &err), ATTUNE_INVALID_ARGUMENT, err);
  /* save, restore: the restored session asks the same next item, with the same theta */
  CHECK_STATUS(attune_cat_session_save(s, &saved, &err), ATTUNE_OK, err);
  CHECK(contains(saved, "attune-cat-session/1"));
  CHECK_STATUS(attune_cat_session_restore(bank, saved, &r, &err), ATTUNE_OK, err);
  CHECK_STATUS(attune_cat_session_next_item(s, &item, &done, &err), ATTUNE_OK, err);
  CHECK_STATUS(attune_cat_session_next_item(r, &item2, &done, &err), ATTUNE_OK, err);
  CHECK(item != NULL && item2 != NULL && strcmp(item, item2) == 0);
  CHECK_STATUS(attune_cat_session_theta(r, "avoidance", &theta2, &se2, &err), ATTUNE_OK, err);
  CHECK_STATUS(attune_cat_session_theta(s, "avoidance", &theta, &se, &err), ATTUNE_OK, err);
  CHECK(theta == theta2 && se == se2);
  attune_free(saved);
  /* to the end: every next item answered 3 (NaN = skipped for every fourth) */
  while (asked < 10) {
    CHECK_STATUS(attune_cat_session_next_item(r, &item, &done, &err), ATTUNE_OK, err);
    if (done) break;
    CHECK_STATUS(attune_cat_session_answer(r, item, asked % 4 == 3 ? NAN : 3.0, &err), ATTUNE_OK, err);
    ++asked;
  }
  CHECK(done == 1 && item == NULL && asked == 5); /* 3 per scale, one given before the save */
  CHECK_STATUS(attune_cat_session_answer(r, "Q1", 3.0, &err), ATTUNE_INVALID_ARGUMENT, err);
  attune_cat_session_free(r);
  attune_cat_session_free(s);
  attune_cat_session_free(NULL);
  /* errors */
  CHECK_STATUS(attune_cat_session_create(bank, "{\"randomesque\": 0}", &s, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(s == NULL && contains(err.option, "randomesque"));
  CHECK_STATUS(attune_cat_session_create(bank, "{\"stop\": 1}", &s, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(strcmp(err.option, "stop") == 0 && contains(err.message, "stop_se"));
  CHECK_STATUS(attune_cat_session_create(bank, "[1]", &s, &err), ATTUNE_BAD_INPUT, err);
  CHECK_STATUS(attune_cat_session_create(NULL, NULL, &s, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_cat_session_create(bank, NULL, NULL, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_cat_session_restore(bank, "{\"format\": \"attune-cat-session/1\"", &r, &err), ATTUNE_BAD_INPUT,
               err);
  CHECK(r == NULL);
  CHECK_STATUS(attune_cat_session_restore(bank, NULL, &r, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_cat_session_restore(NULL, "{}", &r, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_cat_session_next_item(NULL, &item, &done, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_cat_session_answer(NULL, "Q1", 1.0, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_cat_session_theta(NULL, NULL, &theta, &se, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK_STATUS(attune_cat_session_save(NULL, &saved, &err), ATTUNE_INVALID_ARGUMENT, err);
  CHECK(saved == NULL);
  CHECK_STATUS(attune_cat_session_next_item((attune_cat_session*)(void*)&err, &item, &done, &err),
               ATTUNE_INVALID_ARGUMENT, err);
}

static void irt(const char* source_dir) {
  char path[2048];
  attune_error err;
  attune_item_bank* bank = NULL;
  char* text;
  sprintf(path, "%s/examples/data/ecr-openpsychometrics-bank.json", source_dir);
  text = read_text(path);
  CHECK(text != NULL);
  if (text == NULL) return;
  CHECK_STATUS(attune_item_bank_from_json(text, &bank, &err), ATTUNE_OK, err);
  if (bank != NULL) {
    item_banks(source_dir, bank, text);
    bank_studies(source_dir, bank, text);
    cat_sessions(bank);
  }
  attune_item_bank_free(bank);
  free(text);
}

int main(int argc, char** argv) {
  attune_error err;
  attune_instrument* ecr_r = NULL;
  if (argc != 2) {
    fprintf(stderr, "usage: capi_test SOURCE_DIR\n");
    return 2;
  }
  version_and_status();
  instruments();
  CHECK_STATUS(attune_instrument_builtin("ecr-r", &ecr_r, &err), ATTUNE_OK, err);
  scoring(ecr_r);
  studies(ecr_r);
  golden(argv[1], ecr_r);
  irt(argv[1]);
  attune_instrument_free(ecr_r);
  printf("capi_test: %d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}

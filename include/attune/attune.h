/**
 * @file attune.h
 * attune's stable C API (C99): what every other language's foreign-function interface calls
 * (Python ctypes, Go cgo, Swift, Kotlin/Native, C#, Rust). Documented in docs/c-api.md.
 *
 * It is a front end of the study layer, like the command line: each call hands the caller's data
 * to one study function and returns the report layer's JSON document (docs/json.md), the same
 * document that `attune <command> --format json` prints. It computes and formats nothing itself.
 *
 * Conventions
 * - Names: attune_<noun>_<verb>. Every function that can fail returns an attune_status
 *   (ATTUNE_OK = 0) and fills the optional `attune_error*` (pass NULL to ignore it). No C++
 *   exception ever crosses this boundary; running out of memory is ATTUNE_OUT_OF_MEMORY.
 * - Data: a row-major matrix of doubles, respondents in rows, items in columns; NaN = no answer.
 * - Strings in and out are UTF-8 and NUL-terminated. A `char**` result is allocated by the
 *   library and freed with attune_free(); on failure it is set to NULL.
 * - Options: a JSON object (NULL or "" = all defaults) whose keys are the names of the C++ options
 *   fields (docs/c-api.md lists them per study); an unknown key is an error, never ignored.
 *
 * Thread safety: every function may be called from any thread at the same time, with one
 * exception: an attune_cat_session is mutable, so calls on one session must not overlap (use a
 * session from one thread at a time; distinct sessions are independent). The library has no
 * mutable global state; an attune_instrument and an attune_item_bank are immutable after creation
 * and may be shared between threads; free a handle once, when no call uses it. Studies may use worker threads of their
 * own (option "threads", 0 = all cores); results never depend on their number.
 *
 * ABI: the functions and structs below are kept compatible within one ATTUNE_C_ABI_VERSION; the
 * list of exported symbols is checked against tests/capi/abi_symbols.txt by the test suite.
 */
#ifndef ATTUNE_ATTUNE_H
#define ATTUNE_ATTUNE_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  if defined(ATTUNE_STATIC_DEFINE)
#    define ATTUNE_C_API
#  elif defined(attune_EXPORTS)
#    define ATTUNE_C_API __declspec(dllexport)
#  else
#    define ATTUNE_C_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__)
/* Always visible, also from a static library linked into a shared object (such as the Python
   extension module, which ctypes can then load as the C library). */
#  define ATTUNE_C_API __attribute__((visibility("default")))
#else
#  define ATTUNE_C_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** The version of this C API's binary interface (attune_abi_version() returns the library's). */
#define ATTUNE_C_ABI_VERSION 1

/** What a call returned. The codes after ATTUNE_OK are those of attune::errc, in order. */
typedef enum attune_status {
  ATTUNE_OK = 0,
  ATTUNE_INVALID_ARGUMENT = 1,  /**< an argument or option breaks its rule (a usage error; bad handle) */
  ATTUNE_BAD_INPUT = 2,         /**< the data or an instrument/JSON text breaks a rule */
  ATTUNE_IO_ERROR = 3,          /**< a file cannot be read or written */
  ATTUNE_INSUFFICIENT_DATA = 4, /**< too few items or respondents for the statistic */
  ATTUNE_NUMERICAL_ISSUE = 5,   /**< singular or degenerate data */
  ATTUNE_NO_CONVERGENCE = 6,    /**< an iterative fit did not converge */
  ATTUNE_OUT_OF_MEMORY = 7,     /**< memory ran out */
  ATTUNE_INTERNAL_ERROR = 8     /**< a bug: please report it */
} attune_status;

/** Sizes of the text fields of attune_error (longer texts are cut, always NUL-terminated). */
#define ATTUNE_ERROR_MESSAGE_SIZE 1024
#define ATTUNE_ERROR_FIELD_SIZE 256

/**
 * What went wrong, filled by a failing call (and cleared by a successful one). Text fields are
 * empty ("") and numbers -1 where not known. Plain data: nothing to free.
 */
typedef struct attune_error {
  int code;                                  /**< an attune_status */
  int64_t row;                               /**< 1-based data row (0 = the header); -1: not known */
  int64_t line;                              /**< 1-based line of an input text; -1: not known */
  char message[ATTUNE_ERROR_MESSAGE_SIZE];   /**< the whole message, naming where and what */
  char source[ATTUNE_ERROR_FIELD_SIZE];      /**< the input's name ("data", "instrument JSON", "options") */
  char column[ATTUNE_ERROR_FIELD_SIZE];      /**< the data column's name */
  char item[ATTUNE_ERROR_FIELD_SIZE];        /**< the item id */
  char value[ATTUNE_ERROR_FIELD_SIZE];       /**< the offending value as text */
  char option[ATTUNE_ERROR_FIELD_SIZE];      /**< the options field at fault, e.g. "scoring_options.min_answered" */
  char rule[ATTUNE_ERROR_FIELD_SIZE];        /**< stable id of the rule broken (the rule ids of include/attune/core/error.hpp), e.g. "out_of_range" */
} attune_error;

/** An instrument (items, subscales, keys, range): opaque, immutable, shareable between threads. */
typedef struct attune_instrument attune_instrument;

/**
 * An item bank (graded-response parameters, categories, reverse keys, scales, provenance; the
 * `attune-item-bank/1` JSON format of docs/irt.md): opaque, immutable, shareable between threads.
 */
typedef struct attune_item_bank attune_item_bank;

/**
 * An adaptive test in progress on an item bank (it holds its own copy of the bank). Mutable: use
 * one session from one thread at a time (one session per respondent; sessions share nothing, so
 * different sessions may run on different threads at once). A server that keeps no state saves it
 * to JSON text after each answer and restores it for the next request.
 */
typedef struct attune_cat_session attune_cat_session;

/* ---- version ---------------------------------------------------------------------------- */

/** The library's version, e.g. "0.1.0" (static storage: do not free). */
ATTUNE_C_API const char* attune_version(void);
/** The library's ABI version (ATTUNE_ABI_VERSION, the C++ inline namespace v1 = 1). */
ATTUNE_C_API int attune_abi_version(void);
/** The name of a status, e.g. "bad_input" ("unknown" for a value that is not one). */
ATTUNE_C_API const char* attune_status_name(int status);

/* ---- memory ----------------------------------------------------------------------------- */

/** Frees a string the library returned through a `char**`. NULL is allowed. */
ATTUNE_C_API void attune_free(void* ptr);

/* ---- instruments ------------------------------------------------------------------------ */

/** The number of built-in instruments. */
ATTUNE_C_API size_t attune_instrument_builtin_count(void);
/** The id of built-in instrument `index` (static storage), or NULL when index >= the count. */
ATTUNE_C_API const char* attune_instrument_builtin_id(size_t index);
/** The "instruments" document of every built-in instrument (as `attune instruments --format json`). */
ATTUNE_C_API attune_status attune_instruments_json(char** result_json, attune_error* err);

/** A built-in instrument by id (case-insensitive), e.g. "ecr-r". Free it with attune_instrument_free. */
ATTUNE_C_API attune_status attune_instrument_builtin(const char* id, attune_instrument** out, attune_error* err);
/** An instrument from its JSON definition (docs/instrument-format.md), validated. */
ATTUNE_C_API attune_status attune_instrument_from_json(const char* json_text, attune_instrument** out,
                                                       attune_error* err);
/** Frees an instrument. NULL is allowed. */
ATTUNE_C_API void attune_instrument_free(attune_instrument* inst);
/** The JSON definition of an instrument (round-trips through attune_instrument_from_json). */
ATTUNE_C_API attune_status attune_instrument_to_json(const attune_instrument* inst, char** result_json,
                                                     attune_error* err);
/** The instrument's id (valid while `inst` lives), or NULL for a NULL handle. */
ATTUNE_C_API const char* attune_instrument_id(const attune_instrument* inst);
/** Its number of items: the columns of the data it scores. */
ATTUNE_C_API attune_status attune_instrument_item_count(const attune_instrument* inst, size_t* count,
                                                        attune_error* err);
/** The id of item `index` (valid while `inst` lives). */
ATTUNE_C_API attune_status attune_instrument_item_id(const attune_instrument* inst, size_t index,
                                                     const char** id, attune_error* err);
/** Its number of scores: subscales, then composites (the columns written by the scoring calls). */
ATTUNE_C_API attune_status attune_instrument_score_count(const attune_instrument* inst, size_t* count,
                                                         attune_error* err);
/** The name of score `index` (valid while `inst` lives). */
ATTUNE_C_API attune_status attune_instrument_score_name(const attune_instrument* inst, size_t index,
                                                        const char** name, attune_error* err);

/* ---- scoring ---------------------------------------------------------------------------- */

/**
 * Scores one respondent with the default rules (response range of the instrument, at least 80% of
 * a subscale's items answered, an answer out of range is an error): `answers` holds n_answers =
 * the item count, in item order, NaN = no answer; `scores_out` receives n_scores = the score count
 * values (NaN = not scoreable: too few answers).
 */
ATTUNE_C_API attune_status attune_score_respondent(const attune_instrument* inst, const double* answers,
                                                   size_t n_answers, double* scores_out, size_t n_scores,
                                                   attune_error* err);
/** As attune_score_respondent, with scoring options (JSON: range, min_answered, out_of_range). */
ATTUNE_C_API attune_status attune_score_respondent_options(const attune_instrument* inst, const double* answers,
                                                           size_t n_answers, const char* options_json,
                                                           double* scores_out, size_t n_scores,
                                                           attune_error* err);
/**
 * Scores `rows` respondents (the study "score": the same rules and options). Answer (r, c) is
 * data[r * row_stride + c] (row_stride >= cols, counted in doubles; cols = the item count); score
 * (r, s) is written to scores_out[r * out_row_stride + s] (out_row_stride >= n_scores = the score
 * count). Nothing is written on failure.
 */
ATTUNE_C_API attune_status attune_score_matrix(const attune_instrument* inst, const double* data, size_t rows,
                                               size_t cols, size_t row_stride, const char* options_json,
                                               double* scores_out, size_t n_scores, size_t out_row_stride,
                                               attune_error* err);

/* ---- studies ---------------------------------------------------------------------------- */

/**
 * Runs a study on a row-major `rows` x `cols` matrix and returns its JSON document.
 * `study_name`: as the command line's command, one of "score", "reliability", "correlate",
 * "factor", "classify", "change", "quality", "irt fit" (the item bank document with its fit: read
 * it back with attune_item_bank_from_json), and the studies on an item bank, "irt score",
 * "irt info", "irt simulate" and "cat simulate", with the bank given as the option "bank" (its
 * JSON object; attune_study_bank_json takes a bank handle instead). `inst` gives the items (cols = its item count);
 * NULL with "reliability", "correlate" or "irt fit" treats the columns as one scale (as `--items`), named by
 * the option "columns" (default V1, V2, ...). Every study needs an instrument otherwise.
 * "change": the administrations are stacked in `data`, in time order, with the option
 * "wave_rows" giving the rows of each (summing to `rows`) and "ids" the respondent id of every row
 * (respondents are matched by it). `*result_json` is freed with attune_free.
 */
ATTUNE_C_API attune_status attune_study_json(const char* study_name, const attune_instrument* inst,
                                             const double* data, size_t rows, size_t cols,
                                             const char* options_json, char** result_json, attune_error* err);

/* ---- item banks ------------------------------------------------------------------------- */

/** An item bank from its JSON text (`attune-item-bank/1`, e.g. the document of the study "irt fit"),
    validated (bad_input naming the field). Free it with attune_item_bank_free. */
ATTUNE_C_API attune_status attune_item_bank_from_json(const char* json_text, attune_item_bank** out,
                                                      attune_error* err);
/** The bank's JSON text (round-trips through attune_item_bank_from_json bit for bit). */
ATTUNE_C_API attune_status attune_item_bank_to_json(const attune_item_bank* bank, char** result_json,
                                                    attune_error* err);
/** Frees an item bank. NULL is allowed. */
ATTUNE_C_API void attune_item_bank_free(attune_item_bank* bank);
/** Its number of items: the columns of the data that the bank studies take, in bank order. */
ATTUNE_C_API attune_status attune_item_bank_item_count(const attune_item_bank* bank, size_t* count,
                                                       attune_error* err);
/** The id of bank item `index` (valid while `bank` lives). */
ATTUNE_C_API attune_status attune_item_bank_item_id(const attune_item_bank* bank, size_t index, const char** id,
                                                    attune_error* err);

/**
 * Runs a study on an item bank and returns its JSON document (as the command line's
 * `--format json`). `study_name`:
 * - "irt score": theta and SE per respondent and scale of the row-major `rows` x `cols` matrix
 *   (cols = the bank's item count, bank order; NaN = no answer);
 * - "irt info": item and test information on a theta grid (no data: `data` NULL, rows = cols = 0);
 * - "irt simulate": answers simulated from the bank's model (no data), as the document
 *   {"format", "study": "irt_simulation", "items", "scales", "ids", "answers", "theta"};
 * - "cat simulate": adaptive tests on simulated respondents (no data), or with data on the
 *   matrix's answers.
 * `options_json` as attune_study_json (docs/c-api.md lists the keys of every study).
 */
ATTUNE_C_API attune_status attune_study_bank_json(const char* study_name, const attune_item_bank* bank,
                                                  const double* data, size_t rows, size_t cols,
                                                  const char* options_json, char** result_json, attune_error* err);

/* ---- adaptive testing ------------------------------------------------------------------- */

/**
 * A new adaptive test on `bank` (copied: the bank may be freed afterwards). `options_json`: the
 * CAT's options (docs/c-api.md: selection, balance, randomesque, seed, kl_delta, stop_se,
 * min_items, max_items, se_change, max_total_items, quadrature_points, quadrature_lower,
 * quadrature_upper); NULL or "" = defaults. Free it with attune_cat_session_free.
 */
ATTUNE_C_API attune_status attune_cat_session_create(const attune_item_bank* bank, const char* options_json,
                                                     attune_cat_session** out, attune_error* err);
/** Frees a session. NULL is allowed. */
ATTUNE_C_API void attune_cat_session_free(attune_cat_session* session);
/**
 * The item to ask next: `*item_id` is its id (valid until the next call on this session), or NULL
 * when the test is done (`*done` = 1; `done` may be NULL). Asking again before an answer returns
 * the same item.
 */
ATTUNE_C_API attune_status attune_cat_session_next_item(attune_cat_session* session, const char** item_id,
                                                        int* done, attune_error* err);
/** Records the answer `value` (one of the item's categories, or NaN: skipped) to `item_id`. */
ATTUNE_C_API attune_status attune_cat_session_answer(attune_cat_session* session, const char* item_id, double value,
                                                     attune_error* err);
/**
 * The current EAP theta and its SE (posterior SD) of `scale` (NULL or "": the bank's only scale;
 * an error naming the scales on a bank with several).
 */
ATTUNE_C_API attune_status attune_cat_session_theta(const attune_cat_session* session, const char* scale,
                                                    double* theta, double* se, attune_error* err);
/** The session as JSON text ("attune-cat-session/1"), to continue it later with _restore. */
ATTUNE_C_API attune_status attune_cat_session_save(const attune_cat_session* session, char** result_json,
                                                   attune_error* err);
/**
 * A session restored from attune_cat_session_save text on the same bank (bad_input for another
 * bank or a malformed text): it continues exactly as the original would.
 */
ATTUNE_C_API attune_status attune_cat_session_restore(const attune_item_bank* bank, const char* session_json,
                                                      attune_cat_session** out, attune_error* err);

#ifdef __cplusplus
}
#endif

#endif /* ATTUNE_ATTUNE_H */

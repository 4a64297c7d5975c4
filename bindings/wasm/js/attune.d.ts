// Type declarations of attune.mjs (attune compiled to WebAssembly; docs/web.md).
// Keys are the JSON keys of docs/json.md; null stands for a missing answer or value.

/** An answer or a value: null (or NaN / undefined on input) = missing. */
export type Value = number | null;

/** A built-in instrument id ("ecr-r", "ecr", "ecr-s", ...) or an instrument definition object. */
export type InstrumentSpec = string | InstrumentDefinition;

/** An instrument definition (docs/instrument-format.md). */
export interface InstrumentDefinition {
  id: string;
  name?: string;
  items: Array<{ id: string; reversed: boolean; [key: string]: unknown }>;
  subscales: Array<{ name: string; label?: string; items: string[]; [key: string]: unknown }>;
  range: { min: number; max: number };
  [key: string]: unknown;
}

/** The error every call throws: the library's structured fields (docs/errors.md). */
export class AttuneError extends Error {
  name: "AttuneError";
  /** invalid_argument, bad_input, io_error, insufficient_data, numerical_issue, no_convergence,
   * out_of_memory, internal_error. */
  code: string;
  source: string | null;
  /** 1-based data row. */
  row: number | null;
  line: number | null;
  column: string | null;
  item: string | null;
  value: string | null;
  /** The options field at fault, e.g. "scoring_options.min_answered". */
  option: string | null;
  /** Stable id of the rule broken, e.g. "out_of_range". */
  rule: string | null;
}

/** Scoring options (scoring_options). */
export interface ScoringOptions {
  /** The response range of these answers when it differs from the instrument's: "1-5" or {min, max}. */
  range?: string | { min: number; max: number };
  /** Share of a subscale's items needed for a score, in (0, 1]; default 0.8. */
  min_answered?: number;
  out_of_range?: "error" | "set_missing";
}

/** One respondent's scores (C++ respondent_scores). */
export interface RespondentScores {
  /** Subscale names, then composites. */
  names: string[];
  /** Per name; null = not scoreable (too few answers). */
  scores: Value[];
  /** Items answered, per subscale. */
  answered: number[];
  n_out_of_range: number;
}

/** Options of classify (classify_study_options; docs/c-api.md). */
export interface ClassifyOptions extends ScoringOptions {
  method?: "midpoint" | "fisher" | "norms" | "prototypes" | "rq" | "raas" | "median" | "kmeans";
  rescale_to_1_7?: boolean;
  /** Reliability of each score for its SEM: one number, or {score: number}. */
  reliability?: number | Record<string, number>;
  /** SD of each score for its SEM: one number, or {score: number}. */
  sd?: number | Record<string, number>;
  /** A built-in norm table id, or the table's JSON object. */
  norms?: string | object;
  on_cut?: "low" | "unclassified";
  probability_threshold?: number;
  [key: string]: unknown;
}

/** One respondent's style: the respondent's row of the "classify" document, and the rest of it. */
export interface Classification {
  style: "secure" | "preoccupied" | "dismissing" | "fearful" | "unclassified";
  anxiety?: Value;
  avoidance?: Value;
  /** Distance to the nearest boundary of the style's region in SEM units (null when unknown). */
  boundary_distance_sem?: Value;
  /** Whether a move of one SEM could change the style (null when unknown). */
  could_flip?: boolean | null;
  /** fisher: the style probabilities. */
  [key: string]: unknown;
  /** The "classify" document without its respondents: method, provenance, range, sem, summary, warnings. */
  document: Record<string, unknown>;
}

/** Options of reliability (reliability_study_options; docs/c-api.md). */
export interface ReliabilityOptions extends ScoringOptions {
  /** Column names (with `columns`) reverse-keyed; no instrument. */
  reversed?: string[];
  /** Names of the columns; default V1, V2, ... */
  columns?: string[];
  missing?: "pairwise" | "listwise";
  intervals?: string[];
  level?: number;
  bootstrap?: number;
  seed?: number;
  split_half?: boolean;
  omega_bootstrap?: number;
  [key: string]: unknown;
}

/** One entry of the "reliability" document's "scales" (docs/json.md). */
export interface ScaleReliability {
  name: string;
  alpha: Record<string, unknown>;
  [key: string]: unknown;
}

/** A JSON document of docs/json.md ("format": "attune/1"). */
export interface Document {
  format: "attune/1";
  study: string;
  [key: string]: unknown;
}

/** CAT options: the "options" of a saved session; omitted fields keep their defaults. */
export interface CatOptions {
  selection?: "mfi" | "mpwi" | "kl";
  balance?: "alternate" | "largest_se" | "none";
  randomesque?: number;
  /** A whole number (as a decimal string to keep all 64 bits). */
  seed?: number | string;
  kl_delta?: number;
  stop?: {
    se?: number | null;
    min_items?: number;
    max_items?: number | null;
    se_change?: number | null;
    max_total_items?: number | null;
  };
  quadrature?: { rule?: "equally_spaced" | "gauss_hermite"; points?: number; lower?: number; upper?: number };
}

export interface CatScaleStatus {
  name: string;
  theta: number | null;
  se: number | null;
  items: number;
  stop: string | null;
}

export interface CatState {
  done: boolean;
  /** se_reached, se_plateau, max_items, bank_exhausted, max_total_items. */
  stop_rule: string | null;
  pending: string | null;
  scales: CatScaleStatus[];
  history: Array<{ item: string; scale: string; value: Value; theta: number | null; se: number | null }>;
}

/** An adaptive test in progress on an item bank ("attune-item-bank/1", as object or text). */
export class CatSession {
  private constructor();
  static create(bank: object | string, options?: CatOptions): CatSession;
  /** Continues a session from save()'s text (or its parsed object) on the same bank. */
  static restore(bank: object | string, saved: string | object): CatSession;
  /** The id of the item to ask next, or null when done. Asking again before answer() returns the same item. */
  nextItem(): string | null;
  /** Records an answer: one of the item's categories, or null for a skipped item. */
  answer(item: string, value: Value): void;
  /** The scale's EAP (omit `scale` on a bank with one scale). */
  theta(scale?: string): number | null;
  /** The scale's posterior SD. */
  se(scale?: string): number | null;
  state(): CatState;
  readonly done: boolean;
  /** The session as JSON text ("attune-cat-session/1"). */
  save(): string;
  /** Frees the session. */
  close(): void;
}

export interface Attune {
  readonly version: string;
  readonly AttuneError: typeof AttuneError;
  readonly CatSession: typeof CatSession;
  instrumentIds(): string[];
  instruments(): InstrumentDefinition[];
  instrument(id: string): InstrumentDefinition;
  scoreRespondent(instrument: InstrumentSpec, answers: ArrayLike<Value | undefined>, options?: ScoringOptions): RespondentScores;
  classify(instrument: InstrumentSpec, answers: ArrayLike<Value | undefined>, options?: ClassifyOptions): Classification;
  /** Without an instrument: the columns as one scale, one entry of "scales". */
  reliability(data: ArrayLike<Value | undefined>[], instrument?: null, options?: ReliabilityOptions): ScaleReliability;
  /** With an instrument: the whole "reliability" document. */
  reliability(data: ArrayLike<Value | undefined>[], instrument: InstrumentSpec, options?: ReliabilityOptions): Document;
  score(instrument: InstrumentSpec, data: ArrayLike<Value | undefined>[], options?: Record<string, unknown>): Document;
  study(name: "score" | "reliability" | "correlate" | "factor" | "classify" | "change" | "quality",
        data: ArrayLike<Value | undefined>[], instrument?: InstrumentSpec | null, options?: Record<string, unknown>): Document;
  /** As study, the document as JSON text, byte for byte what `attune <name> --format json` prints. */
  studyJson(name: string, data: ArrayLike<Value | undefined>[], instrument?: InstrumentSpec | null,
            options?: Record<string, unknown>): string;
}

export interface LoadOptions {
  /** The bytes of attune.wasm (then nothing is fetched or read). */
  wasmBinary?: Uint8Array | ArrayBuffer;
  /** Where attune.wasm is (default: next to attune.mjs). */
  wasmUrl?: string | URL;
}

/** Loads the module once and returns its functions. */
export function load(options?: LoadOptions): Promise<Attune>;
export default load;

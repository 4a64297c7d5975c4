// The golden fixture of the C API and Python (bindings/python/tests/test_golden.py): the sample
// data give the same documents from node as from the command line: against the snapshot that
// tests/json_contract_test.cpp holds the CLI to, and, when ATTUNE_CLI names the binary, against
// what the CLI prints for the same file.
//
// Identical: same structure, keys, strings and numbers, every number equal (===) to the native
// one, bit for bit. The module is built so that it computes as the native x86-64 library does
// (bindings/wasm/build.sh; docs/web.md, "Identical numbers"): Eigen takes its SSE2 code path
// (emscripten translates SSE2 into WebAssembly SIMD) with x86-64's register blocking, cache-size
// defaults and 16-byte alignment, so every sum is formed in the same order; the functions of the
// C library it calls are another matter: emscripten's musl and glibc (which on CPUs with FMA picks
// FMA-compiled exp/log/pow) differ in the last bit for a few arguments in 100,000. The only numbers
// of these documents that a one-ulp change of any libm function moves (measured by perturbing each
// natively through LD_PRELOAD) are the Bonett-Wright interval's bounds (std::log, std::exp): they
// alone may differ, by at most a relative 1e-15 (a few ulps); the test says whether they did.
// The score document is also compared as text, byte for byte.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

import { SAMPLE, attune, readCsv, snapshot, snapshotText } from "./support.mjs";

const { ids, items, values } = readCsv(SAMPLE);

const CASES = [
  { study: "score", cli: ["--instrument", "ecr-r", "--id", "id"], options: { id_column: "id", ids } },
  { study: "reliability", cli: ["--instrument", "ecr-r"], options: {} },
  { study: "classify", cli: ["--instrument", "ecr-r", "--method", "midpoint", "--id", "id"],
    options: { id_column: "id", ids } },
];

/** The documented exception (docs/web.md, "Identical numbers"): numbers that pass through libm's
 * log and exp, where musl and glibc may differ in the last bit. */
const LIBM_DEPENDENT = /\.intervals\[\d+\]\.(lower|upper)$/;
const libmDependent = (path, parent) => LIBM_DEPENDENT.test(path) && parent?.method === "bonett_wright";
let libmDiffered = 0;

/** Asserts `actual` equals `expected`, every number identical (===; NaN and infinities are null
 * in both) but the documented libm-dependent ones (relative 1e-15). */
function assertIdentical(actual, expected, path = "$", parent = null) {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${path}: ${actual} is not a number`);
    if (actual !== expected && libmDependent(path, parent)) {
      assert.ok(Math.abs(actual - expected) <= 1e-15 * Math.abs(expected), `${path}: ${actual} vs ${expected}`);
      ++libmDiffered;
    } else if (actual !== expected) {
      const rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
      assert.fail(`${path}: ${actual} from node, ${expected} natively (relative difference ${rel.toExponential(2)})`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: not an array`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => assertIdentical(actual[i], e, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${path}: not an object`);
    assert.deepEqual(Object.keys(actual), Object.keys(expected), `${path}: keys`);
    for (const k of Object.keys(expected)) assertIdentical(actual[k], expected[k], `${path}.${k}`, expected);
    return;
  }
  assert.equal(actual, expected, path);
}

/** How many numbers `doc` holds (the test says how many it compared). */
const countNumbers = (doc) =>
  typeof doc === "number" ? 1 : doc !== null && typeof doc === "object" ? Object.values(doc).reduce((n, v) => n + countNumbers(v), 0) : 0;

function cliDocument(args) {
  const cli = process.env.ATTUNE_CLI;
  if (!cli) return null;
  return JSON.parse(execFileSync(cli, [args[0], SAMPLE, ...args.slice(1), "--format", "json"], { encoding: "utf8" }));
}

for (const c of CASES) {
  test(`${c.study}: node gives the CLI's document, number for number`, async (t) => {
    const a = await attune();
    const options = { ...c.options, columns: items };
    const text = a.studyJson(c.study, values, "ecr-r", options);
    if (c.study === "score") assert.equal(text.trimEnd(), snapshotText(c.study).trimEnd(), "byte for byte");
    const doc = JSON.parse(text);
    libmDiffered = 0;
    assertIdentical(doc, snapshot(c.study));
    t.diagnostic(`${countNumbers(doc)} numbers, identical to the snapshot's; libm-dependent ones that differ (within 1e-15): ${libmDiffered}`);
    const fromCli = cliDocument([c.study, ...c.cli]);
    if (fromCli === null) t.diagnostic("ATTUNE_CLI not set: compared with the snapshot the CLI is tested against");
    else assertIdentical(doc, fromCli);
  });
}

test("scoreRespondent gives each row of the score document", async () => {
  const a = await attune();
  const doc = snapshot("score");
  for (let r = 0; r < values.length; ++r) {
    const s = a.scoreRespondent("ecr-r", values[r]);
    const row = doc.respondents[r];
    assert.deepEqual(s.names, ["anxiety", "avoidance"]);
    assert.deepEqual(s.scores, [row.anxiety, row.avoidance], `row ${r + 1}`);
    assert.deepEqual(s.answered, [row.anxiety_answered, row.avoidance_answered], `row ${r + 1}`);
  }
});

test("columns as one scale: reliability() is one entry of the CLI's scales", async () => {
  // attune reliability SAMPLE --items Q1-Q6 --scale 1-7 --reverse Q2 --ci feldt,adf
  const a = await attune();
  const scale = a.reliability(values.map((r) => r.slice(0, 6)), null,
                              { columns: items.slice(0, 6), range: "1-7", reversed: ["Q2"], intervals: ["feldt", "adf"] });
  assertIdentical(scale, snapshot("reliability_items").scales[0], "$.scales[0]");
});

test("classify of one respondent: its row of the document, with given reliability and SD", async () => {
  const a = await attune();
  const one = a.classify("ecr-r", values[0], { method: "midpoint", reliability: 0.9, sd: 1.2 });
  const row = snapshot("classify").respondents[0];
  assert.equal(one.style, row.style);
  assert.equal(one.anxiety, row.anxiety);
  assert.equal(one.avoidance, row.avoidance);
  // SEM = SD sqrt(1 - reliability); distance = min |score - 4| / SEM (midpoint 4 on 1-7).
  const sem = 1.2 * Math.sqrt(1 - 0.9);
  const expected = Math.min(Math.abs(row.anxiety - 4), Math.abs(row.avoidance - 4)) / sem;
  assert.ok(Math.abs(one.boundary_distance_sem - expected) < 1e-12, `${one.boundary_distance_sem} vs ${expected}`);
  assert.equal(one.could_flip, expected <= 1);
  assert.ok(Math.abs(one.document.sem[0].sem - sem) < 1e-15);
});

// The golden fixture of the C API and Python (bindings/python/tests/test_golden.py): the sample
// data give the same documents from node as from the command line: against the snapshot that
// tests/json_contract_test.cpp holds the CLI to, and, when ATTUNE_CLI names the binary, against
// what the CLI prints for the same file.
//
// Same structure, keys, strings, integers and booleans exactly. Floating-point numbers: the score
// document is identical byte for byte (its means are exact), so the WebAssembly build writes
// numbers exactly as the native one (bindings/wasm/src/libcxx_compat.hpp). Statistics that sum many products
// (alpha, SDs, SEMs) may differ in the last bits (measured: up to a relative 9e-15), most likely
// because native x86-64 Eigen sums in SSE2 pairs while Eigen 3.4 has no WebAssembly SIMD and sums
// one by one; they are compared to a relative 1e-13 (a double has 2.2e-16). Omega's entries come
// from iterative fits (minres factor analysis, oblimin rotation) that carry such differences
// through their iterations (measured: up to 1.4e-13): compared to a relative 1e-10, far inside
// their convergence tolerance. The test reports how many numbers differ at all.
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

/** Asserts `actual` equals `expected` but for floating-point rounding (relative `tol`); returns
 * how many numbers differ in their bits. */
function assertSameNumbers(actual, expected, path = "$") {
  if (typeof expected === "number" && typeof actual === "number") {
    if (actual === expected) return 0;
    const tol = path.includes(".omega") ? 1e-10 : 1e-13;
    assert.ok(!Number.isInteger(expected) || !Number.isInteger(actual), `${path}: ${actual} vs ${expected}`);
    assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${path}: ${actual} vs ${expected}`);
    return 1;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: not an array`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    return expected.reduce((n, e, i) => n + assertSameNumbers(actual[i], e, `${path}[${i}]`), 0);
  }
  if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${path}: not an object`);
    assert.deepEqual(Object.keys(actual), Object.keys(expected), `${path}: keys`);
    return Object.keys(expected).reduce((n, k) => n + assertSameNumbers(actual[k], expected[k], `${path}.${k}`), 0);
  }
  assert.equal(actual, expected, path);
  return 0;
}

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
    const differ = assertSameNumbers(doc, snapshot(c.study));
    t.diagnostic(`${differ} numbers differ from the snapshot in their last bits`);
    const fromCli = cliDocument([c.study, ...c.cli]);
    if (fromCli === null) t.diagnostic("ATTUNE_CLI not set: compared with the snapshot the CLI is tested against");
    else assertSameNumbers(doc, fromCli);
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
  assertSameNumbers(scale, snapshot("reliability_items").scales[0], "$.scales[0]");
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

// The module's functions: instruments, scoring rules, errors with their fields, the CAT session.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { SOURCE_DIR, attune } from "./support.mjs";

const BANK = JSON.parse(readFileSync(join(SOURCE_DIR, "examples", "data", "ecr-openpsychometrics-bank.json"), "utf8"));

test("built-in instruments: ids, definitions with the JSON keys", async () => {
  const a = await attune();
  const ids = a.instrumentIds();
  for (const id of ["ecr", "ecr-r", "ecr-s"]) assert.ok(ids.includes(id), id);
  const all = a.instruments();
  assert.deepEqual(all.map((i) => i.id), ids);
  const ecrr = a.instrument("ecr-r");
  assert.equal(ecrr.items.length, 36);
  assert.deepEqual(ecrr.range, { min: 1, max: 7 });
  assert.deepEqual(ecrr.subscales.map((s) => s.name), ["anxiety", "avoidance"]);
  assert.deepEqual(a.instrument("ECR-R"), ecrr, "ids are case-insensitive");
  assert.match(a.version, /^\d+\.\d+\.\d+/);
});

test("scoreRespondent: means after reverse keying, missing answers, the 80% rule", async () => {
  const a = await attune();
  const def = a.instrument("ecr-r");
  // Every answer 7: a reversed item counts 1 (1 + 7 - 7), so a subscale's mean is
  // (7 (k - r) + 1 r) / k with k items of which r are reversed.
  const s = a.scoreRespondent("ecr-r", new Array(36).fill(7));
  const reversed = new Set(def.items.filter((i) => i.reversed).map((i) => i.id));
  const expected = def.subscales.map((sub) => {
    const k = sub.items.length;
    const r = sub.items.filter((id) => reversed.has(id)).length;
    return (7 * (k - r) + r) / k;
  });
  assert.deepEqual(s.names, ["anxiety", "avoidance"]);
  for (let i = 0; i < 2; ++i) assert.ok(Math.abs(s.scores[i] - expected[i]) < 1e-15);
  assert.deepEqual(s.answered, [18, 18]);
  assert.equal(s.n_out_of_range, 0);
  // Everything missing: no score (null), none answered.
  const none = a.scoreRespondent("ecr-r", new Array(36).fill(null));
  assert.deepEqual(none.scores, [null, null]);
  assert.deepEqual(none.answered, [0, 0]);
  // NaN and undefined are missing too; an answer out of range is missing with set_missing.
  const answers = new Array(36).fill(4);
  answers[0] = NaN;
  answers[1] = 9;
  const some = a.scoreRespondent("ecr-r", answers, { out_of_range: "set_missing" });
  assert.equal(some.n_out_of_range, 1);
  assert.deepEqual(some.scores, [4, 4]);
  // ECR-R's published key: 2 of 18 anxiety items reversed (9, 11), 12 of 18 avoidance items.
  assert.deepEqual(expected, [(7 * 16 + 2) / 18, (7 * 6 + 12) / 18]);
  // A custom instrument from its definition object.
  const custom = { ...def, id: "mine" };
  assert.deepEqual(a.scoreRespondent(custom, new Array(36).fill(7)).scores, s.scores);
});

test("errors are AttuneError objects carrying the structured fields", async () => {
  const a = await attune();
  const answers = new Array(36).fill(4);
  answers[4] = 8;
  assert.throws(() => a.scoreRespondent("ecr-r", answers), (e) => {
    assert.ok(e instanceof a.AttuneError);
    assert.ok(e instanceof Error);
    assert.equal(e.code, "bad_input");
    assert.equal(e.rule, "out_of_range");
    assert.equal(e.value, "8");
    assert.equal(e.item, "Q5");
    assert.match(e.message, /Q5/);
    return true;
  });
  assert.throws(() => a.scoreRespondent("ecr-r", [1, 2, 3]), (e) => e.code === "invalid_argument");
  assert.throws(() => a.scoreRespondent("no-such-instrument", []), (e) => e.code === "invalid_argument" && e.value === "no-such-instrument");
  assert.throws(() => a.scoreRespondent("ecr-r", new Array(36).fill(4), { min_answered: 2 }),
                (e) => e.code === "invalid_argument" && e.option === "scoring_options.min_answered" && e.value === "2");
  assert.throws(() => a.scoreRespondent("ecr-r", new Array(36).fill("4")), (e) => e.code === "invalid_argument");
  assert.throws(() => a.study("score", [[1, 2], [1]], "ecr-r"), (e) => e.code === "invalid_argument" && e.row === 2);
  // A bad value in a matrix names its row and column.
  const rows = [new Array(36).fill(4), new Array(36).fill(4)];
  rows[1][2] = 0;
  assert.throws(() => a.score("ecr-r", rows), (e) => e.code === "bad_input" && e.row === 2 && e.column === "Q3" && e.value === "0");
});

test("reliability of a small matrix: alpha = k/(k-1) (1 - sum var / var of the sum)", async () => {
  const a = await attune();
  const data = [[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 3, 4], [2, 1, 2]];
  const scale = a.reliability(data, null, { range: "1-5" });
  const k = 3;
  const variance = (xs) => {
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  };
  const itemVar = [0, 1, 2].map((j) => variance(data.map((r) => r[j]))).reduce((s, v) => s + v, 0);
  const alpha = (k / (k - 1)) * (1 - itemVar / variance(data.map((r) => r[0] + r[1] + r[2])));
  assert.ok(Math.abs(scale.reliability.alpha - alpha) < 1e-12, `${scale.reliability.alpha} vs ${alpha}`);
  assert.deepEqual(scale.items, ["V1", "V2", "V3"]);
  assert.equal(scale.reliability.n, 6);
});

function expectedAPosteriori(history) {
  const items = new Map(BANK.items.map((i) => [i.id, i]));
  let sw = 0, st = 0, st2 = 0;
  for (let q = 0; q < 121; ++q) {
    const theta = -6 + (12 * q) / 120;
    let w = Math.exp(-0.5 * theta * theta);
    for (const h of history) {
      const it = items.get(h.item);
      const K = it.categories.length;
      let c = it.categories.indexOf(h.value);
      if (it.reversed) c = K - 1 - c;
      const atLeast = (k) => (k <= 0 ? 1 : k >= K ? 0 : 1 / (1 + Math.exp(-(it.slope * theta + it.intercepts[k - 1]))));
      w *= atLeast(c) - atLeast(c + 1);
    }
    sw += w;
    st += w * theta;
    st2 += w * theta * theta;
  }
  const theta = st / sw;
  return { theta, se: Math.sqrt(Math.max(0, st2 / sw - theta * theta)) };
}

test("CAT: a session asks items until a stop rule fires, and a saved session continues identically", async () => {
  const a = await attune();
  const options = { selection: "mfi", stop: { se: 0.4, min_items: 2, max_items: 8 }, seed: 7 };
  // A respondent whose answer depends on the item (1-5).
  const answer = (item) => 1 + (Number(item.slice(1)) % 5);
  const s = a.CatSession.create(BANK, options);
  let copy = null;
  const asked = [];
  for (let step = 0; step < 40; ++step) {
    const item = s.nextItem();
    if (item === null) break;
    asked.push(item);
    if (step === 3) copy = s.save();
    s.answer(item, answer(item));
  }
  const st = s.state();
  assert.ok(st.done);
  assert.ok(asked.length >= 4 && asked.length <= 16, `${asked.length} items`);
  assert.equal(new Set(asked).size, asked.length, "no item twice");
  assert.deepEqual(st.history.map((h) => h.item), asked);
  for (const scale of st.scales) {
    assert.ok(scale.items >= 2 && scale.items <= 8);
    assert.ok(["se_reached", "max_items"].includes(scale.stop), scale.stop);
    if (scale.stop === "se_reached") assert.ok(scale.se <= 0.4);
    assert.equal(s.theta(scale.name), scale.theta);
    assert.equal(s.se(scale.name), scale.se);
    // The EAP and posterior SD, computed here from the bank: 121 points on [-6, 6], N(0, 1) prior,
    // graded response P(Y >= k) = logistic(slope theta + d_k) (Samejima 1969; Bock & Mislevy 1982).
    const eap = expectedAPosteriori(st.history.filter((h) => h.scale === scale.name));
    assert.ok(Math.abs(scale.theta - eap.theta) < 1e-9, `${scale.name}: ${scale.theta} vs ${eap.theta}`);
    assert.ok(Math.abs(scale.se - eap.se) < 1e-9, `${scale.name}: ${scale.se} vs ${eap.se}`);
  }
  // The saved copy (pending item 4, three answers) continues exactly as the original did.
  const r = a.CatSession.restore(BANK, copy);
  assert.equal(r.state().pending, asked[3]);
  for (let step = 3; ; ++step) {
    const item = r.nextItem();
    if (item === null) break;
    assert.equal(item, asked[step]);
    r.answer(item, answer(item));
  }
  assert.deepEqual(r.state(), st);
  assert.throws(() => s.answer(asked[0], 3), (e) => e.code === "invalid_argument");
  assert.throws(() => a.CatSession.create(BANK, { randomesque: 0 }), (e) => e instanceof a.AttuneError);
  assert.throws(() => a.CatSession.create(BANK, { selection: "best" }), (e) => e instanceof a.AttuneError);
  s.close();
  r.close();
  assert.throws(() => s.nextItem(), (e) => e.code === "invalid_argument");
});

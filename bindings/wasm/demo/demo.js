// The demo page: scores one ECR-R respondent with attune's WebAssembly module (../attune.mjs, next
// to attune.wasm in the folder build.sh writes) and classifies the style with its uncertainty.
import { load } from "../attune.mjs";

// Respondent R000001 of examples/data/ecr-r-sample.csv (Q6 and Q16 not answered).
const EXAMPLE = [4, 5, 2, 2, 6, null, 5, 6, 3, 4, 3, 3, 6, 5, 6, null, 4, 7, 1, 6, 1, 7, 4, 1, 5, 4, 5, 7, 5, 6, 7, 6, 7, 7, 6, 7];
// Reliability and SD behind the SEM of the style's boundary distance: one respondent has no sample
// of its own, so these come from the sample data (alpha and SD of examples/data/ecr-r-sample.csv).
const SEM_INPUTS = { reliability: { anxiety: 0.94, avoidance: 0.94 }, sd: { anxiety: 1.43, avoidance: 1.42 } };

const result = document.getElementById("result");
const form = document.getElementById("answers");
const fieldset = document.getElementById("items");

function show(html, isError = false) {
  result.innerHTML = html;
  result.classList.toggle("error", isError);
}

const fmt = (x) => (x === null ? "not scoreable (too few answers)" : x.toFixed(2));

async function main() {
  const attune = await load();
  const ecrr = attune.instrument("ecr-r");
  for (const item of ecrr.items) {
    const label = document.createElement("label");
    label.textContent = `${item.id} `;
    const input = document.createElement("input");
    Object.assign(input, { type: "number", min: 1, max: 7, step: 1, name: item.id, id: item.id });
    label.append(input);
    fieldset.append(label);
  }
  const inputs = ecrr.items.map((i) => document.getElementById(i.id));
  show(`attune ${attune.version} loaded: enter answers, or fill in the example.`);
  // demo/?example: fill in the example and score it at once (the headless test opens it so).
  const autoExample = new URLSearchParams(window.location.search).has("example");

  document.getElementById("example").addEventListener("click", () => {
    EXAMPLE.forEach((v, i) => { inputs[i].value = v === null ? "" : String(v); });
    form.requestSubmit();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const answers = inputs.map((input) => (input.value === "" ? null : Number(input.value)));
    try {
      const s = attune.scoreRespondent("ecr-r", answers);
      const c = attune.classify("ecr-r", answers, { method: "midpoint", ...SEM_INPUTS });
      const rows = s.names.map((n, i) =>
        `<tr><th>${n}</th><td id="score-${n}">${fmt(s.scores[i])}</td><td>${s.answered[i]} of 18 answered</td></tr>`).join("");
      const flip = c.could_flip === null ? "" : c.could_flip ? " (near a boundary: one SEM could change it)" : "";
      show(`<table>${rows}</table><p>Style (midpoint split at 4): <strong id="style">${c.style}</strong>${flip}.</p>
            <p><small>${c.document.result.note}</small></p>`);
    } catch (e) {
      const where = [e.item && `item ${e.item}`, e.value && `value ${e.value}`].filter(Boolean).join(", ");
      show(`${e.message}${where ? ` (${where})` : ""}`, true);
    }
  });
  if (autoExample) {
    document.getElementById("example").click();
    report();
  }
}

// demo/?example: tell the page's server what the page shows (bindings/wasm/demo_test.sh waits
// for this request; a plain static server just answers 404).
function report() {
  const text = (id) => document.getElementById(id)?.textContent ?? "";
  const errors = document.getElementById("console-errors");
  const params = new URLSearchParams({
    anxiety: text("score-anxiety"), avoidance: text("score-avoidance"), style: text("style"),
    result: result.textContent.trim().slice(0, 300),
    errors: errors.dataset.consoleErrors, error_text: errors.textContent,
  });
  fetch(`report?${params}`).catch(() => {});
}

main().catch((e) => {
  show(`attune could not start: ${e.message}`, true);
  console.error(e);
  if (new URLSearchParams(window.location.search).has("example")) report();
});

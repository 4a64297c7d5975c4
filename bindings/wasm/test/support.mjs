// Shared by the node tests: where the module and the sources are, the sample data, the snapshots.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository (ATTUNE_SOURCE_DIR, else the checkout this file is in). */
export const SOURCE_DIR = process.env.ATTUNE_SOURCE_DIR ?? resolve(here, "..", "..", "..");
/** The built package (ATTUNE_WASM_DIST: the build tree's; else bindings/wasm/dist). */
export const DIST = process.env.ATTUNE_WASM_DIST ?? join(SOURCE_DIR, "bindings", "wasm", "dist");
export const SAMPLE = join(SOURCE_DIR, "examples", "data", "ecr-r-sample.csv");

/** The module's API, loaded once. */
export async function attune() {
  const { load } = await import(pathToFileURL(join(DIST, "attune.mjs")).href);
  return load();
}

/** {ids, items, values}: a CSV with an id column first, empty cells as null. */
export function readCsv(path) {
  const lines = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const header = lines[0].split(",");
  const body = lines.slice(1).map((l) => l.split(","));
  return {
    ids: body.map((r) => r[0]),
    items: header.slice(1),
    values: body.map((r) => r.slice(1).map((x) => (x === "" ? null : Number(x)))),
  };
}

export function snapshotText(name) {
  return readFileSync(join(SOURCE_DIR, "tests", "golden", "json", `${name}.json`), "utf8");
}
export const snapshot = (name) => JSON.parse(snapshotText(name));

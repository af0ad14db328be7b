// The cross-version matrix (test/matrix/matrix.ts): every kind saved by every env, loaded in every env with one
// warm worker per env. Where the plain load succeeds keras-fix must say it loads; where it fails, keras-fix must
// name a cause (never `unclassified`) that fits the cell. The cells keras-fix gets wrong today are listed in
// KNOWN_WRONG with why, so that a fix (or a new failure) shows up here. `node scripts/matrix-doc.mjs` runs this
// file with KERAS_FIX_WRITE_MATRIX=1 to regenerate docs/matrix.md.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/envs.js";
import { cellId, cellProblems, isRight, kerasEnvs, loadColumn, matrixFiles, renderMatrix, type Cell } from "./matrix.js";

/** Cells keras-fix gets wrong, by `<saved-by>/<file> in <loaded-in>`, with what is wrong (handed on in the report). */
const KNOWN_WRONG: Record<string, string> = {
  "keras2/nested_functional.h5 in keras35-py312":
    "Keras 3.5 on JAX never returns from loading a tf.keras nested functional HDF5 (a Keras bug); keras-fix has no verdict for a load that hangs, it stops at --timeout",
  "tf21-py37/nested_functional.h5 in keras35-py312": "the same hang, on TF 2.1's file",
};

const files = matrixFiles();
const cells: Cell[] = [];

describe("the cross-version matrix", () => {
  beforeAll(async () => {
    // One env after the other: each column is one Keras import plus its loads, and the machine is shared.
    for (const env of kerasEnvs) cells.push(...(await loadColumn(env, files)));
    if (process.env.KERAS_FIX_WRITE_MATRIX === "1") {
      writeFileSync(join(repoRoot, "docs", "matrix.md"), renderMatrix(cells, files, kerasEnvs, KNOWN_WRONG));
    }
  }, 40 * 60_000);

  it("has rows saved by every env with Keras, and a column for each", () => {
    const savers = new Set(files.map((file) => file.savedBy));
    // A new env in python-envs.json needs `node scripts/make-fixtures.mjs matrix` to save its rows.
    for (const env of kerasEnvs) expect(savers.has(env), `fixtures/models/matrix/${env} is missing`).toBe(true);
    expect(files.filter((file) => file.path).length * kerasEnvs.length).toBe(cells.length);
  });

  it("every file that loads is said to load, every failure gets a named cause that fits it", () => {
    for (const cell of cells) if (cell.error === null) expect(cell.verdict, cellId(cell)).toBe("loads");
    const wrong = Object.fromEntries(cells.filter((cell) => !isRight(cell)).map((cell) => [cellId(cell), `${cell.verdict}: ${cell.error}`]));
    expect(Object.keys(wrong).sort()).toEqual(Object.keys(KNOWN_WRONG).sort());
  });

  it("holds files with two problems at once, whose failing cells need both named", () => {
    const two = cells.filter((cell) => cell.file.set === "matrix-two" && cell.error !== null);
    expect(two.length).toBeGreaterThan(40);
    // Most of them have two problems to name (a cell of a raw TF op in the Keras 2 that wrote it has one).
    expect(two.filter((cell) => cellProblems(cell).length >= 2).length).toBeGreaterThan(two.length / 2);
  });

  it("is not trivially right: real failures across versions and kinds", () => {
    const failing = cells.filter((cell) => cell.error !== null);
    expect(failing.length).toBeGreaterThan(cells.length / 4);
    expect(new Set(failing.map((cell) => cell.verdict)).size).toBeGreaterThan(5);
    expect(cells.some((cell) => cell.error === null && cell.file.savedBy !== cell.loadedIn)).toBe(true);
  });
});

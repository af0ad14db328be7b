// The cross-version matrix: every model kind in fixtures/models/matrix/<saved-by>/ (scripts/fixtures/make_matrix.py)
// loaded in every test env that has Keras, through one warm probe worker per env (one Keras import per env, then
// many loads), and keras-fix's verdict for each cell, reached the way a diagnosis session reaches it (inspect,
// the probe's load, classify; no user code around, as for someone who has only the file).
// The env lists come from scripts/python-envs.json, so a new env adds its column here and, once
// `node scripts/make-fixtures.mjs matrix` saved its files, its rows.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { acceptableCauses, cellProblems, kerasEnvs as kerasEnvsOf, matrixFiles as matrixFilesOf, NOT_IN_MATRIX, type MatrixFile } from "../../scripts/matrix-cells.mjs";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { standingCauses } from "../../src/engine/every-cause.js";
import { inspectModel } from "../../src/core/inspect/index.js";
import { startProbe, type ProbeSession } from "../../src/core/probe/probe.js";
import { ProbeError } from "../../src/core/probe/protocol.js";
import type { ModelFacts } from "../../src/core/types.js";
import { envCache, modelsDir, repoRoot } from "../helpers/envs.js";

interface EnvSpec {
  python: string;
  packages: string[];
  backend?: string;
}

export const matrixDir = join(modelsDir, "matrix");
const spec = JSON.parse(readFileSync(join(repoRoot, "scripts", "python-envs.json"), "utf8")) as { envs: Record<string, EnvSpec> };

export { NOT_IN_MATRIX, type MatrixFile };
/** The test envs that have Keras: each saves rows and loads a column. */
export const kerasEnvs: string[] = kerasEnvsOf(repoRoot);

export interface Cell {
  file: MatrixFile;
  loadedIn: string;
  /** The plain load_model's outcome in that env: null when it loads, else the innermost exception, one line. */
  error: string | null;
  /** keras-fix's verdict: "loads" or the cause id it names (the one the load met first). */
  verdict: string;
  /** Every cause keras-fix names for the cell, the verdict first (src/engine/every-cause.ts); [] when it loads. */
  causes: string[];
  confidence: number | null;
}

/** The saved files, per env that has a folder in fixtures/models/matrix. */
export const matrixFiles = (): MatrixFile[] => matrixFilesOf(repoRoot);

function oneLine(text: string, limit = 160): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
}

/** A load that takes longer hangs (Keras 3.5 on JAX loops forever on a Keras 2.15 nested functional .h5). */
export const HANG_SECONDS = 90;
/** The verdict of a cell whose load never returned: the worker was stopped and a fresh one started. */
export const HANG = "hang";

/** Loads every saved file in one env's warm worker and classifies each failure as a diagnosis session does. */
export async function loadColumn(loadedIn: string, files: MatrixFile[]): Promise<Cell[]> {
  const python = join(envCache, loadedIn, "bin", "python");
  if (!existsSync(python)) throw new Error(`test env ${loadedIn} is missing at ${python}: run 'node scripts/setup-python-envs.mjs ${loadedIn}'`);
  const backend = spec.envs[loadedIn]?.backend;
  const start = () =>
    startProbe({
      python: { path: python, source: "flag" },
      // The import of a cold TensorFlow on a busy machine takes longer than a load may.
      timeoutSeconds: HANG_SECONDS,
      env: { TF_CPP_MIN_LOG_LEVEL: "3", ...(backend ? { KERAS_BACKEND: backend } : {}) },
    });
  let probe: ProbeSession = await start();
  const cells: Cell[] = [];
  const inspected = new Map<string, ModelFacts>();
  try {
    for (const file of files) {
      if (!file.path) continue;
      let load;
      try {
        load = await probe.load(file.path);
      } catch (error) {
        if (!(error instanceof ProbeError) || error.reason !== "timeout") throw error;
        cells.push({ file, loadedIn, error: `no answer within ${HANG_SECONDS} s (the load hangs)`, verdict: HANG, causes: [], confidence: null });
        await probe.close();
        probe = await start();
        continue;
      }
      if (load.ok) {
        cells.push({ file, loadedIn, error: null, verdict: "loads", causes: [], confidence: null });
        continue;
      }
      const facts = inspected.get(file.path) ?? (await inspectModel(file.path));
      inspected.set(file.path, facts);
      const diagnosis = classify(load.chain, { file: facts, env: probe.env, load }, causes);
      const named = standingCauses({ file: facts, env: probe.env, load }, diagnosis).map((standing) => standing.cause);
      // The exception the user sees last (the chain runs from the first raised to the final one).
      const last = load.chain[load.chain.length - 1];
      const error = last ? `${last.type}: ${oneLine(last.message)}` : "(no exception reported)";
      cells.push({ file, loadedIn, error, verdict: diagnosis.cause, causes: named.length > 0 ? named : [diagnosis.cause], confidence: diagnosis.confidence });
    }
  } finally {
    await probe.close();
  }
  return cells;
}

export { acceptableCauses, cellProblems };

/** Right: loads and keras-fix says so, or fails with a named cause that fits the cell and, for a file with two
 * problems, every problem named among its causes. */
export function isRight(cell: Cell): boolean {
  if (cell.error === null) return cell.verdict === "loads";
  if (cell.verdict === "unclassified" || cell.verdict === HANG || !acceptableCauses(cell).includes(cell.verdict)) return false;
  return cellProblems(cell).every((names) => names.some((name) => cell.causes.includes(name)));
}

export const cellId = (cell: Cell) => `${cell.file.set === "matrix" ? "" : `${cell.file.set}/`}${cell.file.savedBy}/${cell.file.file} in ${cell.loadedIn}`;

// The checkout's own path is left out so the generated page reads the same from any clone.
const escapeCell = (text: string) => text.split(`${repoRoot}/`).join("").replace(/\|/g, "\\|").replace(/`/g, "'");

/** What a cell shows: the verdict, and for a file with two problems every cause named (the first is the one met). */
function cellText(cell: Cell): string {
  if (cell.error === null) return "loads";
  if (cell.verdict === HANG) return "hangs";
  const named = cell.file.set === "matrix" ? [cell.verdict] : cell.causes;
  return `fails → ${named.map((cause) => `\`${cause}\``).join(" + ")}`;
}

/** One table per saving env (rows: kind and format; columns: loading envs). */
function saverTables(cells: Cell[], files: MatrixFile[], loaders: string[]): string[] {
  const lines: string[] = [];
  const savers = [...new Set(files.map((file) => file.savedBy))];
  for (const savedBy of savers) {
    const saved = files.filter((file) => file.savedBy === savedBy);
    const w = saved[0].savedWith;
    lines.push(`${saved[0].set === "matrix" ? "##" : "###"} Saved by \`${savedBy}\` (Keras ${w.keras}, ${w.backend} backend, Python ${w.python})`, "");
    lines.push(`| kind | file | ${loaders.map((env) => `in \`${env}\``).join(" | ")} |`);
    lines.push(`|---|---|${loaders.map(() => "---").join("|")}|`);
    for (const file of saved) {
      if (!file.file) {
        lines.push(`| ${file.kind} | .${file.format}: cannot be saved (${escapeCell(file.cannotSave ?? "").slice(0, 90)}…) | ${loaders.map(() => "").join(" | ")} |`);
        continue;
      }
      const row = loaders.map((env) => {
        const cell = cells.find((c) => c.file === file && c.loadedIn === env);
        if (!cell) return "";
        return isRight(cell) ? cellText(cell) : `⚠ ${cellText(cell)}`;
      });
      lines.push(`| ${file.kind} | \`${file.file}\` | ${row.join(" | ")} |`);
    }
    lines.push("");
  }
  return lines;
}

/** docs/matrix.md: one table per saving env (rows: kind and format; columns: loading envs), then the errors. */
export function renderMatrix(cells: Cell[], files: MatrixFile[], loaders: string[], knownWrong: Record<string, string>): string {
  const one = cells.filter((cell) => cell.file.set === "matrix");
  const two = cells.filter((cell) => cell.file.set !== "matrix");
  const right = one.filter(isRight).length;
  const twoRight = two.filter(isRight).length;
  const lines = [
    "# Which file loads where: the cross-version matrix",
    "",
    "<!-- Generated by `node scripts/matrix-doc.mjs` (runs test/matrix/matrix.test.ts); do not edit by hand. -->",
    "",
    "Each model kind saved by each test environment (`scripts/fixtures/make_matrix.py`, files in",
    "`fixtures/models/matrix/<env>/`), loaded with a plain `keras.models.load_model(path)` in every environment, with",
    "no custom code importable (as for someone who has only the file). A cell is the load's real outcome and",
    "keras-fix's verdict: **loads**, or the cause it names. `⚠` marks a cell keras-fix gets wrong (listed below).",
    "",
    `Environments (scripts/python-envs.json): ${loaders.map((env) => `\`${env}\``).join(", ")}.`,
    ...Object.entries(NOT_IN_MATRIX).map(([env, why]) => `Left out: \`${env}\`, ${why}.`),
    "",
    `**${one.length} cells, ${right} right, ${one.length - right} wrong.**`,
    "",
    ...saverTables(one, files.filter((file) => file.set === "matrix"), loaders),
  ];
  if (two.length > 0) {
    lines.push(
      "## Two problems at once",
      "",
      "Files with two problems (`scripts/fixtures/make_matrix_two.py`, files in `fixtures/models/matrix-two/<env>/`): a",
      "custom layer and a custom loss, a Lambda and a custom loss, a custom layer beside a raw TensorFlow op, a custom",
      "layer whose code uses Keras 2's add_weight(name, shape). A failing cell lists every cause keras-fix names, the one the load",
      "met first leading; it is right only when every problem is among them (`cellProblems` in `scripts/matrix-cells.mjs`).",
      "",
      `**${two.length} cells, ${twoRight} right, ${two.length - twoRight} wrong.**`,
      "",
      ...saverTables(two, files.filter((file) => file.set !== "matrix"), loaders),
    );
  }
  const wrong = cells.filter((cell) => !isRight(cell));
  if (wrong.length > 0) {
    lines.push("## Wrong cells", "");
    for (const cell of wrong) {
      const named = cell.file.set === "matrix" ? `\`${cell.verdict}\`` : cell.causes.map((cause) => `\`${cause}\``).join(" + ");
      lines.push(`- \`${cellId(cell)}\`: keras-fix says ${named}${knownWrong[cellId(cell)] ? `: ${knownWrong[cellId(cell)]}` : ""}. The load: ${escapeCell(cell.error ?? "loads")}`);
    }
    lines.push("");
  }
  lines.push("## The failures, one line each", "");
  for (const cell of cells.filter((c) => c.error !== null && isRight(c))) {
    const named = cell.file.set === "matrix" ? `\`${cell.verdict}\`` : cell.causes.map((cause) => `\`${cause}\``).join(" + ");
    lines.push(`- \`${cellId(cell)}\` → ${named}: ${escapeCell(cell.error ?? "")}`);
  }
  lines.push("");
  return lines.join("\n");
}

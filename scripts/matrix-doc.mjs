#!/usr/bin/env node
// Regenerates docs/matrix.md: runs the cross-version matrix test (test/matrix/matrix.test.ts) with
// KERAS_FIX_WRITE_MATRIX=1, which writes the table from the real loads, then the "brought home" column. Needs the test
// envs (npm test makes them), the matrix files (node scripts/make-fixtures.mjs matrix) and the build (npm run build).
//
//   node scripts/matrix-doc.mjs                  the tables, then the column: the rows the doc had are kept (the
//                                                same cell with the same cause), only new cells are run
//   node scripts/matrix-doc.mjs --home [filter]  only the column, from the tables already in docs/matrix.md: every
//                                                cell, or with a filter `<saved-by>:<loaded-in>` those cells only (the
//                                                others' rows kept as they were)
//
// The column: for every failing cell where bringing home applies (a versions cause, loaded in a Keras 3 env), the real
// `keras-fix FILE --auto --json --try-versions --bring-home --python <env>` on a copy of the file, in a scratch folder:
// whether a trial proved a plan, and whether the copy was brought home and proven, or why not.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Another doc (a test's copy) may be named; the tables are read from it and the column written into it.
const docPath = process.env.KERAS_FIX_MATRIX_DOC ?? join(root, "docs", "matrix.md");
const spec = JSON.parse(readFileSync(join(root, "scripts", "python-envs.json"), "utf8"));
const envCache = process.env.KERAS_FIX_ENV_CACHE ?? join(homedir(), ".cache", "keras-fix", "envs");
const cli = join(root, "dist", "src", "cli.js");

/** The causes whose fix is other versions: a trial can prove them, and the copy brings the model home. */
const VERSION_CAUSES = ["file-from-newer-keras", "keras2-file-in-keras3"];
const START = "<!-- brought-home:start -->";
const END = "<!-- brought-home:end -->";

const args = process.argv.slice(2);
const homeOnly = args.includes("--home");
// The column as it was, kept across the test's rewrite of the tables.
const before = existsSync(docPath) ? readFileSync(docPath, "utf8") : "";
if (!homeOnly) {
  const r = spawnSync("npx", ["vitest", "run", "test/matrix/matrix.test.ts"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, KERAS_FIX_WRITE_MATRIX: "1" },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const filter = args.find((arg) => arg.includes(":")) ?? null;
if (!existsSync(cli)) {
  process.stderr.write("[matrix-doc] dist/src/cli.js is missing: run npm run build first\n");
  process.exit(2);
}

/** The failing cells of docs/matrix.md's tables: saved by, file, loaded in, the cause keras-fix named. */
function cellsOf(doc) {
  const cells = [];
  let savedBy = null;
  let loaders = [];
  for (const line of doc.split("\n")) {
    const saver = /^## Saved by `([^`]+)`/.exec(line);
    if (saver) savedBy = saver[1];
    else if (line.startsWith("## ")) savedBy = null;
    if (!savedBy || !line.startsWith("| ") || line.startsWith("|---")) continue;
    if (line.startsWith("| kind ")) {
      loaders = [...line.matchAll(/in `([^`]+)`/g)].map((m) => m[1]);
      continue;
    }
    const columns = line.slice(1, -1).split("|").map((c) => c.trim());
    const file = /^`([^`]+)`$/.exec(columns[1])?.[1];
    if (!file) continue;
    loaders.forEach((loadedIn, i) => {
      const cause = /fails → `([^`]+)`/.exec(columns[2 + i] ?? "")?.[1];
      if (cause) cells.push({ savedBy, file, loadedIn, cause });
    });
  }
  return cells;
}

const isKeras3 = (env) => (spec.envs[env]?.packages ?? []).some((p) => /^keras==3\./.test(p));
const applies = (cell) => cell.savedBy !== cell.loadedIn && isKeras3(cell.loadedIn) && VERSION_CAUSES.includes(cell.cause);
const key = (cell) => `${cell.savedBy}/${cell.file} in ${cell.loadedIn}`;

/** One cell through the real CLI, on a copy of the file in a scratch folder (the copy brought home lands there). */
function bringHome(cell) {
  const dir = mkdtempSync(join(tmpdir(), "keras-fix-matrix-home-"));
  try {
    const model = join(dir, cell.file);
    copyFileSync(join(root, "fixtures", "models", "matrix", cell.savedBy, cell.file), model);
    const backend = spec.envs[cell.loadedIn]?.backend;
    const started = Date.now();
    const run = spawnSync(process.execPath, [cli, model, "--auto", "--json", "--try-versions", "--bring-home", "--python", join(envCache, cell.loadedIn, "bin", "python")], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3", ...(backend ? { KERAS_BACKEND: backend } : {}) },
      timeout: 3600_000,
    });
    const seconds = Math.round((Date.now() - started) / 1000);
    let report;
    try {
      report = JSON.parse(run.stdout);
    } catch {
      return { trial: "—", home: `no report (exit ${run.status})`, seconds };
    }
    const steps = report.walk?.steps ?? [];
    const homeStep = steps.find((s) => s.action === "bring-home" || s.action === "bring-home-legacy");
    const plans = report.walk?.plans ?? [];
    const proven = plans.find((p) => p.status === "proven" || p.proof?.proven);
    const trial = homeStep?.action === "bring-home-legacy" ? "tf_keras here (no trial)" : proven ? `proven: ${(proven.proof?.pins ?? proven.pins ?? []).join(" ")}` : report.walk?.outcome === "loads" ? "—" : "not proven";
    const result = homeStep?.bringHome;
    if (result?.proven) return { trial, home: `✔ proven (max diff ${result.maxAbsDiff}, tolerance ${Number(result.tolerance).toPrecision(2)})`, seconds };
    if (result) return { trial, home: `✘ ${result.why}`, seconds };
    const tried = plans.filter((p) => p.proof).at(-1)?.proof;
    if (!proven && tried) return { trial, home: `✘ not tried: no plan proven (${tried.message})`, seconds };
    const last = steps.at(-1);
    if (report.exitCode === 0) return { trial, home: `— not needed: the walk fixed it otherwise ("${last?.title ?? last?.id ?? "?"}", ${report.diagnosis?.cause ?? "?"})`, seconds };
    return { trial, home: `✘ not tried: the walk ended at "${last?.title ?? last?.id ?? "?"}" (${report.diagnosis?.cause ?? "?"})`, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rows the doc holds now, by cell, so that a filtered run keeps the others. */
function previousRows(doc) {
  const rows = new Map();
  const section = doc.includes(START) ? doc.slice(doc.indexOf(START), doc.indexOf(END)) : "";
  for (const line of section.split("\n")) {
    const m = /^\| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \| (.*)$/.exec(line);
    // A row counts only for the same cause, and only once it was run.
    if (m && !/not run yet/.test(m[5])) rows.set(`${m[1]}/${m[2]} in ${m[3]} → ${m[4]}`, line);
  }
  return rows;
}

const escape = (text) => String(text).replace(/\|/g, "\\|").replace(/`/g, "'").replace(/\s+/g, " ").slice(0, 300);

const doc = readFileSync(docPath, "utf8");
const cells = cellsOf(doc).filter(applies);
const previous = previousRows(homeOnly ? doc : before);
const rows = [];
for (const cell of cells) {
  const kept = previous.get(`${key(cell)} → ${cell.cause}`);
  const chosen = homeOnly ? !filter || `${cell.savedBy}:${cell.loadedIn}` === filter : !kept;
  if (!chosen && kept) {
    rows.push(kept);
    continue;
  }
  if (!chosen) {
    rows.push(`| \`${cell.savedBy}\` | \`${cell.file}\` | \`${cell.loadedIn}\` | \`${cell.cause}\` | not run yet | not run yet |`);
    continue;
  }
  process.stderr.write(`[matrix-doc] bringing home ${key(cell)} ...\n`);
  const outcome = bringHome(cell);
  process.stderr.write(`[matrix-doc]   ${outcome.home} (${outcome.seconds} s)\n`);
  rows.push(`| \`${cell.savedBy}\` | \`${cell.file}\` | \`${cell.loadedIn}\` | \`${cell.cause}\` | ${escape(outcome.trial)} | ${escape(outcome.home)} |`);
}
const home = rows.filter((row) => / ✔ proven/.test(row)).length;
const section = [
  START,
  "## Brought home",
  "",
  "<!-- Generated by `node scripts/matrix-doc.mjs --home` from the tables above; do not edit by hand. -->",
  "",
  "Every failing cell where bringing home applies (a versions cause, loaded in a Keras 3 environment), run as a user",
  "would: `keras-fix FILE --auto --json --try-versions --bring-home --python <env>` on a copy of the file. **trial**:",
  "the versions a trial environment proved (or tf_keras beside Keras 3, which needs no trial); **brought home**: whether",
  "a copy was written and proven (a fresh safe-mode load with the trial's outputs), or why not.",
  "",
  `**${rows.length} cells, ${home} brought home and proven.**`,
  "",
  "| saved by | file | in | cause | trial | brought home |",
  "|---|---|---|---|---|---|",
  ...rows,
  END,
].join("\n");
const updated = doc.includes(START) ? doc.slice(0, doc.indexOf(START)) + section + doc.slice(doc.indexOf(END) + END.length) : `${doc.trimEnd()}\n\n${section}\n`;
writeFileSync(docPath, updated);
process.stderr.write(`[matrix-doc] ${rows.length} cells where bringing home applies, ${home} brought home\n`);

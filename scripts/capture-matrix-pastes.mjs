#!/usr/bin/env node
// The third paste set (issue 11): the real failures of the cross-version matrix. Every matrix file
// (fixtures/models/matrix) is loaded with a plain load_model in every test env that has Keras
// (scripts/fixtures/load_tracebacks.py prints exactly what Python prints for the user's call), and each failure is
// written to fixtures/tracebacks/_matrix/ with the cause it is scored against. That label is what keras-fix says
// with the file and the env in hand (inspect + env facts + the traceback), kept only when the matrix's own rule
// (scripts/matrix-cells.mjs acceptableCauses) agrees it fits the cell; the paste eval then gives the classifier
// the text alone, as `explain` gets it. Identical failures (same label, same text once the file's path is ignored)
// are kept once.
//
//   npm run build && node scripts/capture-matrix-pastes.mjs    (needs the test envs: npm test makes them)
import { execa } from "execa";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { acceptableCauses, kerasEnvs, KIND_CAUSES, KIND_CULPRITS, matrixFiles } from "./matrix-cells.mjs";
import { testEnvPython, testEnvVars } from "./test-envs.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (path) => pathToFileURL(join(root, "dist", path)).href;
const { causes } = await import(dist("flows/index.js"));
const { classify } = await import(dist("src/core/classify/classify.js"));
const { parseTraceback } = await import(dist("src/core/classify/traceback.js"));
const { inspectModel } = await import(dist("src/core/inspect/index.js"));
const { startProbe } = await import(dist("src/core/probe/probe.js"));

const matrixDir = join(root, "fixtures", "models", "matrix");
const outDir = join(root, "fixtures", "tracebacks", "_matrix");
const LOAD_SECONDS = 120;

/** Runs the loads in one env; a load that does not return in time is recorded as hung and the rest go on. */
async function loadAll(env, relativePaths) {
  const python = testEnvPython(env);
  const results = new Map();
  let pending = [...relativePaths];
  while (pending.length > 0) {
    let started = null;
    const child = execa(python, [join(root, "scripts", "fixtures", "load_tracebacks.py"), ...pending], {
      cwd: matrixDir,
      env: testEnvVars(env),
      reject: false,
      stdin: "ignore",
      stderr: "ignore",
      lines: false,
    });
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => child.kill("SIGKILL"), LOAD_SECONDS * 1000 + 60_000);
    };
    arm();
    let buffer = "";
    child.stdout.on("data", (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith("{")) continue;
        const record = JSON.parse(line);
        if (record.start) {
          started = record.start;
          arm();
        } else results.set(record.path, record);
      }
    });
    await child;
    clearTimeout(timer);
    pending = pending.filter((path) => !results.has(path));
    if (pending.length > 0) {
      const stuck = started && !results.has(started) ? started : pending[0];
      results.set(stuck, { path: stuck, ok: false, traceback: null, hung: true });
      pending = pending.filter((path) => path !== stuck);
    }
  }
  return results;
}

async function envFactsOf(env) {
  const probe = await startProbe({ python: { path: testEnvPython(env), source: "flag" }, timeoutSeconds: 180, env: testEnvVars(env) });
  try {
    return probe.env;
  } finally {
    await probe.close();
  }
}

const oneLine = (text) => text.replace(/\s+/g, " ").trim();
// The same failure of another file (another kind, or saved by another env) differs only in the file's path and in
// object ids: it is kept once.
const sameFailureKey = (label, text, relative) =>
  `${label}\n${text.split(relative).join("<model>").replace(/0x[0-9a-f]+|\b\d{6,}\b/g, "<id>")}`;

// The one-problem set only: the paste set's labels are one cause per failure, and its sealed half stays as it was.
const files = matrixFiles(root).filter((file) => file.path && file.set === "matrix");
const inspected = new Map();
const seen = new Set();
const kept = [];
const dropped = { loads: 0, hung: 0, duplicate: 0, notFitting: [] };
for (const env of kerasEnvs(root)) {
  process.stderr.write(`[capture] ${env}: loading ${files.length} files\n`);
  const results = await loadAll(env, files.map((file) => `${file.savedBy}/${file.file}`));
  const envFacts = await envFactsOf(env);
  for (const file of files) {
    const relative = `${file.savedBy}/${file.file}`;
    const result = results.get(relative);
    if (result.ok) { dropped.loads++; continue; }
    if (result.hung) { dropped.hung++; continue; }
    const text = result.traceback.replace(/\n+$/, "\n");
    const chain = parseTraceback(text);
    if (!inspected.has(file.path)) inspected.set(file.path, await inspectModel(file.path));
    const facts = { file: inspected.get(file.path), env: envFacts, load: { ok: false, seconds: 0, chain, warnings: [] } };
    const diagnosis = classify(chain, facts, causes);
    const last = chain[chain.length - 1];
    const error = last ? `${last.type}: ${oneLine(last.message)}` : null;
    const acceptable = acceptableCauses({ error, file, loadedIn: env });
    const id = `${env}--${file.savedBy}--${file.file}`;
    if (!acceptable.includes(diagnosis.cause)) {
      dropped.notFitting.push(`${id}: ${diagnosis.cause} (fits: ${acceptable.join(", ")})`);
      continue;
    }
    const key = sameFailureKey(diagnosis.cause, text, relative);
    if (seen.has(key)) { dropped.duplicate++; continue; }
    seen.add(key);
    const culprit = (KIND_CAUSES[file.kind] ?? []).includes(diagnosis.cause) ? KIND_CULPRITS[file.kind] : undefined;
    kept.push({ id, text, sidecar: {
      source: `captured: ${env} load_model('${relative}') in fixtures/models/matrix`,
      cause: diagnosis.cause,
      ...(culprit ? { culprit } : {}),
      fits: acceptable,
    } });
  }
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const { id, text, sidecar } of kept) {
  writeFileSync(join(outDir, `${id}.txt`), text);
  writeFileSync(join(outDir, `${id}.expect.json`), `${JSON.stringify(sidecar, null, 2)}\n`);
}
process.stderr.write(
  `[capture] wrote ${kept.length} failures to ${outDir}; left out: ${dropped.loads} loads, ${dropped.hung} hangs, ` +
    `${dropped.duplicate} duplicates, ${dropped.notFitting.length} whose verdict does not fit the cell\n`,
);
for (const line of dropped.notFitting) process.stderr.write(`  not fitting: ${line}\n`);

#!/usr/bin/env node
// Measures how well the built classifier generalises: runs parse + classify (dist/) over the held-out tracebacks in
// fixtures/tracebacks/_eval, prints top-1 / top-3 accuracy per cause and overall, the near-misses it fell for, and
// every miss with its top three. A measurement, not a test: it always exits 0 (test/eval/eval.test.ts holds the floor).
//
//   npx tsc -p tsconfig.json && node scripts/eval-classifier.mjs [--json]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const evalDir = join(root, "fixtures", "tracebacks", "_eval");
const dist = (path) => pathToFileURL(join(root, "dist", path)).href;
if (!existsSync(join(root, "dist", "src", "core", "classify", "classify.js"))) {
  console.error("dist/ is not built: run `npx tsc -p tsconfig.json` first");
  process.exit(0);
}
const { causes } = await import(dist("flows/index.js"));
const { classify } = await import(dist("src/core/classify/classify.js"));
const { parseTraceback } = await import(dist("src/core/classify/traceback.js"));

// The neutral defaults test/catalogue/facts.ts gives; a sidecar states only what matters to its case.
const modelDefaults = {
  schemaVersion: 1, path: "model.h5", format: "h5-model", problem: null, kerasVersion: null, backend: null,
  topClass: null, layerClasses: [], customClasses: [], hasLambda: false, compiled: false, loss: null, metrics: null,
  optimizer: null, fileSize: null, customObjects: [], lambdas: [], layers: null, kerasLine: null,
  tensorflowVersion: null, details: {},
};
const envDefaults = {
  python: { path: "/usr/bin/python3", version: "3.11.9", source: "path" }, packages: {}, backend: null,
  legacyKeras: false, loader: null, importError: null, importSeconds: null,
};

async function factsFor(sidecar) {
  let file = null;
  if (sidecar.model) {
    const { inspectModel } = await import(dist("src/core/inspect/index.js"));
    file = await inspectModel(join(root, sidecar.model));
  }
  if (sidecar.file) file = { ...modelDefaults, ...(file ?? {}), ...sidecar.file };
  const env = sidecar.env ? { ...envDefaults, ...sidecar.env } : null;
  return {
    file, env, load: null,
    ...(sidecar.pythonMissing ? { pythonMissing: true } : {}),
    ...(sidecar.sources ? { sources: sidecar.sources } : {}),
  };
}

// The paste-form sets, each turned into the shapes users paste (scripts/paste-forms.mjs) and split into a tuning half
// and a sealed half; test/eval/paste-eval.test.ts and mined-eval.test.ts hold the sealed floors.
//  - paste: every real (captured) fixture, split by source fixture;
//  - mined: synthetic tracebacks written from the mined message table (scripts/paste-mined.mjs), split by template;
//  - matrix, scenarios: the cross-version matrix's real failures (scripts/capture-matrix-pastes.mjs) and the failures
//    around the model (scripts/capture-scenario-pastes.mjs), classified on their text alone (no file, no env: what
//    `explain` gets), split by source.
const { pasteCases, textAlonePasteCases } = await import(pathToFileURL(join(root, "scripts", "paste-cases.mjs")).href);
const { scorePasteForms, summarise } = await import(pathToFileURL(join(root, "scripts", "paste-forms.mjs")).href);
const { minedCases } = await import(pathToFileURL(join(root, "scripts", "paste-mined.mjs")).href);
const messages = await import(dist("src/core/classify/messages.js"));
const score = (cases) => scorePasteForms(cases, { parseTraceback, classify, causes, factsFor });
const pasteSets = [
  { key: "paste", title: "paste forms of the real fixtures", misses: "real fixtures", scored: await score(pasteCases(root)) },
  { key: "mined", title: "paste forms of the mined table's templates", misses: "mined table", scored: await score(minedCases(root, messages)) },
  { key: "matrix", title: "paste forms of the matrix's real failures, text alone", misses: "matrix failures", scored: await score(textAlonePasteCases(root, "_matrix")) },
  { key: "scenarios", title: "paste forms of the failures around the model (scenarios), text alone", misses: "scenarios", scored: await score(textAlonePasteCases(root, "_scenarios")) },
];
// The real-paste corpus (third-party text read at run time from ../shared/real-pastes or $KERAS_FIX_REAL_PASTES,
// never copied here): each paste as posted, text alone, split by a hash of its thread (scripts/real-pastes.mjs).
const { realPastesDir, realPasteCases, scoreRealPastes } = await import(pathToFileURL(join(root, "scripts", "real-pastes.mjs")).href);
const realDir = realPastesDir(root);
const realScored = realDir ? scoreRealPastes(realPasteCases(realDir), { parseTraceback, classify, causes }) : null;
const halvesOf = (scored) => ["tuning", "sealed"].map((half) => [half, scored.filter((entry) => entry.half === half)]);

const names = readdirSync(evalDir).filter((name) => name.endsWith(".txt")).sort();
const results = [];
for (const name of names) {
  const sidecar = JSON.parse(readFileSync(join(evalDir, name.replace(/\.txt$/, ".expect.json")), "utf8"));
  const chain = parseTraceback(readFileSync(join(evalDir, name), "utf8"));
  const diagnosis = classify(chain, await factsFor(sidecar), causes);
  const ranked = [diagnosis.cause, ...diagnosis.alternatives.map((alt) => alt.cause)];
  const top3 = ranked.slice(0, 3);
  const confidences = [diagnosis.confidence, ...diagnosis.alternatives.map((alt) => alt.confidence)];
  if (sidecar.notCause) {
    const fellFor = diagnosis.cause === sidecar.notCause;
    const wrongOther = sidecar.cause !== undefined && diagnosis.cause !== sidecar.cause;
    results.push({ name, kind: "near-miss", notCause: sidecar.notCause, expected: sidecar.cause ?? null, top3, confidences, ok: !fellFor, exact: !fellFor && !wrongOther });
  } else {
    results.push({ name, kind: "positive", expected: sidecar.cause, top3, confidences, top1: top3[0] === sidecar.cause, top3hit: top3.includes(sidecar.cause) });
  }
}

const positives = results.filter((r) => r.kind === "positive");
const nearMisses = results.filter((r) => r.kind === "near-miss");
const pct = (n, d) => (d === 0 ? "n/a" : `${((100 * n) / d).toFixed(1)}%`);
const summary = {
  positives: positives.length,
  top1: positives.filter((r) => r.top1).length,
  top3: positives.filter((r) => r.top3hit).length,
  nearMisses: nearMisses.length,
  nearMissesAvoided: nearMisses.filter((r) => r.ok).length,
  nearMissesExact: nearMisses.filter((r) => r.exact).length,
};

if (process.argv.includes("--json")) {
  const sets = Object.fromEntries(pasteSets.map((set) => [set.key, Object.fromEntries(halvesOf(set.scored).map(([half, list]) => [half, summarise(list)]))]));
  const real = realScored ? Object.fromEntries(halvesOf(realScored).map(([half, list]) => [half, summarise(list)])) : null;
  console.log(JSON.stringify({ summary, results, ...sets, real }, null, 2));
  process.exit(0);
}

const byCause = new Map();
for (const r of positives) {
  const row = byCause.get(r.expected) ?? { n: 0, top1: 0, top3: 0 };
  row.n++;
  row.top1 += r.top1 ? 1 : 0;
  row.top3 += r.top3hit ? 1 : 0;
  byCause.set(r.expected, row);
}
console.log(`${"cause".padEnd(30)} ${"n".padStart(3)} ${"top-1".padStart(7)} ${"top-3".padStart(7)}`);
for (const [cause, row] of [...byCause].sort()) {
  console.log(`${cause.padEnd(30)} ${String(row.n).padStart(3)} ${pct(row.top1, row.n).padStart(7)} ${pct(row.top3, row.n).padStart(7)}`);
}
console.log(`${"OVERALL".padEnd(30)} ${String(summary.positives).padStart(3)} ${pct(summary.top1, summary.positives).padStart(7)} ${pct(summary.top3, summary.positives).padStart(7)}`);
console.log(
  `near-misses: ${summary.nearMissesAvoided}/${summary.nearMisses} avoided their look-alike, ` +
    `${summary.nearMissesExact}/${summary.nearMisses} got the expected answer`,
);
const show = (r) => r.top3.map((cause, i) => `${cause} (${r.confidences[i]})`).join(", ");
const misses = positives.filter((r) => !r.top1);
if (misses.length) console.log(`\nmisses (top-1 wrong; * = not even in the top 3):`);
for (const r of misses) console.log(`${r.top3hit ? " " : "*"} ${r.name}\n    expected ${r.expected}; got ${show(r)}`);
const badNear = nearMisses.filter((r) => !r.exact);
if (badNear.length) console.log(`\nnear-misses not answered as expected (! = classified as the look-alike):`);
for (const r of badNear) {
  console.log(`${r.ok ? " " : "!"} ${r.name}\n    not ${r.notCause}${r.expected ? `, expected ${r.expected}` : ""}; got ${show(r)}`);
}

// Paste forms: every set, both halves, per cause. Misses are listed for the tuning halves only: the sealed halves are
// measured, never looked into (print them with --show-sealed only when the figures are final).
const fmt = (x) => `${(100 * x).toFixed(1)}%`;
function printSet(title, scored) {
  console.log(`\n${title} (${scored.length} cases)`);
  for (const [half, list] of halvesOf(scored)) {
    const all = summarise(list);
    console.log(`\n${half} half: n=${all.n} top-1 ${fmt(all.top1)} top-3 ${fmt(all.top3)} culprit named ${fmt(all.culpritNamed)} (of ${all.culpritCases})`);
    const causesSeen = [...new Set(list.map((entry) => entry.expected))].sort();
    for (const cause of causesSeen) {
      const row = summarise(list.filter((entry) => entry.expected === cause));
      console.log(`  ${cause.padEnd(30)} ${String(row.n).padStart(4)} ${fmt(row.top1).padStart(7)} ${fmt(row.top3).padStart(7)} ${fmt(row.culpritNamed).padStart(7)}`);
    }
  }
}
for (const set of pasteSets) printSet(set.title, set.scored);
// The real corpus: the sealed half first (it is the figure that counts), then the tuning half.
if (realScored) {
  const ordered = [...realScored.filter((e) => e.half === "sealed"), ...realScored.filter((e) => e.half === "tuning")];
  console.log(`\nreal pastes as posted, text alone (${realDir}; sealed half first)`);
  for (const half of ["sealed", "tuning"]) {
    const list = ordered.filter((entry) => entry.half === half);
    const all = summarise(list);
    // "culprit named" compares the label's name (scripts/real-pastes.mjs, culpritNames); "verbatim" its whole text.
    const labelled = list.filter((entry) => entry.culpritVerbatim !== null);
    const verbatim = labelled.filter((entry) => entry.culpritVerbatim).length / Math.max(1, labelled.length);
    console.log(`\n${half} half: n=${all.n} top-1 ${fmt(all.top1)} top-3 ${fmt(all.top3)} culprit named ${fmt(all.culpritNamed)} (of ${all.culpritCases}; whole label verbatim ${fmt(verbatim)})`);
    for (const cause of [...new Set(list.map((entry) => entry.expected))].sort()) {
      const row = summarise(list.filter((entry) => entry.expected === cause));
      console.log(`  ${cause.padEnd(30)} ${String(row.n).padStart(4)} ${fmt(row.top1).padStart(7)} ${fmt(row.top3).padStart(7)} ${fmt(row.culpritNamed).padStart(7)}`);
    }
  }
} else {
  console.log("\nreal pastes: not measured, no corpus at ../shared/real-pastes (set KERAS_FIX_REAL_PASTES to its folder)");
}
if (process.argv.includes("--misses")) {
  const withReal = realScored ? [...pasteSets, { misses: "real pastes", scored: realScored }] : pasteSets;
  for (const { misses: title, scored } of withReal) {
    const show = process.argv.includes("--show-sealed") ? scored : scored.filter((entry) => entry.half === "tuning");
    const misses = show.filter((e) => !e.top1 || e.culpritNamed === false);
    if (misses.length) console.log(`\nmisses of the ${title} (top-1 or culprit; * = not in the top 3):`);
    for (const entry of misses) {
      console.log(`${entry.top3 ? " " : "*"} [${entry.form}] ${entry.source}\n    expected ${entry.expected} (${entry.culprit}); got ${entry.ranked.slice(0, 3).join(", ")} culprit=${entry.got}`);
    }
  }
}

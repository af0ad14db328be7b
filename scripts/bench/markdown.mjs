// The figures of one bench run as markdown (docs/benchmarks.md), each with the command that reproduces it.
import { formatSummary } from "./stats.mjs";

const rel = (root, path) => (path.startsWith(root) ? path.slice(root.length + 1) : path);

export function toMarkdown(results, root) {
  const m = results.machine;
  const out = [
    "# keras-fix benchmarks",
    "",
    "Every figure is a ratio against a reference measured in the same run, as the median of several runs with the",
    "spread (min–max) beside it. Absolute times depend on the machine; the ratios are what to compare.",
    "",
    `Machine: ${m.nproc} cores (nproc), ${m.cpu}, ${m.memoryGiB} GiB RAM, Node ${m.node}, Python ${m.python} (${m.pythonPath}).`,
    "",
    `Reproduce everything: \`${results.command}\` (after \`npm run build\` and \`node scripts/setup-python-envs.mjs keras3\`).`,
    "",
  ];
  if (results.inspect !== undefined) {
    out.push("## Inspect of a ≥ 1 GB HDF5 model vs h5py", "");
    out.push(results.inspect ? ["```text", results.inspect.output.trim(), "```"].join("\n") : "scripts/bench-inspect.mjs was not there when this ran.", "");
    out.push("Command: `node scripts/bench-inspect.mjs <runs>` (also run by `npm run bench -- --only inspect`).", "");
  }
  if (results.load) {
    out.push("## A whole `keras-fix <model> --auto --json` run vs a bare `load_model` (the floor)", "",
      "The floor is `python -c \"import sys, keras; keras.models.load_model(sys.argv[1])\" <model>`: a fresh Python, the",
      "Keras import and the load itself. keras-fix adds Node, inspect, the probe protocol, classification and, when the",
      "model fails, the walk's verify loads (in the same warm worker).", "",
      "| env | model | keras-fix | bare load_model | ratio (goal ≤ ×1.05) | outcome | verify loads |", "|---|---|---|---|---|---|---|");
    for (const r of results.load) {
      out.push(`| ${r.envName ?? ""} | ${rel(root, r.model)} | ${formatSummary(r.kerasFix.time)} | ${formatSummary(r.floor.time)} | ×${r.ratio.toFixed(2)} | ${r.outcome}${r.cause ? ` (${r.cause})` : ""} | ${r.verifyLoads} |`);
    }
    out.push("", "Command: `npm run bench -- --only load`", "");
  }
  if (results.warm) {
    out.push("## Second (warm) load in the probe worker vs the first", "",
      "Both loads run in the same worker, after its one Keras import; timed in Node around `session.load(path)`. The",
      "last column compares the warm retry with what it would cost in a fresh worker (start + Keras import + load).", "",
      "| model | worker start + import | first load | second load | second / first | second / fresh worker |", "|---|---|---|---|---|---|");
    for (const r of results.warm) {
      out.push(`| ${rel(root, r.model)} (${r.loads ? "loads" : "fails"}) | ${formatSummary(r.start)} | ${formatSummary(r.first)} | ${formatSummary(r.second)} | ×${r.ratio.toFixed(2)} | ×${r.ratioToFresh.toFixed(3)} |`);
    }
    out.push("", "Command: `npm run bench -- --only warm`", "");
  }
  if (results.screen) {
    const s = results.screen;
    out.push("## Time to the wizard's first screen", "",
      "Spawned in a real pseudo-terminal (120×40, Python's pty module: scripts/bench/pty-first-output.py), timed from",
      "spawn to the first byte of the header line; the reference is `node -e` printing one word into the same kind of pty.", "",
      "| subject | time | ratio |", "|---|---|---|",
      `| wizard, header's first byte | ${formatSummary(s.wizard)} | ×${s.ratioToNode.toFixed(2)} (goal ≤ ×4) |`,
      `| \`node -e\` printing a word | ${formatSummary(s.nodeStart)} | |`,
      "", "Command: `npm run bench -- --only screen`", "");
  }
  if (results.fuzz?.summary) {
    const f = results.fuzz.summary;
    out.push("## Long fuzz", "", `${f.inputs} hostile inputs (seed ${f.seed}) in ${results.fuzz.seconds.toFixed(0)} s: ${f.failures.length} failures, ` +
      `peak RSS of the inspect worker ${(f.peakKb / 1024).toFixed(0)} MB.`, "",
      "Command: `npm run bench -- --fuzz-long --seed <n>`", "");
  }
  return `${out.join("\n")}\n`;
}

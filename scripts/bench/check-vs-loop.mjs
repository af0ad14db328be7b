// `keras-fix check` over a folder of models against what a CI job would do without it: a shell loop that runs
// `python -c "import keras; keras.models.load_model(f)"` once per file (one Keras import per model). Both get the
// same files, one after the other in each round; the ratio is the loop's median over check's.
import { formatSummary, ratio, summarize } from "./stats.mjs";
import { repeat, runTimed } from "./run-timed.mjs";

const LOOP = `for f in "$@"; do "$PY" -c 'import sys, keras; keras.models.load_model(sys.argv[1])' "$f" >/dev/null 2>&1 || failed=$((failed+1)); done; echo "failed=\${failed:-0}"`;

export async function benchCheckVsLoop({ cli, python, files, runs, env = {} }) {
  const check = [];
  const loop = [];
  await repeat(runs, async () => {
    check.push(await runTimed([process.execPath, cli, "check", ...files, "--python", python, "--format", "json"], { env }));
    loop.push(await runTimed(["bash", "-c", LOOP, "loop", ...files], { env: { ...env, PY: python } }));
  });
  const doc = JSON.parse(check[check.length - 1].stdout);
  const checkTime = summarize(check.map((r) => r.ms));
  const loopTime = summarize(loop.map((r) => r.ms));
  return {
    files: files.length,
    check: { time: checkTime, exitCodes: [...new Set(check.map((r) => r.code))], summary: doc.summary, kerasImports: doc.run.kerasImports },
    loop: { time: loopTime, failed: Number(/failed=(\d+)/.exec(loop[loop.length - 1].stdout)?.[1] ?? NaN) },
    ratio: ratio(loopTime, checkTime),
  };
}

export function describeCheckVsLoop(r) {
  return [
    `${r.files} models: keras-fix check ${formatSummary(r.check.time)} (${r.check.kerasImports} Keras import, ${r.check.summary.loads} load, ` +
      `${r.check.summary.total - r.check.summary.loads} do not, each with its cause) vs a python -c loop ${formatSummary(r.loop.time)} ` +
      `(${r.files} Keras imports, ${r.loop.failed} fail with a traceback) → the loop takes ×${r.ratio.toFixed(2)} as long`,
  ].join("\n");
}

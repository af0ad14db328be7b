// The cost of one model through `keras-fix check` against the user's own load in the same environment:
// `python -c "import keras; keras.models.load_model(p)"`. The two run in turns (check, bare, check, bare...), so a
// change in the machine's load hits both; the figure is the ratio of the medians, and of each turn's pair.
import { formatSummary, median, ratio, summarize } from "./stats.mjs";
import { repeat, runTimed } from "./run-timed.mjs";

// The user's load, plus one line at exit (the first atexit handler to run, since it is registered last) giving the
// moment the load was done: TensorFlow's own teardown after it takes seconds on a loaded machine, and keras-fix
// stops its worker instead, so the bench also compares against the bare load without that teardown.
const BARE = "import sys, time, atexit, keras; atexit.register(lambda: sys.stderr.write('bench-loaded-at %f\\n' % time.time())); keras.models.load_model(sys.argv[1])";

export async function benchCheckOneVsLoad({ cli, python, model, runs, env = {} }) {
  const check = [];
  const bare = [];
  await repeat(runs, async () => {
    check.push(await runTimed([process.execPath, cli, "check", model, "--python", python, "--format", "json"], { env }));
    const spawnedAt = Date.now();
    const run = await runTimed([python, "-c", BARE, model], { env });
    const loadedAt = Number(/bench-loaded-at ([\d.]+)/.exec(run.stderr)?.[1]) * 1000;
    bare.push({ ...run, loadedMs: loadedAt - spawnedAt });
  });
  const doc = JSON.parse(check[check.length - 1].stdout);
  const checkTime = summarize(check.map((r) => r.ms));
  const bareTime = summarize(bare.map((r) => r.ms));
  const bareLoadedTime = summarize(bare.map((r) => r.loadedMs));
  return {
    model,
    check: { time: checkTime, exitCodes: [...new Set(check.map((r) => r.code))], status: doc.results[0]?.status ?? null },
    bare: { time: bareTime, loaded: bareLoadedTime, exitCodes: [...new Set(bare.map((r) => r.code))] },
    ratio: ratio(checkTime, bareTime),
    ratioToLoaded: ratio(checkTime, bareLoadedTime),
    pairedRatio: median(check.map((r, i) => r.ms / bare[i].ms)),
  };
}

export function describeCheckOneVsLoad(r) {
  return (
    `${r.model}: keras-fix check ${formatSummary(r.check.time)} (${r.check.status}) vs python -c load_model ${formatSummary(r.bare.time)} ` +
    `→ ×${r.ratio.toFixed(3)} (median of the turns' ratios ×${r.pairedRatio.toFixed(3)}); against the bare load up to its end, without ` +
    `TensorFlow's exit (${formatSummary(r.bare.loaded)}) ×${r.ratioToLoaded.toFixed(3)}; exit codes check ${r.check.exitCodes.join("/")}, python ${r.bare.exitCodes.join("/")}`
  );
}

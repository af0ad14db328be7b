#!/usr/bin/env node
// `npm run bench`: how fast keras-fix is, each figure a ratio against a reference measured in the same run
// (median and spread of several runs), with the machine it ran on. Options: --runs N (default 5),
// --only inspect,trial,load,warm,screen,check,check-one,shards (shards: --models N, default 1000), --markdown <file> (also write the figures as markdown), --fuzz-long.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchFirstScreen, describeFirstScreen } from "./bench/first-screen.mjs";
import { describeLongFuzz, runLongFuzz } from "./bench/fuzz-long.mjs";
import { benchCheckVsLoop, describeCheckVsLoop } from "./bench/check-vs-loop.mjs";
import { benchCheckOneVsLoad, describeCheckOneVsLoad } from "./bench/check-one-vs-load.mjs";
import { benchShards, describeShards } from "./bench/shards.mjs";
import { benchLoadVsFloor, describeLoadVsFloor } from "./bench/load-vs-floor.mjs";
import { describeMachine } from "./bench/machine.mjs";
import { toMarkdown } from "./bench/markdown.mjs";
import { benchWarmLoad, describeWarmLoad } from "./bench/warm-load.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    markdown: { type: "string" },
    "fuzz-long": { type: "boolean", default: false },
    seed: { type: "string", default: "1" },
    // Another build of the CLI to measure (e.g. a copy of an older dist/), for before/after figures.
    cli: { type: "string" },
    models: { type: "string", default: "1000" },
  },
});

// The published bin (package.json "bin"): the bundle users run.
const cli = values.cli ?? join(root, "dist", "bin", "keras-fix.js");
const envCache = process.env.KERAS_FIX_ENV_CACHE ?? join(homedir(), ".cache", "keras-fix", "envs");
const python = process.env.KERAS_FIX_BENCH_PYTHON ?? join(homedir(), ".cache", "keras-fix", "envs", "keras3", "bin", "python");
const runs = Number(values.runs);
const only = values.only ? new Set(values.only.split(",")) : null;
const wanted = (name) => !values["fuzz-long"] && (!only || only.has(name));
const models = {
  loads: join(root, "fixtures", "models", "keras3", "sequential.keras"),
  fails: join(root, "fixtures", "models", "keras3", "custom_layer_unregistered.keras"),
};

function needFile(path, what) {
  if (!existsSync(path)) {
    console.error(`bench: ${what} is missing at ${path}`);
    process.exit(2);
  }
}

const results = { machine: describeMachine(python), runs, command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim() };
console.log(`machine: ${results.machine.nproc} cores, ${results.machine.cpu}, ${results.machine.memoryGiB} GiB, node ${results.machine.node}, python ${results.machine.python}`);

if (values["fuzz-long"]) {
  results.fuzz = runLongFuzz({ root, seed: Number(values.seed) });
  console.log(describeLongFuzz(results.fuzz));
}

if (wanted("inspect")) {
  // The whole `inspect` process on a >= 1 GB HDF5 model vs python + h5py reading the same, with peak memory of both.
  console.log("\n## inspect of a >= 1 GB HDF5 model vs h5py (scripts/bench-inspect.mjs)");
  results.inspect = runSubBench("bench-inspect.mjs", runs);
}

if (wanted("trial")) {
  // Time to a proven version plan in a trial environment (cold venv, warm wheels) vs venv + pip + load by hand.
  console.log("\n## time to a proven plan with --try-versions (scripts/bench-trial.mjs)");
  results.trial = runSubBench("bench-trial.mjs", Math.min(runs, 3));
}

if (["load", "warm", "screen", "check", "check-one", "shards"].some(wanted)) {
  needFile(cli, "the built CLI (npm run build)");
  needFile(python, "the keras3 env's Python (node scripts/setup-python-envs.mjs keras3), or set KERAS_FIX_BENCH_PYTHON");
}

if (wanted("load")) {
  console.log("\n## keras-fix --auto --json vs a bare load_model (the floor), per environment");
  results.load = [];
  // A TF env (Keras 3), a JAX env (Keras 3.5, no TF) and a Keras 2 env: a model that loads and one that fails.
  const loadEnvs = [
    { name: "keras3 (TF 2.21, Keras 3.15)", env: "keras3", vars: {}, models: [models.loads, models.fails] },
    { name: "keras35-py312 (JAX, Keras 3.5)", env: "keras35-py312", vars: { KERAS_BACKEND: "jax" }, models: [models.loads, models.fails] },
    {
      name: "keras2 (TF 2.15, tf.keras 2.15)",
      env: "keras2",
      vars: {},
      models: [join(root, "fixtures", "models", "keras2", "sequential.h5"), join(root, "fixtures", "models", "keras2", "custom_layer_unregistered.h5")],
    },
  ];
  for (const spec of loadEnvs) {
    const envPython = spec.env === "keras3" ? python : join(envCache, spec.env, "bin", "python");
    if (!existsSync(envPython)) {
      console.log(`${spec.name}: no env at ${envPython} (node scripts/setup-python-envs.mjs ${spec.env}); skipped`);
      continue;
    }
    for (const model of spec.models) {
      const r = await benchLoadVsFloor({ cli, python: envPython, model, runs, env: { TF_CPP_MIN_LOG_LEVEL: "3", ...spec.vars } });
      r.envName = spec.name;
      results.load.push(r);
      console.log(`[${spec.name}] ${describeLoadVsFloor({ ...r, model: r.model.slice(root.length + 1) })}`);
    }
  }
}

if (wanted("warm")) {
  console.log("\n## second (warm) load in the probe worker vs the first");
  results.warm = [];
  for (const model of [models.loads, models.fails]) {
    const r = await benchWarmLoad({ distProbe: join(root, "dist", "src", "core", "probe", "probe.js"), python, model, runs });
    results.warm.push(r);
    console.log(describeWarmLoad({ ...r, model: r.model.slice(root.length + 1) }));
  }
}

if (wanted("screen")) {
  console.log("\n## time to the wizard's first screen (pty, spawn to the header's first byte)");
  results.screen = await benchFirstScreen({ cli, model: models.fails, python, runs });
  console.log(describeFirstScreen(results.screen));
}

if (wanted("check")) {
  // The shipped keras3 fixtures (every .h5/.keras: most fail, for the reasons the matrix names), at most 3 rounds.
  console.log("\n## keras-fix check over a folder vs a shell loop of python -c load_model per file (scripts/bench/check-vs-loop.mjs)");
  const folder = join(root, "fixtures", "models", "keras3");
  const files = readdirSync(folder).filter((name) => /\.(h5|keras)$/.test(name)).sort().map((name) => join(folder, name));
  results.check = await benchCheckVsLoop({ cli, python, files, runs: Math.min(runs, 3), env: { TF_CPP_MIN_LOG_LEVEL: "3" } });
  console.log(describeCheckVsLoop(results.check));
}

if (wanted("check-one")) {
  // One model through `keras-fix check` vs the user's own python -c load_model, in turns; the goal is ×1.05 at most.
  console.log("\n## keras-fix check on one model vs python -c load_model, in turns (scripts/bench/check-one-vs-load.mjs)");
  results.checkOne = [];
  for (const model of [models.loads, models.fails]) {
    const r = await benchCheckOneVsLoad({ cli, python, model, runs, env: { TF_CPP_MIN_LOG_LEVEL: "3" } });
    results.checkOne.push(r);
    console.log(describeCheckOneVsLoad({ ...r, model: r.model.slice(root.length + 1) }));
  }
}

if (wanted("shards")) {
  console.log(`\n## keras-fix check --shard over ${values.models} models vs one run (scripts/bench/shards.mjs)`);
  results.shards = await benchShards({
    cli,
    python,
    matrix: join(root, "fixtures", "models", "matrix"),
    count: Number(values.models),
    shards: 4,
    timeout: 60,
    env: { TF_CPP_MIN_LOG_LEVEL: "3" },
  });
  console.log(describeShards(results.shards));
}

if (values.markdown) {
  writeFileSync(values.markdown, toMarkdown(results, root));
  console.log(`\nwrote ${values.markdown}`);
}

/** Runs scripts/<script> with the run count, its report passed through; the figures stay in the results file too. */
function runSubBench(script, count) {
  const run = spawnSync(process.execPath, [join(root, "scripts", script), String(count)], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, KERAS_FIX_BENCH_CLI: cli },
  });
  process.stdout.write(run.stdout ?? "");
  return { exitCode: run.status, output: run.stdout ?? "" };
}

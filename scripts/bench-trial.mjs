#!/usr/bin/env node
// Time to a proven version plan: `keras-fix <model> --auto --json --try-versions` with a cold trial environment (a
// new venv each run) and warm wheels, against a reference measured in the same run: a bare `python -m venv` +
// `pip install` of the same pins + one `load_model` in it, from the same wheels. Prints the ratio (median of the
// runs, with the spread). "Warm" is a folder of the plan's wheels (`pip download`, once) that both sides install from
// with PIP_NO_INDEX + PIP_FIND_LINKS: pip's own HTTP cache stays empty when the index answers `no-store` (as here),
// and the figure should measure keras-fix, not the network. Case: a Keras 3.15.1 file in the keras35-py312 env (Keras 3.5 on JAX), proven with
// keras 3.15 + the user's jax/jaxlib on Python 3.12. Usage: node scripts/bench-trial.mjs [runs] (default 3).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Math.max(1, Number(process.argv[2] ?? 3));
const cli = process.env.KERAS_FIX_BENCH_CLI ?? join(root, "dist", "bin", "keras-fix.js");
const envCache = process.env.KERAS_FIX_ENV_CACHE ?? join(homedir(), ".cache", "keras-fix", "envs");
const userPython = join(envCache, "keras35-py312", "bin", "python");
const model = join(root, "fixtures", "models", "keras3", "sequential.keras");
// The plan's wheels, kept between runs of the bench (downloaded below when missing).
const wheels = join(homedir(), ".cache", "keras-fix", "bench", "trial-wheels");

for (const [path, what] of [[cli, "the built CLI (npm run build)"], [userPython, "the keras35-py312 env"]]) {
  if (!existsSync(path)) {
    console.error(`bench-trial: ${what} is missing at ${path}`);
    process.exit(2);
  }
}
mkdirSync(wheels, { recursive: true });
const onlineEnv = { ...process.env, KERAS_BACKEND: "jax", PIP_DISABLE_PIP_VERSION_CHECK: "1", TF_CPP_MIN_LOG_LEVEL: "3" };
const baseEnv = { ...onlineEnv, PIP_NO_INDEX: "1", PIP_FIND_LINKS: wheels };

function timed(argv, env, timeoutMs = 1_800_000) {
  const start = performance.now();
  const run = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", env, timeout: timeoutMs, cwd: tmpdir(), maxBuffer: 64 * 1024 * 1024 });
  return { seconds: (performance.now() - start) / 1000, run };
}

function keraFixOnce() {
  const trials = mkdtempSync(join(tmpdir(), "keras-fix-bench-trials-"));
  try {
    const { seconds, run } = timed([process.execPath, cli, model, "--auto", "--json", "--try-versions", "--python", userPython], { ...baseEnv, KERAS_FIX_TRIAL_CACHE: trials });
    const report = JSON.parse(run.stdout || "{}");
    const plan = report.walk?.plans?.find((p) => p.status === "proven");
    if (!plan) throw new Error(`keras-fix did not prove the plan:\n${run.stderr.slice(-2000)}`);
    return { seconds, pins: plan.proof.pins, python: plan.proof.python, creator: plan.proof.pythonSource };
  } finally {
    rmSync(trials, { recursive: true, force: true });
  }
}

function referenceOnce(pins, python) {
  const dir = mkdtempSync(join(tmpdir(), "keras-fix-bench-ref-"));
  try {
    const start = performance.now();
    const venv = timed([python, "-m", "venv", join(dir, "venv")], baseEnv);
    if (venv.run.status !== 0) throw new Error(venv.run.stderr);
    const pip = timed([join(dir, "venv", "bin", "python"), "-m", "pip", "install", "--quiet", ...pins], baseEnv);
    if (pip.run.status !== 0) throw new Error(pip.run.stderr);
    const load = timed([join(dir, "venv", "bin", "python"), "-c", `import keras; keras.models.load_model(${JSON.stringify(model)})`], baseEnv);
    if (load.run.status !== 0) throw new Error(load.run.stderr);
    return { seconds: (performance.now() - start) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => xs.map((x) => x.toFixed(1)).join(", ");

// Warm-up, not timed: the plan's wheels into the folder (pip skips what is there), then one proof from them.
const pins = ["keras>=3.15", ...["jax", "jaxlib"].map((name) => {
  const version = spawnSync(userPython, ["-c", `import importlib.metadata as m; print(m.version("${name}"))`], { encoding: "utf8" }).stdout.trim();
  return `${name}==${version}`;
})];
const download = timed([userPython, "-m", "pip", "download", "--quiet", "--dest", wheels, ...pins], onlineEnv);
if (download.run.status !== 0) {
  console.error(`bench-trial: pip download failed:\n${download.run.stderr.slice(-2000)}`);
  process.exit(1);
}
const first = keraFixOnce();
if (first.pins.join(" ") !== pins.join(" ")) console.error(`bench-trial: keras-fix proved ${first.pins.join(" ")}, the wheels are for ${pins.join(" ")}`);
const creatorPython = spawnSync(userPython, ["-c", "import sys; print(getattr(sys, '_base_executable', sys.executable))"], { encoding: "utf8" }).stdout.trim();
const ours = [];
const reference = [];
for (let i = 0; i < runs; i++) {
  // Interleaved, so a slow minute of the machine (or the index) hits both.
  reference.push(referenceOnce(first.pins, creatorPython).seconds);
  ours.push(keraFixOnce().seconds);
}
const ratio = median(ours) / median(reference);
console.log(
  `time to a proven plan (${first.pins.join(" ")} on Python ${first.python}, cold venv, warm wheels): keras-fix --try-versions ` +
    `median ${median(ours).toFixed(1)} s [${fmt(ours)}] vs venv + pip install + load_model median ${median(reference).toFixed(1)} s [${fmt(reference)}] ` +
    `→ ×${ratio.toFixed(2)} (${runs} runs each)`,
);

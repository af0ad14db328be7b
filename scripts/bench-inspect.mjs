#!/usr/bin/env node
// Times `inspectModel` on a >= 1 GB Keras HDF5 model beside a Python h5py read of the same attributes, and
// measures the peak RSS of a separate node process, to show that inspecting costs the headers, not the weights.
// Usage: npm run build && node scripts/bench-inspect.mjs [runs]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.argv[2] ?? 7);
const cacheDir = join(homedir(), ".cache", "keras-fix", "bench");
const modelPath = join(cacheDir, "dense-1gb.h5");
const envCache = process.env.KERAS_FIX_ENV_CACHE ?? join(homedir(), ".cache", "keras-fix", "envs");
const python = join(envCache, "keras3", "bin", "python");
const inspectModule = join(root, "dist", "src", "core", "inspect", "index.js");

// A real Keras 3 model: 5 Dense(8192) layers over 8192 inputs is 268M float32 weights (1.07 GB) in model_weights,
// with the model_config and training_config Keras writes. Made once and cached outside the repo.
const MAKE_MODEL = `
import os, sys
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras
layers = [keras.Input((8192,))] + [keras.layers.Dense(8192, name=f"dense_{i}") for i in range(4)] + [keras.layers.Dense(10)]
model = keras.Sequential(layers)
model.compile(optimizer="adam", loss="mse")
model.save(sys.argv[1])
`;

// The Python side does what inspect needs: open, read the root attributes, parse the two JSON configs.
const PY_READ = `
import sys, time, json, h5py
path, runs = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(runs):
    t = time.perf_counter()
    with h5py.File(path, "r") as f:
        attrs = {k: f.attrs[k] for k in ("keras_version", "backend", "model_config", "training_config")}
        config = json.loads(attrs["model_config"])
        training = json.loads(attrs["training_config"])
        names = list(f["model_weights"].keys())
    times.append(time.perf_counter() - t)
times.sort()
import resource
# ru_maxrss is in KB on Linux: the peak of this whole Python process (interpreter + h5py + the read).
print(json.dumps({"median": times[len(times) // 2], "layers": len(config["config"]["layers"]),
                  "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
`;

// One inspection in a fresh node process; it reports its own peak RSS (process.resourceUsage().maxRSS is in KB).
const NODE_ONE = `
const { inspectModel } = await import(process.argv[1]);
const start = performance.now();
const facts = await inspectModel(process.argv[2]);
const coldMs = performance.now() - start;
console.log(JSON.stringify({ format: facts.format, coldMs, maxRssKb: process.resourceUsage().maxRSS }));
`;
const smallModel = join(root, "fixtures", "models", "keras3", "sequential.h5");

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 24, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  return result.stdout;
}

if (!existsSync(inspectModule)) throw new Error("build first: npm run build");
if (!existsSync(modelPath)) {
  mkdirSync(cacheDir, { recursive: true });
  process.stderr.write(`making ${modelPath} (once) with the keras3 env ...\n`);
  run(python, ["-c", MAKE_MODEL, modelPath], { env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" }, stdio: ["ignore", "pipe", "pipe"] });
}
const size = statSync(modelPath).size;

const { inspectModel } = await import(inspectModule);
await inspectModel(modelPath); // warm: loads h5wasm once, as the CLI does once per run
const times = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  const facts = await inspectModel(modelPath);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (facts.format !== "h5-model") throw new Error(`unexpected format ${facts.format}`);
}
times.sort((a, b) => a - b);
const nodeMedian = times[Math.floor(times.length / 2)];

function freshProcess(path) {
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", NODE_ONE, inspectModule, path], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split("\n").pop());
}
const memory = freshProcess(modelPath);
const small = freshProcess(smallModel);
const emptyRss = JSON.parse(
  run(process.execPath, ["--input-type=module", "-e", "console.log(JSON.stringify({ kb: process.resourceUsage().maxRSS }))"]),
).kb;

const py = JSON.parse(run(python, ["-c", PY_READ, modelPath, String(runs)]).trim().split("\n").pop());
const pyMs = py.median * 1000;

// Whole fresh processes, as a user runs them: `keras-fix inspect` (node + the bundle + inspect) beside
// `python -c "import h5py; read the same attributes"` (interpreter + h5py import + the read), run in turns so that
// both see the same load on a shared machine; a bare `node -e 0` shows Node's own start, the floor of the first.
function wallMs(command, args) {
  const start = performance.now();
  run(command, args);
  return performance.now() - start;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const min = (values) => Math.min(...values);
// The published bin (the bundle), or another build given by npm run bench -- --cli.
const cliPath = process.env.KERAS_FIX_BENCH_CLI ?? join(root, "dist", "bin", "keras-fix.js");
const wall = { cli: [], python: [], node: [] };
for (let i = 0; i < runs; i++) {
  wall.cli.push(wallMs(process.execPath, [cliPath, "inspect", modelPath, "--json"]));
  wall.python.push(wallMs(python, ["-c", PY_READ, modelPath, "1"]));
  wall.node.push(wallMs(process.execPath, ["-e", "0"]));
}
const cliMs = median(wall.cli);
const pyProcessMs = median(wall.python);
// Whether inspect read the file without h5wasm (src/core/inspect/hdf5-plain.ts) or fell back to it.
const plainModule = join(root, "dist", "src", "core", "inspect", "hdf5-plain.js");
const plainPath = existsSync(plainModule) ? ((await import(plainModule)).readPlainHdf5(modelPath) ? "plain reader" : "h5wasm") : "h5wasm";

const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;
console.log(`model: ${modelPath} (${(size / 1024 ** 3).toFixed(2)} GB, ${py.layers} layers in model_config)`);
console.log(`inspectModel median of ${runs} (warm): ${nodeMedian.toFixed(1)} ms`);
console.log(`h5py open + same attributes median of ${runs}: ${pyMs.toFixed(1)} ms`);
console.log(`ratio inspectModel / h5py: ${(nodeMedian / pyMs).toFixed(2)}`);
console.log(`fresh process, first inspection (${plainPath}): ${memory.coldMs.toFixed(0)} ms`);
console.log(`peak RSS of a fresh node process inspecting it: ${mb(memory.maxRssKb)}`);
console.log(`  same for ${(statSync(smallModel).size / 1024).toFixed(0)} KB fixtures/models/keras3/sequential.h5: ${mb(small.maxRssKb)}; empty node process: ${mb(emptyRss)}`);
console.log(`peak RSS / file size: ${((memory.maxRssKb * 1024) / size).toFixed(3)}`);
console.log(`peak RSS of the Python h5py process reading it: ${mb(py.maxRssKb)}`);
console.log(`whole fresh process, in turns, median of ${runs}: keras-fix inspect --json ${cliMs.toFixed(0)} ms, python + h5py ${pyProcessMs.toFixed(0)} ms (ratio ${(cliMs / pyProcessMs).toFixed(2)}); bare node -e 0 ${median(wall.node).toFixed(0)} ms`);
console.log(`  fastest of each: keras-fix ${min(wall.cli).toFixed(0)} ms, python + h5py ${min(wall.python).toFixed(0)} ms (ratio ${(min(wall.cli) / min(wall.python)).toFixed(2)}), node -e 0 ${min(wall.node).toFixed(0)} ms`);

#!/usr/bin/env node
// Regenerates fixtures/models/<set>/ with real Keras: one Python maker per set, run by the interpreter of the env
// that writes that kind of file (`node scripts/make-fixtures.mjs [set...]`, all sets by default, in order).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const makersDir = join(root, "scripts", "fixtures");
const modelsDir = join(root, "fixtures", "models");
const spec = JSON.parse(readFileSync(join(root, "scripts", "python-envs.json"), "utf8"));
const cacheRoot = process.env.KERAS_FIX_ENV_CACHE ?? join(homedir(), ".cache", "keras-fix", "envs");

// Order matters: bad inputs are cut from the keras3 files.
const sets = {
  keras3: { maker: "make_keras3.py", env: "keras3" },
  "keras3-extra": { maker: "make_keras3_extra.py", env: "keras3" },
  keras2: { maker: "make_keras2.py", env: "keras2", overlay: "fixture-tfjs" },
  tf21: { maker: "make_tf21.py", env: "tf21-py37" },
  bad: { maker: "make_bad_inputs.py", env: "fixture-bad", fixtureEnv: true },
  // Checkpoints, old and incomplete SavedModels, one-layer save_weights: formats inspect reads from their layout.
  "formats-keras2": { maker: "make_formats.py", env: "keras2" },
  "formats-tf21": { maker: "make_formats.py", env: "tf21-py37" },
  // A real hub.KerasLayer model for tfhub-layer-missing (tensorflow_hub only in the generation overlay).
  tfhub: { maker: "make_tfhub.py", env: "keras2", overlay: "fixture-hub" },
  // The cross-version matrix (test/matrix/): the same model kinds saved by every test env that has Keras, one
  // folder per env, so a new env in python-envs.json adds its row here and its column in the test.
  matrix: { maker: "make_matrix.py", env: null, everyKerasEnv: true },
  // Lambda bytecode marshalled by the Pythons of Keras 1/2.0's era (issue 25), every writer into one folder: Keras
  // 2.0.8 and 1.2.2 on Python 2.7 (built by scripts/fixtures/make_py27_env.sh, not a venv setup-python-envs makes)
  // and TF 1.15's tf.keras on Python 3.6.
  "old-lambdas": { maker: "make_old_lambdas.py", env: "tf115-py36", oldWriters: true },
  // Models that load only in another Keras, to bring home (issue 23): raw TF ops from tf.keras 2.15, and the same
  // compiled Keras 3 models from Keras 3.15 and 3.5; one folder per env.
  "bring-home": { maker: "make_bring_home.py", env: null, envs: ["keras2", "keras3", "keras35-py312"] },
  // Files with two problems at once (issue 25): a custom layer and a custom loss, a Lambda and a custom loss, a custom
  // layer beside a raw TF op; saved by every env of the cross-version matrix, one folder per env.
  "matrix-two": { maker: "make_matrix_two.py", env: null, envs: ["keras2", "keras3", "keras35-py312", "tf21-py37", "tf115-py36"] },
  // Keras 3.15 models with the user's custom layer beside built-in ones: brought home with --custom-objects (issue 23).
  "bring-home-custom": { maker: "make_bring_home_custom.py", env: "keras3" },
};

/** The envs a set is made in: its one env, its list, or every env with Keras. */
const envsOf = (name) => (sets[name].everyKerasEnv ? kerasEnvs() : (sets[name].envs ?? [sets[name].env]));

/** The test envs whose packages include Keras or TensorFlow (the ones that can save a model). */
function kerasEnvs() {
  return Object.entries(spec.envs)
    .filter(([, env]) => env.packages.some((p) => /^(keras|tensorflow|tensorflow-cpu|tf_keras)==/.test(p)))
    .map(([name]) => name);
}

function fail(message) {
  process.stderr.write(`[make-fixtures] ${message}\n`);
  process.exit(1);
}

function ensureEnvs(chosen) {
  const testEnvs = [...new Set(chosen.filter((s) => !sets[s].fixtureEnv).flatMap(envsOf))];
  const fixtureEnvs = chosen.flatMap((s) => (sets[s].fixtureEnv ? [sets[s].env] : sets[s].overlay ? [sets[s].overlay] : []));
  const setup = join(root, "scripts", "setup-python-envs.mjs");
  for (const args of [testEnvs, fixtureEnvs.length > 0 ? ["--fixture-envs", ...fixtureEnvs] : []]) {
    if (args.length === 0) continue;
    const r = spawnSync(process.execPath, [setup, ...args], { stdio: "inherit" });
    if (r.status !== 0) fail(`could not prepare the Python envs ${args.join(" ")}`);
  }
}

function runMaker(name, env = sets[name].env, outDir = join(modelsDir, name)) {
  const { maker, overlay } = sets[name];
  const python = join(cacheRoot, env, "bin", "python");
  const environment = {
    ...process.env,
    // Reproducible runs; no __pycache__ left in fixtures/models/sources when the makers import the sources.
    PYTHONHASHSEED: "0",
    PYTHONDONTWRITEBYTECODE: "1",
    TF_CPP_MIN_LOG_LEVEL: "3",
    KERAS_BACKEND: spec.envs[env]?.backend ?? "tensorflow",
    ...(overlay ? { PYTHONPATH: join(cacheRoot, overlay, "site") } : {}),
  };
  const started = Date.now();
  const r = spawnSync(python, [join(makersDir, maker), outDir, env], {
    cwd: makersDir,
    env: environment,
    stdio: ["ignore", "inherit", "pipe"],
    encoding: "utf8",
  });
  if (r.status !== 0) {
    process.stderr.write(r.stderr ?? "");
    fail(`${maker} failed in env ${env} (exit ${r.status})`);
  }
  process.stderr.write(`[make-fixtures] ${name}${env !== sets[name].env ? `/${env}` : ""}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const fixtureEnvsRoot = process.env.KERAS_FIX_FIXTURE_ENVS ?? join(homedir(), ".cache", "keras-fix", "fixture-envs");

function runOldLambdaWriters() {
  const built = spawnSync("sh", [join(makersDir, "make_py27_env.sh")], { stdio: "inherit" });
  if (built.status !== 0) fail("could not build the Python 2.7 writers (scripts/fixtures/make_py27_env.sh)");
  const outDir = join(modelsDir, "old-lambdas");
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const python27 = join(fixtureEnvsRoot, "fixture-py27-keras20", "bin", "python");
  // Theano without a C++ compiler runs in Python; its cache goes to a temp folder.
  const theano = { KERAS_BACKEND: "theano", THEANO_FLAGS: `cxx=,base_compiledir=${join(tmpdir(), "kf-theano")}` };
  const writers = [
    { env: "fixture-py27-keras20", python: python27, extra: theano },
    { env: "fixture-py27-keras12", python: python27, extra: { ...theano, PYTHONPATH: join(fixtureEnvsRoot, "fixture-py27-keras12-site") } },
    { env: "tf115-py36", python: join(cacheRoot, "tf115-py36", "bin", "python"), extra: {} },
  ];
  for (const { env, python, extra } of writers) {
    // A relative script path: the lambdas' co_filename is then the same in every checkout, so are the files.
    const r = spawnSync(python, ["make_old_lambdas.py", outDir, env], {
      cwd: makersDir,
      env: { ...process.env, PYTHONHASHSEED: "0", PYTHONDONTWRITEBYTECODE: "1", TF_CPP_MIN_LOG_LEVEL: "3", ...extra },
      stdio: ["ignore", "inherit", "pipe"],
      encoding: "utf8",
    });
    if (r.status !== 0) {
      process.stderr.write(r.stderr ?? "");
      fail(`make_old_lambdas.py failed for ${env} (exit ${r.status})`);
    }
  }
}

const requested = process.argv.slice(2);
for (const name of requested) if (!sets[name]) fail(`unknown set ${name}; known: ${Object.keys(sets).join(", ")}`);
const chosen = Object.keys(sets).filter((name) => requested.length === 0 || requested.includes(name));
ensureEnvs(chosen);
for (const name of chosen) {
  if (sets[name].oldWriters) runOldLambdaWriters();
  else if (sets[name].everyKerasEnv || sets[name].envs) for (const env of envsOf(name)) runMaker(name, env, join(modelsDir, name, env));
  else runMaker(name);
}

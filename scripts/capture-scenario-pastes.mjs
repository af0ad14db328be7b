#!/usr/bin/env node
// The fourth paste set (issue 11): failures around the model rather than in it (no Keras, no backend, no file),
// produced for real in the test envs by the scenarios below. Each is run as `python -c <code>`; what Python prints on
// stderr (TensorFlow's log lines included) is written to fixtures/tracebacks/_scenarios/ with the cause the scenario
// sets up by construction. The paste eval classifies the text alone, as `explain` gets it.
//
//   node scripts/capture-scenario-pastes.mjs    (needs the test envs: npm test makes them)
import { execa } from "execa";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const envCache = process.env.KERAS_FIX_ENV_CACHE ?? join(homedir(), ".cache", "keras-fix", "envs");
const outDir = join(root, "fixtures", "tracebacks", "_scenarios");

const LOAD_H5 = "import keras; keras.models.load_model('model.h5')";
const TF_LOAD = "import tensorflow as tf; tf.keras.models.load_model('model.h5')";
/** [env, code, cause, culprit, extra environment] */
const SCENARIOS = [
  // Keras, TensorFlow or tf_keras not installed where the user's code imports it.
  ["bare", "from keras.models import load_model", "keras-not-installed", "keras"],
  ["bare", "from tensorflow.keras.models import load_model", "keras-not-installed", "tensorflow"],
  ["bare", "from tensorflow import keras", "keras-not-installed", "tensorflow"],
  ["bare", "import tf_keras; tf_keras.models.load_model('model.h5')", "keras-not-installed", "tf_keras"],
  ["keras35-py312", TF_LOAD, "keras-not-installed", "tensorflow", { KERAS_BACKEND: "jax" }],
  ["keras35-py312", "from tensorflow.keras.models import load_model", "keras-not-installed", "tensorflow", { KERAS_BACKEND: "jax" }],
  ["tf115-py36", LOAD_H5, "keras-not-installed", "keras"],
  ["tf115-py36", "import tf_keras", "keras-not-installed", "tf_keras"],
  ["keras2", "import tf_keras as keras; keras.models.load_model('model.h5')", "keras-not-installed", "tf_keras"],
  ["tf21-py37", "import tf_keras", "keras-not-installed", "tf_keras"],
  // A Keras 3 backend that is not installed (or does not exist).
  ["keras3", LOAD_H5, "keras-backend-unavailable", "jax", { KERAS_BACKEND: "jax" }],
  ["keras3", LOAD_H5, "keras-backend-unavailable", "torch", { KERAS_BACKEND: "torch" }],
  ["keras3", LOAD_H5, "keras-backend-unavailable", "bogus", { KERAS_BACKEND: "bogus" }],
  ["keras35-py312", LOAD_H5, "keras-backend-unavailable", "torch", { KERAS_BACKEND: "torch" }],
  ["keras35-py312", LOAD_H5, "keras-backend-unavailable", "tensorflow", { KERAS_BACKEND: "tensorflow" }],
  ["keras35-py312", LOAD_H5, "keras-backend-unavailable", "cntk", { KERAS_BACKEND: "cntk" }],
  ["keras3", "import keras", "keras-backend-unavailable", "jax", { KERAS_HOME_BACKEND: "jax" }],
  // A path with nothing at it, in every line's loader.
  ["keras3", "import keras; keras.models.load_model('models/best_model.h5')", "file-not-found", "models/best_model.h5"],
  ["keras3", "import keras; keras.models.load_model('checkpoints/final.keras')", "file-not-found", "checkpoints/final.keras"],
  ["keras3", "import keras; keras.layers.TFSMLayer('exported_model', call_endpoint='serving_default')", "file-not-found", "exported_model"],
  ["keras2", "import tensorflow as tf; tf.keras.models.load_model('models/best_model.keras')", "file-not-found", "models/best_model.keras"],
  ["keras2", "import tensorflow as tf; tf.keras.models.load_model('saved_model_dir')", "file-not-found", "saved_model_dir"],
  ["keras35-py312", "import keras; keras.models.load_model('weights/model.h5')", "file-not-found", "weights/model.h5", { KERAS_BACKEND: "jax" }],
  ["tf21-py37", "import keras; keras.models.load_model('weights/model.h5')", "file-not-found", "weights/model.h5"],
  ["tf21-py37", "import tensorflow as tf; tf.keras.models.load_model('my_model')", "file-not-found", "my_model"],
  ["tf115-py36", "import tensorflow as tf; tf.keras.models.load_model('my_model.h5')", "file-not-found", "my_model.h5"],
  ["tf115-py36", "import tensorflow as tf; tf.keras.models.load_model('export/1')", "file-not-found", "export/1"],
];

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "keras-fix-scenarios-"));
let written = 0;
for (const [env, code, cause, culprit, extra = {}] of SCENARIOS) {
  const python = join(envCache, env, "bin", "python");
  if (!existsSync(python)) throw new Error(`test env ${env} is missing at ${python}: run 'node scripts/setup-python-envs.mjs ${env}'`);
  // A keras.json that names the backend, as `keras.config.set_backend` or a hand edit leaves it.
  const keraHome = mkdtempSync(join(work, "keras-home-"));
  const { KERAS_HOME_BACKEND, ...vars } = extra;
  if (KERAS_HOME_BACKEND) writeFileSync(join(keraHome, "keras.json"), JSON.stringify({ backend: KERAS_HOME_BACKEND, floatx: "float32", epsilon: 1e-7, image_data_format: "channels_last" }));
  const result = await execa(python, ["-c", code], {
    cwd: work, reject: false, stdin: "ignore", timeout: 180_000,
    env: { KERAS_HOME: keraHome, ...vars }, extendEnv: true,
  });
  const text = result.stderr.trim();
  if (result.exitCode === 0 || !/Error|Exception/.test(text)) throw new Error(`scenario did not fail as set up: ${env}: ${code}\n${text}`);
  const id = `${env}--${cause}--${String(++written).padStart(2, "0")}`;
  writeFileSync(join(outDir, `${id}.txt`), `${text}\n`);
  const settings = Object.entries(extra).map(([key, value]) => (key === "KERAS_HOME_BACKEND" ? `keras.json backend "${value}"` : `${key}=${value}`));
  writeFileSync(join(outDir, `${id}.expect.json`), `${JSON.stringify({ source: `captured: ${env}${settings.length ? ` with ${settings.join(", ")}` : ""} python -c "${code}"`, cause, culprit }, null, 2)}\n`);
}
rmSync(work, { recursive: true, force: true });
process.stderr.write(`[scenarios] wrote ${written} failures to ${outDir}\n`);

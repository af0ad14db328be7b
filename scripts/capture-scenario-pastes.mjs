#!/usr/bin/env node
// The fourth paste set (issue 11): failures produced for real in the test envs by the scenarios below, each set up
// so that its cause is known by construction: no Keras, no backend, no file; a custom function's code missing (the
// models saved by scripts/fixtures/save_custom_functions.py in the same env, loaded by a Python that does not define
// them); a TF 2.15 training config that Keras 3 no longer reads (scripts/fixtures/save_training_configs.py). Each
// load is run as `python -c <code>`; what Python prints on stderr (TensorFlow's log lines included) is written to
// fixtures/tracebacks/_scenarios/ with that cause. The paste eval classifies the text alone, as `explain` gets it.
//
//   node scripts/capture-scenario-pastes.mjs    (needs the test envs: npm test makes them)
import { execa } from "execa";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { testEnvPython, testEnvVars } from "./test-envs.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "fixtures", "tracebacks", "_scenarios");

const LOAD_H5 = "import keras; keras.models.load_model('model.h5')";
const load = (file) => `import keras; keras.models.load_model('${file}')`;
const TF_KERAS_LOAD = (file) => `from tensorflow import keras; keras.models.load_model('${file}')`;
const FUNCTIONS = "save_custom_functions.py";
const TRAINING = "save_training_configs.py";
const TF_LOAD = "import tensorflow as tf; tf.keras.models.load_model('model.h5')";
/** [env, code, cause, culprit, extra environment, [env that saves the models first, its script]] */
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
  // A custom initializer, regularizer, constraint or activation whose code the loading Python does not have.
  ...["init", "reg", "con", "act"].flatMap((kind) => [
    ["keras3", load(`fn_${kind}.keras`), "custom-function-missing", `fn_${kind}`, {}, ["keras3", FUNCTIONS]],
    ["keras3", load(`fn_${kind}.h5`), "custom-function-missing", `fn_${kind}`, {}, ["keras3", FUNCTIONS]],
    ["keras2", load(`fn_${kind}.h5`), "custom-function-missing", `fn_${kind}`, {}, ["keras2", FUNCTIONS]],
    ["tf115-py36", TF_KERAS_LOAD(`fn_${kind}.h5`), "custom-function-missing", `fn_${kind}`, {}, ["tf115-py36", FUNCTIONS]],
  ]),
  ...["init", "con", "act"].map((kind) => ["keras2", load(`fn_${kind}.keras`), "custom-function-missing", `fn_${kind}`, {}, ["keras2", FUNCTIONS]]),
  ...["init", "act"].flatMap((kind) => [
    ["keras35-py312", load(`fn_${kind}.keras`), "custom-function-missing", `fn_${kind}`, { KERAS_BACKEND: "jax" }, ["keras35-py312", FUNCTIONS]],
    ["keras35-py312", load(`fn_${kind}.h5`), "custom-function-missing", `fn_${kind}`, { KERAS_BACKEND: "jax" }, ["keras35-py312", FUNCTIONS]],
  ]),
  // TF 2.15 training configs that Keras 3 cannot rebuild (compile=False loads them), and TF 2.15 `.keras` configs.
  ["keras3", load("cc_legacy_adam.h5"), "compile-config-incompatible", undefined, {}, ["keras2", TRAINING]],
  ["keras3", load("cc_loss_object.h5"), "compile-config-incompatible", undefined, {}, ["keras2", TRAINING]],
  ["keras3", load("cc_metric_objects.keras"), "keras2-file-in-keras3", "batch_input_shape", {}, ["keras2", TRAINING]],
  ["keras35-py312", load("cc_legacy_adam.h5"), "compile-config-incompatible", undefined, { KERAS_BACKEND: "jax" }, ["keras2", TRAINING]],
  ["keras35-py312", load("cc_loss_object.h5"), "compile-config-incompatible", undefined, { KERAS_BACKEND: "jax" }, ["keras2", TRAINING]],
];

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "keras-fix-scenarios-"));
let written = 0;
// Models saved once per (env, script), in a folder of their own that the loads then run in.
const savedIn = new Map();
async function savedFolder([env, script]) {
  const key = `${env}:${script}`;
  if (!savedIn.has(key)) {
    const folder = mkdtempSync(join(work, "saved-"));
    await execa(testEnvPython(env), [join(root, "scripts", "fixtures", script)], {
      cwd: folder, stdin: "ignore", timeout: 300_000, env: testEnvVars(env),
    });
    savedIn.set(key, folder);
  }
  return savedIn.get(key);
}
for (const [env, code, cause, culprit, extra = {}, saveFirst] of SCENARIOS) {
  const python = testEnvPython(env);
  const cwd = saveFirst ? await savedFolder(saveFirst) : work;
  // A keras.json that names the backend, as `keras.config.set_backend` or a hand edit leaves it.
  const kerasHome = mkdtempSync(join(work, "keras-home-"));
  const { KERAS_HOME_BACKEND, ...vars } = extra;
  if (KERAS_HOME_BACKEND) writeFileSync(join(kerasHome, "keras.json"), JSON.stringify({ backend: KERAS_HOME_BACKEND, floatx: "float32", epsilon: 1e-7, image_data_format: "channels_last" }));
  const result = await execa(python, ["-c", code], {
    cwd, reject: false, stdin: "ignore", timeout: 180_000,
    env: { KERAS_HOME: kerasHome, ...vars }, extendEnv: true,
  });
  const text = result.stderr.trim();
  if (result.exitCode === 0 || !/Error|Exception/.test(text)) throw new Error(`scenario did not fail as set up: ${env}: ${code}\n${text}`);
  const id = `${env}--${cause}--${String(++written).padStart(2, "0")}`;
  writeFileSync(join(outDir, `${id}.txt`), `${text}\n`);
  const settings = Object.entries(extra).map(([key, value]) => (key === "KERAS_HOME_BACKEND" ? `keras.json backend "${value}"` : `${key}=${value}`));
  writeFileSync(join(outDir, `${id}.expect.json`), `${JSON.stringify({ source: `captured: ${env}${settings.length ? ` with ${settings.join(", ")}` : ""} python -c "${code}"${saveFirst ? ` (saved by ${saveFirst[1]} in ${saveFirst[0]})` : ""}`, cause, ...(culprit ? { culprit } : {}) }, null, 2)}\n`);
}
rmSync(work, { recursive: true, force: true });
process.stderr.write(`[scenarios] wrote ${written} failures to ${outDir}\n`);

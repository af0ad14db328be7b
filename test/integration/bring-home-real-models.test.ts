// Issue 23, "Bring real models home", with real Keras on both sides: the export runs in the env that loads the file
// (src/python/bring_home.py export), the import in another env's Python (bring_home.import_model, as the user's warm
// worker runs it), driven by bringHome() itself. Each copy is then loaded by a separate plain
// `keras.models.load_model` in the target env and its outputs compared with the original's in its own env.
// Fixtures: fixtures/models/bring-home/ (scripts/fixtures/make_bring_home.py): tf.keras 2.15 graphs with raw TF ops,
// and the same compiled Keras 3 models saved by Keras 3.15 and by Keras 3.5.
import { spawnSync } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { autoBringHome, LOAD_WITH_SEEDED_INPUTS } from "./bring-home-helpers.js";
import { bringHome, type BringHomeResult, type CustomObjectsFix } from "../../src/core/bring-home/bring-home.js";
import { envVarsFor, modelsDir, pythonFor, repoRoot, scratchDir, type EnvName } from "../helpers/envs.js";

const fixtures = join(modelsDir, "bring-home");
const quiet = { TF_CPP_MIN_LOG_LEVEL: "3", PYTHONDONTWRITEBYTECODE: "1" };

function python(env: EnvName, script: string, args: string[]): string {
  const run = spawnSync(pythonFor(env), ["-c", script, ...args], { encoding: "utf8", env: { ...process.env, ...quiet, ...envVarsFor(env) }, timeout: 600_000 });
  expect(run.status, run.stderr.slice(-3000)).toBe(0);
  const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  expect(line, run.stderr.slice(-3000)).toBeDefined();
  return line!.slice("RESULT ".length);
}

/** The import step in `env`'s Python, as keras_probe's bring-home-import op runs it. */
function importIn(env: EnvName, tamper?: (exported: { config: unknown }) => void) {
  return async (folder: string, source: string, out: string, fix: CustomObjectsFix): Promise<Record<string, unknown>> => {
    if (tamper) {
      const file = join(folder, "export.json");
      const exported = JSON.parse(readFileSync(file, "utf8"));
      tamper(exported);
      writeFileSync(file, JSON.stringify(exported));
    }
    const script = [
      "import json, sys",
      `sys.path.insert(0, ${JSON.stringify(join(repoRoot, "src", "python"))})`,
      "import bring_home",
      "probe = bring_home.probe",
      "state = probe.WorkerState(probe.initial_env())",
      "probe.start_keras(state)",
      "result = bring_home.import_model(state, json.loads(sys.argv[1]))",
      "print('RESULT ' + json.dumps(probe.json_safe(result)))",
    ].join("\n");
    return JSON.parse(python(env, script, [JSON.stringify({ folder, source, out, fix })]));
  };
}

async function bring(from: EnvName, to: EnvName, file: string, tamper?: (exported: { config: unknown }) => void, fix?: CustomObjectsFix): Promise<{ home: BringHomeResult; dir: string; model: string }> {
  const dir = scratchDir();
  const model = join(dir, file.split("/").at(-1)!);
  copyFileSync(join(file.startsWith("/") ? "" : fixtures, file), model);
  const home = await bringHome({ modelPath: model, trialPython: pythonFor(from), trialEnv: envVarsFor(from), importHere: importIn(to, tamper), timeoutSeconds: 600, fix });
  return { home, dir, model };
}

// Plain loads: the original in its own env, the copy in the target env, on the same seeded inputs.
const ORIGINAL = `${LOAD_WITH_SEEDED_INPUTS}outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
np.savez(sys.argv[2] + "/inputs.npz", *inputs)
np.savez(sys.argv[2] + "/outputs.npz", *(outputs if isinstance(outputs, list) else [outputs]))
print("RESULT " + json.dumps(len(inputs)))
`;
const COPY = `
import json, sys, zipfile, numpy as np, keras
model = keras.models.load_model(sys.argv[1])
with np.load(sys.argv[2] + "/inputs.npz") as saved: inputs = [saved["arr_%d" % i] for i in range(len(saved.files))]
with np.load(sys.argv[2] + "/outputs.npz") as saved: expected = [saved["arr_%d" % i] for i in range(len(saved.files))]
got = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
got = got if isinstance(got, list) else [got]
config = json.loads(zipfile.ZipFile(sys.argv[1]).read("config.json"))
classes = sorted(set(layer["class_name"] for layer in config["config"]["layers"]))
print("RESULT " + json.dumps({"diff": max(float(np.max(np.abs(a.astype("float64") - b))) for a, b in zip(expected, got)),
                               "scale": max(float(np.max(np.abs(a))) for a in expected), "classes": classes,
                               "compiled": getattr(model, "optimizer", None) is not None and bool(config.get("compile_config")),
                               "keras": keras.__version__}))
`;

function plainLoadsMatch(from: EnvName, original: string, to: EnvName, copy: string) {
  const work = scratchDir();
  python(from, ORIGINAL, [original, work]);
  return JSON.parse(python(to, COPY, [copy, work])) as { diff: number; scale: number; classes: string[]; compiled: boolean; keras: string };
}

describe("bringing real models home (issue 23)", () => {
  it("tf.keras 2.15 graphs with raw TF ops (TFOpLambda, SlicingOpLambda) become plain Keras 3.15 files of keras.ops operations, with the outputs Keras 2 gives", async () => {
    const seen = new Set<string>();
    for (const file of ["keras2/tf_ops_dense.h5", "keras2/tf_ops_image.h5", "keras2/tf_ops_nested.h5"]) {
      const { home, dir, model } = await bring("keras2", "keras3", file);
      expect(home, home.why).toMatchObject({ proven: true, route: "rebuild", stage: null, innerError: null });
      expect(home.maxAbsDiff!).toBeLessThanOrEqual(home.tolerance!);
      for (const op of home.tfOps) seen.add(op);
      // A separate plain load in Keras 3.15: no Lambda, no TFOpLambda, only layers and keras.ops operations.
      const loaded = plainLoadsMatch("keras2", model, "keras3", home.path!);
      expect(loaded.keras).toMatch(/^3\.15\./);
      expect(loaded.diff).toBeLessThanOrEqual(1e-4 * Math.max(1, loaded.scale));
      expect(loaded.classes.filter((c) => /Lambda/.test(c))).toEqual([]);
      expect(loaded.classes).toEqual(expect.arrayContaining(["Dense", "InputLayer"]));
      expect(readdirSync(dir).sort()).toEqual([file.split("/")[1], home.path!.split("/").at(-1)].sort());
      expect(home.notCompiledBecause).toMatch(/Keras 2's training settings/);
    }
    expect(seen.size).toBeGreaterThanOrEqual(15);
    expect([...seen]).toEqual(
      expect.arrayContaining([
        "tf.__operators__.add", "tf.math.subtract", "tf.math.multiply", "tf.math.truediv", "tf.math.reduce_mean", "tf.math.reduce_max",
        "tf.concat", "tf.stack", "tf.reshape", "tf.compat.v1.transpose", "tf.expand_dims", "tf.compat.v1.squeeze", "tf.nn.relu",
        "tf.nn.gelu", "tf.nn.softmax", "tf.nn.leaky_relu", "tf.image.resize", "tf.__operators__.getitem",
      ]),
    );
  }, 900_000);

  it("the same keras.ops rebuild works on another backend: tf_ops_image.h5 (image.resize, reductions over axis lists) into Keras 3.5 on JAX", async () => {
    const { home, model } = await bring("keras2", "keras35-py312", "keras2/tf_ops_image.h5");
    expect(home, home.why).toMatchObject({ proven: true, route: "rebuild" });
    expect(home.tfOps).toContain("tf.image.resize");
    const loaded = plainLoadsMatch("keras2", model, "keras35-py312", home.path!);
    expect(loaded.keras).toBe("3.5.0");
    expect(loaded.diff).toBeLessThanOrEqual(1e-4 * Math.max(1, loaded.scale));
  }, 600_000);

  it("a TF op keras.ops has no equivalent of (tf.math.cumulative_logsumexp) is named, and nothing is written", async () => {
    const { home, dir } = await bring("keras2", "keras3", "keras2/tf_op_unknown.h5");
    expect(home).toMatchObject({ proven: false, path: null, stage: "adapt" });
    expect(home.why).toMatch(/tf\.math\.cumulative_logsumexp .*has no keras\.ops equivalent/);
    expect(readdirSync(dir)).toEqual(["tf_op_unknown.h5"]);
  }, 600_000);

  it("Keras 3.15 .keras files down into Keras 3.5 (JAX) and Keras 3.5 files up into Keras 3.15: newer keys dropped at their defaults, operations' node names dropped, training settings carried", async () => {
    for (const [from, to] of [["keras3", "keras35-py312"], ["keras35-py312", "keras3"]] as [EnvName, EnvName][]) {
      for (const name of ["sequences.keras", "images.keras"]) {
        const { home, model } = await bring(from, to, `${from}/${name}`);
        expect(home, `${from} -> ${to} ${name}: ${home.why}`).toMatchObject({ proven: true, route: "rebuild", compiled: true, notCompiledBecause: null });
        expect(home.maxAbsDiff!).toBeLessThanOrEqual(home.tolerance!);
        if (from === "keras3") {
          // Keras 3.15's own keys at their defaults; keras.ops.mean's node name, which Keras 3.5's Mean refuses.
          expect(home.dropped).toEqual(expect.arrayContaining(name === "images.keras" ? ["Mean.name", "BatchNormalization.renorm", "Dense.quantization_config ×4"] : ["MultiHeadAttention.use_gate"]));
        } else {
          // Up: Keras 3.15 refuses RandomRotation's value_range, which Keras 3.5 saved at its default.
          expect(home.dropped).toEqual(name === "images.keras" ? ["RandomRotation.value_range"] : []);
        }
        const loaded = plainLoadsMatch(from, model, to, home.path!);
        expect(loaded.compiled).toBe(true);
        // images.keras has a float16 Dense: JAX and TensorFlow round float16 differently, a few of its epsilons.
        expect(loaded.diff).toBeLessThanOrEqual((name === "images.keras" ? 4 * 2 ** -10 : 1e-4) * Math.max(1, loaded.scale));
      }
    }
  }, 1_500_000);

  it("a rebuild Keras wraps in 'Functional could not be deserialized properly' reports the innermost error and its layer; nothing is written", async () => {
    // The export is real; the config is then given a Dense whose units no Keras accepts, as a refused value would be.
    const { home, dir } = await bring("keras3", "keras35-py312", "keras3/images.keras", (exported) => {
      const layers = (exported.config as { config: { layers: { name: string; config: Record<string, unknown> }[] } }).config.layers;
      layers.find((layer) => layer.name === "head")!.config.units = "two";
    });
    expect(home).toMatchObject({ proven: false, path: null, stage: "rebuild" });
    expect(home.innerError).toMatch(/^in layer 'head' \(Dense\): \w+Error: /);
    expect(home.innerError).not.toMatch(/could not be deserialized properly/);
    expect(home.why).toContain(home.innerError!);
    expect(readdirSync(dir)).toEqual(["images.keras"]);
  }, 600_000);

  it("a Keras 3.15 model with a custom layer goes down into Keras 3.5 through the user's own code (--custom-objects), and loads there with it", async () => {
    const fix = { customObjectsModule: join(modelsDir, "sources", "fixture_layers.py"), customObjects: { ScaledDense: "ScaledDense" } };
    const without = await bring("keras3", "keras35-py312", join(modelsDir, "keras3", "custom_layer_unregistered.keras"));
    expect(without.home).toMatchObject({ proven: false, stage: "export" });
    expect(without.home.why).toMatch(/ScaledDense/);
    const { home, dir } = await bring("keras3", "keras35-py312", join(modelsDir, "keras3", "custom_layer_unregistered.keras"), undefined, fix);
    expect(home, home.why).toMatchObject({ proven: true, route: "rebuild" });
    expect(home.maxAbsDiff!).toBeLessThanOrEqual(home.tolerance!);
    expect(home.why).toMatch(/Keras 3\.5\.0 loads the new file in safe mode/);
    expect(readdirSync(dir).sort()).toEqual(["custom_layer_unregistered.home.keras", "custom_layer_unregistered.keras"]);
  }, 600_000);

  it("a plain dtype policy object becomes its name only where the target Keras has no class for it (older Keras 3 wrote names), and the layer keeps its policy", () => {
    // Keras 3.5 has DTypePolicy, so nothing changes there; seen through a Keras whose namespaces lack the policy
    // classes (as Keras 3 before dtype_policies), the object becomes "float16", which Keras 3.5's Dense takes as is.
    const script = [
      "import json, sys, types",
      `sys.path.insert(0, ${JSON.stringify(join(repoRoot, "src", "python"))})`,
      "import bring_home, keras",
      "def dense(): return {'class_name': 'Dense', 'config': {'name': 'd', 'units': 2, 'dtype': {'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': 'float16'}, 'registered_name': None}}}",
      "here, older = dense(), dense()",
      "kept, converted = [], []",
      "bring_home.policies_as_names(keras, here, kept)",
      "bring_home.policies_as_names(types.SimpleNamespace(layers=keras.layers), older, converted)",
      "layer = keras.layers.Dense.from_config(older['config'])",
      "print('RESULT ' + json.dumps({'kept': kept, 'hereDtype': here['config']['dtype']['class_name'], 'converted': converted, 'dtype': older['config']['dtype'], 'policy': layer.dtype_policy.name}))",
    ].join("\n");
    const out = JSON.parse(python("keras35-py312", script, []));
    expect(out).toEqual({ kept: [], hereDtype: "DTypePolicy", converted: [{ className: "DTypePolicy", key: "dtype", value: "float16" }], dtype: "float16", policy: "float16" });
  }, 300_000);

  it("through the CLI: a tf.keras .h5 of raw TF ops, in a Keras 3 with tf_keras beside it, --auto --bring-home writes a Keras 3 copy of keras.ops operations (exit 0)", () => {
    const dir = scratchDir();
    const model = join(dir, "tf_ops_image.h5");
    copyFileSync(join(fixtures, "keras2", "tf_ops_image.h5"), model);
    const { run, report, home } = autoBringHome(model);
    expect(home, run.stderr.slice(-2000)).toMatchObject({ proven: true, route: "rebuild", path: join(dir, "tf_ops_image.home.keras") });
    expect(home.tfOps).toEqual(expect.arrayContaining(["tf.image.resize", "tf.nn.leaky_relu", "tf.concat"]));
    expect(run.status).toBe(0);
    const loaded = plainLoadsMatch("keras2", model, "keras3", home.path!);
    expect(loaded.diff).toBeLessThanOrEqual(1e-4 * Math.max(1, loaded.scale));
  }, 600_000);
});

// weights-only-file: the real inspector reads a save_weights file, the flow prints build-then-load_weights code
// naming the stored layers (checked against what real h5py reads from the file).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadWeightsCode, storedLayerNames } from "../../flows/weights-only-file/cause.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { autoWalk, baseFor, causeOf, plainWalk } from "../catalogue/walk.js";
import { facts, modelFacts } from "../catalogue/facts.js";

const cause = causeOf("weights-only-file");
const weightsFile = join(modelsDir, "keras2", "weights_only.h5");

describe("weights-only-file", () => {
  it("is diagnosed from the real file and walks to the load_weights route", async () => {
    const session = createDiagnoseSession({ modelPath: weightsFile, timeoutSeconds: 60 });
    const result = await session.diagnose(() => {});
    await session.close();
    expect(result.diagnosis).toMatchObject({ cause: "weights-only-file", culprit: weightsFile });
    const walk = await autoWalk(cause, { file: result.file, env: null, load: null, diagnosis: result.diagnosis!, modelPath: weightsFile });
    expect(walk.outcome).toBe("not-fixed");
    const text = plainWalk(walk);
    expect(text).toContain(`model.load_weights(${JSON.stringify(weightsFile)})`);
    for (const name of storedLayerNames(result.file)) expect(text).toContain(name);
  });

  it("names the layers that real h5py reads from the file in the printed code", () => {
    // The layer names the file stores are the ones the rebuilt model must have.
    const probe = spawnSync(
      pythonFor("keras2"),
      ["-c", `import h5py; f = h5py.File(${JSON.stringify(weightsFile)}, "r"); print(",".join(n if isinstance(n, str) else n.decode() for n in f.attrs["layer_names"]))`],
      { encoding: "utf8" },
    );
    expect(probe.status).toBe(0);
    const names = probe.stdout.trim().split(",");
    expect(names.length).toBeGreaterThan(0);
    const file = modelFacts({ format: "h5-weights", path: weightsFile, details: { layerNames: names } });
    expect(loadWeightsCode(weightsFile, storedLayerNames(file), "tf-keras2")).toContain(`#   ${names[0]}`);
  });

  it("reads every loader's wording, including Keras 2.3.1's read-only H5Dict failure", () => {
    expect(baseFor(facts(), "ValueError: No model config found in the file at w.h5.").diagnosis).toMatchObject({
      cause: "weights-only-file",
      culprit: "w.h5",
    });
    expect(baseFor(facts(), "ValueError: No model found in config file.").diagnosis.cause).toBe("weights-only-file");
    const keras231 =
      'Traceback (most recent call last):\n  File "/x/keras/engine/saving.py", line 270, in _deserialize_model\n    model_config = h5dict[\'model_config\']\nValueError: Cannot create group in read-only mode.';
    expect(baseFor(facts({ file: { format: "h5-weights", path: "w.h5" } }), keras231).diagnosis.cause).toBe("weights-only-file");
    expect(baseFor(facts(), "ValueError: Cannot create group in read-only mode.").diagnosis.cause).toBe("unclassified");
  });

  it("is diagnosed from a TF checkpoint folder without Python, and the printed prefix is what load_weights takes (real keras2)", async () => {
    const folder = join(modelsDir, "formats-keras2", "tf_checkpoint");
    const session = createDiagnoseSession({ modelPath: folder, timeoutSeconds: 60 });
    const result = await session.diagnose(() => {});
    await session.close();
    expect(result.env).toBeNull();
    expect(result.diagnosis).toMatchObject({ cause: "weights-only-file", culprit: folder });
    const walk = await autoWalk(cause, { file: result.file, env: null, load: null, diagnosis: result.diagnosis!, modelPath: folder });
    const text = plainWalk(walk);
    const prefix = join(folder, "model");
    expect(text).toContain(`model.load_weights(${JSON.stringify(prefix)})`);
    expect(text).toContain("layer_with_weights-0/kernel [4,3]");
    // The route works: the model the maker built (scripts/fixtures/make_formats.py), rebuilt in code, takes the
    // weights from the printed prefix, while load_model on the same path fails.
    const script = [
      "import sys, keras",
      "m = keras.Sequential([keras.layers.Dense(3, activation='relu', input_shape=(4,)), keras.layers.Dense(2)])",
      "m.load_weights(sys.argv[1]).expect_partial()",
      "print('kernel', m.layers[0].kernel.shape)",
      "try:\n    keras.models.load_model(sys.argv[1])\nexcept Exception as e:\n    print('load_model fails', type(e).__name__)",
    ].join("\n");
    const run = spawnSync(pythonFor("keras2"), ["-c", script, prefix], { encoding: "utf8", env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" } });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    expect(run.stdout).toContain("kernel (4, 3)");
    expect(run.stdout).toContain("load_model fails");
  });
});

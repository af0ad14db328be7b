// weights-only-file: the real inspector reads a save_weights file, the flow prints build-then-load_weights code
// naming the stored layers (checked against what real h5py reads from the file). With a to_json() architecture
// beside the weights, the code rebuilds from it, naming the user's two files (issue 21: the to_json example used
// placeholder names), and that code runs with real Keras; a to_json() file given alone names its weights file too.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { architectureBeside, weightsBeside } from "../../src/core/inspect/halves.js";
import { loadWeightsCode, storedLayerNames } from "../../flows/weights-only-file/cause.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import type { EnvName } from "../helpers/envs.js";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { runCli } from "../helpers/cli.js";
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

  describe("with a to_json() architecture beside the weights", () => {
    /** The user's folder: the two halves of one model under the user's own names. */
    function pair(set: "keras3" | "keras2", json: string, weights: string): string {
      const dir = mkdtempSync(join(tmpdir(), "kf-json-pair-"));
      copyFileSync(join(modelsDir, set, "model.json"), join(dir, json));
      copyFileSync(join(modelsDir, set, set === "keras3" ? "weights_only.weights.h5" : "weights_only.h5"), join(dir, weights));
      return dir;
    }

    async function shownCode(weights: string): Promise<string> {
      const session = createDiagnoseSession({ modelPath: weights, timeoutSeconds: 60 });
      const result = await session.diagnose(() => {});
      await session.close();
      expect(result.diagnosis?.cause).toBe("weights-only-file");
      const walk = await autoWalk(cause, { file: result.file, env: null, load: null, diagnosis: result.diagnosis!, modelPath: weights });
      const end = walk.steps.at(-1)!;
      const block = end.content.flat().find((token) => token.kind === "codeblock");
      return block!.value;
    }

    for (const { set, env, json, weights, saved } of [
      { set: "keras3" as const, env: "keras3" as EnvName, json: "classifier.json", weights: "classifier.weights.h5", saved: "classifier.rebuilt.keras" },
      { set: "keras2" as const, env: "keras2" as EnvName, json: "net_arch.json", weights: "net_arch_weights.h5", saved: "net_arch.rebuilt.h5" },
    ]) {
      it(`${set}: rebuilds from ${json}, loads ${weights}, and that code runs with real Keras`, async () => {
        const dir = pair(set, json, weights);
        expect(architectureBeside(join(dir, weights))).toBe(join(dir, json));
        const code = await shownCode(join(dir, weights));
        expect(code).toContain(`with open(${JSON.stringify(join(dir, json))}) as f:`);
        expect(code).toContain(`model.load_weights(${JSON.stringify(join(dir, weights))})`);
        expect(code).not.toMatch(/"model\.json"|"model\.weights\.h5"/);
        const run = spawnSync(pythonFor(env), ["-c", code], { encoding: "utf8", cwd: dir, env: { ...process.env, ...envVarsFor(env), TF_CPP_MIN_LOG_LEVEL: "3" } });
        expect(run.status, run.stderr.slice(-2000)).toBe(0);
        expect(existsSync(join(dir, saved))).toBe(true);
      });
    }

    it("keras-fix on the to_json() file alone: the example names it and the weights file beside it", () => {
      const dir = pair("keras3", "arch.json", "arch.weights.h5");
      expect(weightsBeside(join(dir, "arch.json"))).toBe(join(dir, "arch.weights.h5"));
      const run = runCli([join(dir, "arch.json"), "--auto", "--python", pythonFor("keras3")], { env: envVarsFor("keras3") });
      expect(run.stdout).toContain("is a Keras architecture saved with to_json() (no weights)");
      expect(run.stdout).toContain(`with open(${JSON.stringify(join(dir, "arch.json"))}) as f:`);
      expect(run.stdout).toContain(`model.load_weights(${JSON.stringify(join(dir, "arch.weights.h5"))})`);
      expect(run.stdout).not.toMatch(/"model\.json"|"model\.weights\.h5"/);

      const alone = mkdtempSync(join(tmpdir(), "kf-json-alone-"));
      copyFileSync(join(modelsDir, "keras3", "model.json"), join(alone, "arch.json"));
      const lonely = runCli([join(alone, "arch.json"), "--auto", "--python", pythonFor("keras3")], { env: envVarsFor("keras3") });
      expect(lonely.stdout).toContain("No weights file was found beside it");
      expect(lonely.stdout).toContain(`model.load_weights(${JSON.stringify(join(alone, "arch.weights.h5"))})`);
    });
  });
});

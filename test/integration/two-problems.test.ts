// Files that fail for two reasons (issue 25 §2), loaded for real: keras-fix names every cause the file and the
// environment support, the one the load met first marked (`causes` in --json, a section in the text report), and
// plans the fixes together: the tf_keras route with the custom layer's code, proven by one real load.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { envVarsFor, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";

const two = (env: string, file: string) => join(modelsDir, "matrix-two", env, file);
const SOURCE = join(modelsDir, "sources", "fixture_two_problems.py");
const keras3 = pythonFor("keras3");

type Standing = { cause: string; culprit: string | null; hitFirst: boolean; met: boolean; evidence: string[] };
const named = (doc: Record<string, any>) => (doc.causes as Standing[]).map((c) => c.cause);
const first = (doc: Record<string, any>) => (doc.causes as Standing[]).filter((c) => c.hitFirst).map((c) => c.cause);

describe("a file with two problems, loaded for real", () => {
  it("a Keras 2 .h5 with an unregistered custom layer in Keras 3: the missing code and the Keras 2 code both named", () => {
    const model = join(modelsDir, "keras2", "custom_layer_unregistered.h5");
    const doc = jsonOf(runCli([model, "--json", "--python", keras3]));
    expect(doc.diagnosis.cause).toBe("custom-layer-missing");
    expect(first(doc)).toEqual(["custom-layer-missing"]);
    expect(named(doc)).toEqual(["custom-layer-missing", "keras2-file-in-keras3"]);
    expect(doc.causes[1].culprit).toContain("ScaledDense");

    const text = runCli([model, "--auto", "--python", keras3]);
    expect(text.stdout).toContain("Two things stand between this file and your Keras");
    expect(text.stdout).toMatch(/1\. A custom layer's code is missing \(ScaledDense\) \[custom-layer-missing\]: the load met this first/);
    expect(text.stdout).toMatch(/2\. A Keras 2 file is being loaded by Keras 3 .*\[keras2-file-in-keras3\]/);
  });

  it("a Keras 2 file with a custom layer beside a raw TF op: TFOpLambda met first, the layer named behind it; with its code, tf_keras + custom_objects load it", () => {
    const model = two("keras2", "custom_layer_and_tf_op.h5");
    const alone = jsonOf(runCli([model, "--json", "--python", keras3]));
    expect(first(alone)).toEqual(["keras2-file-in-keras3"]);
    expect(named(alone)).toContain("custom-layer-missing");
    expect(alone.causes.find((c: Standing) => c.cause === "custom-layer-missing").culprit).toBe("TwoScale");

    const run = runCli([model, "--json", "--python", keras3, "--custom-objects", SOURCE]);
    const doc = jsonOf(run);
    expect([doc.outcome, run.status]).toEqual(["loads", 0]);
    expect(doc.walk.fix).toMatchObject({ legacyKeras: true, customObjects: { TwoScale: "TwoScale" } });
    // Both were met by a load of the run, and both fixes are in the one that loaded.
    expect((doc.causes as Standing[]).map((c) => [c.cause, c.met])).toEqual([
      ["keras2-file-in-keras3", true],
      ["custom-layer-missing", true],
    ]);
  });

  it("a custom layer whose Keras 2 code Keras 3 cannot run: the walk plans the tf_keras route with that code and proves them together", () => {
    const model = two("keras2", "keras2_code_layer.h5");
    const run = runCli([model, "--json", "--python", keras3, "--custom-objects", SOURCE]);
    const doc = jsonOf(run);
    expect(first(doc)).toEqual(["custom-layer-missing"]);
    expect(named(doc)).toEqual(["custom-layer-missing", "keras2-file-in-keras3"]);
    // The code alone in Keras 3 fails (its add_weight(name, shape) is Keras 2's); with tf_keras it loads: a real load.
    expect([doc.outcome, doc.exitCode, run.status]).toEqual(["loads", 0, 0]);
    expect(doc.walk.fix).toMatchObject({ legacyKeras: true, customObjectsModule: SOURCE, customObjects: { BackendDense: "BackendDense" } });
    expect(doc.history.map((link: { cause: string }) => link.cause)).toEqual(["custom-layer-missing"]);
    expect(doc.diagnosis.cause).toBe("keras2-file-in-keras3");
    const verified = doc.walk.steps.filter((step: { action: string | null; ok: boolean | null }) => step.action === "verify-load" && step.ok);
    expect(verified.length).toBeGreaterThan(0);
  });

  it("a Keras 3 file with a Lambda and a custom loss: both named, the Lambda met first", () => {
    const doc = jsonOf(runCli([two("keras3", "lambda_and_loss.keras"), "--json", "--python", keras3]));
    expect(first(doc)).toEqual(["lambda-safe-mode"]);
    expect(named(doc)).toEqual(["lambda-safe-mode", "custom-loss-missing"]);
  });

  it("explain with the model: a real pasted traceback of a custom layer + custom loss file names both", () => {
    const model = two("keras3", "custom_layer_and_loss.keras");
    const load = spawnSync(keras3, ["-c", "import sys, keras; keras.models.load_model(sys.argv[1])", model], {
      cwd: scratchDir(),
      env: { ...process.env, ...envVarsFor("keras3"), TF_CPP_MIN_LOG_LEVEL: "3" },
      encoding: "utf8",
      timeout: 240_000,
    });
    expect(load.status).not.toBe(0);
    const doc = jsonOf(runCli(["explain", "-", "--model", model, "--json"], { input: load.stderr }));
    expect(first(doc)).toEqual(["custom-layer-missing"]);
    expect(named(doc)).toEqual(["custom-layer-missing", "custom-loss-missing"]);
    expect(doc.causes[1].culprit).toBe("two_loss");
  });

  it("a file with one problem gets one cause: nothing is padded", () => {
    const doc = jsonOf(runCli([join(modelsDir, "keras3", "custom_layer_unregistered.keras"), "--json", "--python", keras3]));
    expect(named(doc)).toEqual(["custom-layer-missing"]);
    const text = runCli([join(modelsDir, "keras3", "custom_layer_unregistered.keras"), "--auto", "--python", keras3]);
    expect(text.stdout).not.toContain("stand between this file");
  });
});

// custom-layer-missing for real: Keras 3.15 and Keras 2.15 fail on the fixtures, the CLI names the class; --auto
// stops without importing found code, and with --custom-objects it loads, writes a loader that really loads, and
// leaves the model file's bytes alone.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { runCli, sha256 } from "./custom-objects-helpers.js";

const keras3Model = join(modelsDir, "keras3", "custom_layer_unregistered.keras");
const source = join(modelsDir, "sources", "fixture_layers.py");

describe("custom-layer-missing (real Keras)", () => {
  it("Keras 3.15: --auto names ScaledDense and stops without importing code it found", () => {
    const { json } = runCli("keras3", pythonFor("keras3"), [keras3Model]);
    expect(json.diagnosis).toMatchObject({ cause: "custom-layer-missing", culprit: "ScaledDense" });
    expect(json.walk?.outcome).toBe("not-fixed");
    expect(json.exitCode).toBe(1);
    expect(json.walk?.steps.filter((s) => s.action === "verify-load")).toEqual([]);
  });

  it("Keras 3.15: with --custom-objects it loads, writes a loader that loads, and the model is unchanged", () => {
    const before = sha256(keras3Model);
    const { json, cwd } = runCli("keras3", pythonFor("keras3"), [keras3Model, "--custom-objects", source]);
    expect(json.diagnosis?.cause).toBe("custom-layer-missing");
    expect(json.walk?.outcome).toBe("fixed");
    expect(json.exitCode).toBe(0);
    const loader = json.walk!.wrote[0];
    expect(loader).toBe(join(cwd, "load_custom_layer_unregistered.py"));
    const run = spawnSync(pythonFor("keras3"), [loader], { encoding: "utf8", env: { ...process.env, ...envVarsFor("keras3"), TF_CPP_MIN_LOG_LEVEL: "3" } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("scaled_dense");
    expect(sha256(keras3Model)).toBe(before);
  });

  it("Keras 2.15 (tf.keras): the .h5 with a registered class is named with its stored key", () => {
    const { json } = runCli("keras2", pythonFor("keras2"), [join(modelsDir, "keras2", "custom_layer_registered.h5")]);
    expect(json.diagnosis?.cause).toBe("custom-layer-missing");
    expect(json.diagnosis?.culprit).toMatch(/^Gate \(stored as \w+>Gate\)$/);
  });

  it("Keras 3.5 (Python 3.12): the older R2 wording for a user module is still this cause", () => {
    const { json } = runCli("keras35-py312", pythonFor("keras35-py312"), [keras3Model]);
    expect(json.diagnosis).toMatchObject({ cause: "custom-layer-missing", culprit: "ScaledDense" });
  });
});

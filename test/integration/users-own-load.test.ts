// The first load is the user's own load (issue 9 §1): the probe sees what `python -c "...load_model(p)"` run in the
// user's folder sees: that folder first on sys.path, their environment variables, their keras.json. Keras < 3.9
// imports the module a custom class was saved from, so with that module beside the user, their load gets past
// "missing class" to the real failure (a constructor without **kwargs). Keras 3.15 imports no module by name, and
// reports the missing class wherever it runs. Real Keras 3.5 (JAX) and 3.15 (TF) on the shipped fixture.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { envVarsFor, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";

const model = join(modelsDir, "keras3", "custom_layer_no_kwargs.keras");
const module = join(modelsDir, "sources", "fixture_bad_config.py");

/** A user's project folder: the model and the module its custom layer was saved from (config "module"). */
function userFolder(): string {
  const folder = scratchDir();
  copyFileSync(model, join(folder, "model.keras"));
  copyFileSync(module, join(folder, "fixture_bad_config.py"));
  return folder;
}

/** The user's own load, as they would type it in that folder: the final exception's type and first line. */
function usersOwnLoad(python: string, cwd: string, env: Record<string, string>): string {
  const code = [
    "import keras",
    "try:",
    "    keras.models.load_model('model.keras')",
    "    print('LOADS')",
    "except Exception as e:",
    "    print(type(e).__name__, str(e).splitlines()[0])",
  ].join("\n");
  const run = spawnSync(python, ["-c", code], { cwd, env: { ...process.env, ...env }, encoding: "utf8", timeout: 180_000 });
  return run.stdout.trim().split("\n").at(-1) ?? "";
}

function autoJson(python: string, target: string, cwd: string, env: Record<string, string>) {
  const run = runCli([target, "--auto", "--json", "--python", python], { cwd, env });
  return jsonOf(run);
}

describe("the first load is the user's own load", () => {
  it("Keras 3.5: from the folder holding the layer's module, the real failure (custom-object-config); from elsewhere, the missing code", () => {
    const python = pythonFor("keras35-py312");
    const env = envVarsFor("keras35-py312");
    const folder = userFolder();

    const inFolder = autoJson(python, "model.keras", folder, env);
    const own = usersOwnLoad(python, folder, env);
    // Same exception as the user's own `python -c` there, and Keras got as far as the layer's constructor.
    expect(`${inFolder.load.exceptionType} ${inFolder.load.message.split("\n")[0]}`).toBe(own);
    expect(inFolder.diagnosis.cause).toBe("custom-object-config");
    expect(inFolder.diagnosis.culprit).toMatch(/NoKwargsLayer/);
    expect(inFolder.exitCode).toBe(1);

    const elsewhere = autoJson(python, join(folder, "model.keras"), scratchDir(), env);
    expect(elsewhere.diagnosis.cause).toBe("custom-layer-missing");
  });

  it("Keras 3.5: PYTHONPATH and keras.json (KERAS_HOME) reach the load unchanged, as in the user's own shell", () => {
    const python = pythonFor("keras35-py312");
    const folder = userFolder();
    const home = join(scratchDir(), "keras-home");
    mkdirSync(home);
    // No KERAS_BACKEND: only the user's keras.json says jax (this env has no TensorFlow, Keras' default backend).
    writeFileSync(join(home, "keras.json"), JSON.stringify({ backend: "jax", floatx: "float32", epsilon: 1e-7, image_data_format: "channels_last" }));
    const env = { PYTHONPATH: folder, KERAS_HOME: home, KERAS_BACKEND: "" };
    const report = autoJson(python, join(folder, "model.keras"), scratchDir(), env);
    expect(report.env.backend).toBe("jax");
    expect(report.diagnosis.cause).toBe("custom-object-config");
  });

  it("Keras 3.15 imports no module by name: the class is missing even beside its module, as in the user's own load", () => {
    const python = pythonFor("keras3");
    const folder = userFolder();
    const report = autoJson(python, "model.keras", folder, {});
    expect(`${report.load.exceptionType} ${report.load.message.split("\n")[0]}`).toBe(usersOwnLoad(python, folder, {}));
    expect(report.diagnosis.cause).toBe("custom-layer-missing");
  });
});

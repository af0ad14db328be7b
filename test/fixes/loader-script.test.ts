// The loader script keras-fix writes must load the real failing fixtures in real Keras, with the keys exactly as
// the file stores them; its name never overwrites a file.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loaderFileName, loaderScript } from "../../src/core/fixes/loader-script.js";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { envFacts } from "./env-facts.js";

function run(script: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "kf-loader-"));
  const file = join(dir, "load_model.py");
  writeFileSync(file, script);
  const result = spawnSync(pythonFor("keras3"), [file], {
    encoding: "utf8",
    env: { ...process.env, ...envVarsFor("keras3"), TF_CPP_MIN_LOG_LEVEL: "3" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("loaderScript", () => {
  it("loads registered_renamed.keras with the stored key OldPkg>Gate2 mapped to the renamed class", () => {
    const script = loaderScript({
      modelPath: join(modelsDir, "keras3", "registered_renamed.keras"),
      fix: { customObjectsModule: join(modelsDir, "sources", "fixture_registered_renamed.py"), customObjects: { "OldPkg>Gate2": "Gate2" } },
      fileFacts: null,
      env: envFacts(),
    });
    expect(script).toContain('"OldPkg>Gate2": custom.Gate2,');
    const result = run(script);
    expect(result.stderr).not.toMatch(/Traceback/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("gate2");
  });

  it("loads custom_loss.keras for predictions with compile=False and explains how to compile again", () => {
    const script = loaderScript({ modelPath: join(modelsDir, "keras3", "custom_loss.keras"), fix: { compile: false }, fileFacts: null, env: envFacts() });
    expect(script).toContain("compile=False");
    expect(script).toContain("model.compile(");
    expect(script).not.toContain("safe_mode");
    expect(run(script).status).toBe(0);
  });

  it("passes safe_mode=False only when the fix carries it, with the risk said in a comment", () => {
    const script = loaderScript({ modelPath: join(modelsDir, "keras3", "lambda_layer.keras"), fix: { safeMode: false }, fileFacts: null, env: envFacts() });
    expect(script).toContain("safe_mode=False");
    expect(script).toMatch(/# .*trust/);
    expect(run(script).status).toBe(0);
  });

  it("imports tf_keras under TF_USE_LEGACY_KERAS for the legacy route, and uses a scope on Keras 3.0-3.2 .h5", () => {
    const legacy = loaderScript({ modelPath: "m.h5", fix: { legacyKeras: true }, fileFacts: null, env: envFacts() });
    expect(legacy.indexOf('os.environ["TF_USE_LEGACY_KERAS"] = "1"')).toBeLessThan(legacy.indexOf("import tf_keras as keras"));
    const old = loaderScript({
      modelPath: "m.h5",
      fix: { customObjectsModule: "/x/layers.py", customObjects: { A: "A" } },
      fileFacts: { format: "h5-model" } as never,
      env: envFacts({ packages: { keras: "3.1.0" } }),
    });
    expect(old).toContain("with keras.utils.custom_object_scope(CUSTOM_OBJECTS):");
  });
});

describe("loaderFileName", () => {
  it("picks load_<model>.py, then -2, -3 without overwriting", () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-names-"));
    const first = loaderFileName("/models/my model.keras", dir);
    expect(first).toBe(join(dir, "load_my_model.py"));
    writeFileSync(first, "");
    const second = loaderFileName("/models/my model.keras", dir);
    expect(second).toBe(join(dir, "load_my_model-2.py"));
    writeFileSync(second, "");
    expect(loaderFileName("/models/my model.keras", dir)).toBe(join(dir, "load_my_model-3.py"));
    expect(loaderFileName("/m/w.weights.h5", dir)).toBe(join(dir, "load_w.py"));
  });
});

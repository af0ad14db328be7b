// keras-not-installed: the real bare env (Python 3.11, nothing installed) is probed, found without Keras, and the
// install line is computed from the file's Keras version and that Python's version. The walk does not stop there:
// it says what the file will need once Keras is in (its custom objects' code, its Lambdas' stored code; issue 21).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { needsAfterInstall } from "../../flows/keras-not-installed/cause.js";
import { installAdvice } from "../../flows/keras-not-installed/install-line.js";
import { contentToPlain } from "../../src/core/content.js";
import { inspectModel } from "../../src/core/inspect/index.js";
import { repoRoot } from "../helpers/envs.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { autoWalk, baseFor, causeOf, ok, plainWalk, walkWith } from "../catalogue/walk.js";
import { facts, modelFacts } from "../catalogue/facts.js";

const cause = causeOf("keras-not-installed");

describe("keras-not-installed", () => {
  it("diagnoses the real bare env and prints the pip line for the file's Keras version", async () => {
    const model = join(modelsDir, "keras3", "sequential.keras");
    const python = pythonFor("bare");
    const session = createDiagnoseSession({ modelPath: model, python, timeoutSeconds: 120 });
    try {
      const result = await session.diagnose(() => {});
      expect(result.env?.loader).toBeNull();
      expect(result.diagnosis?.cause).toBe("keras-not-installed");
      const walk = await autoWalk(cause, { file: result.file, env: result.env, load: result.load, diagnosis: result.diagnosis!, modelPath: model });
      expect(walk.outcome).toBe("not-fixed");
      expect(plainWalk(walk)).toContain(`${result.env!.python.path} -m pip install "keras>=3.15" tensorflow`);
    } finally {
      await session.close();
    }
  });

  it("installs only with consent", () => {
    const base = baseFor(facts({ env: { python: { path: "/v/bin/python", version: "3.10.4", source: "flag" } } }), "ModuleNotFoundError: No module named 'keras'");
    expect(base.diagnosis).toMatchObject({ cause: "keras-not-installed", culprit: "keras" });
    const run = walkWith(cause, base, { route: "install" }, { install: ok() });
    expect(run.requests).toEqual([{ kind: "run-command", argv: ["/v/bin/python", "-m", "pip", "install", "keras", "tensorflow"] }]);
  });

  it("chooses the Keras line from the file and the Python", () => {
    const keras3 = modelFacts({ kerasVersion: "3.13.0", kerasLine: "keras3" });
    expect(installAdvice(keras3, "3.12.1").packages).toEqual(["keras>=3.13", "tensorflow"]);
    expect(installAdvice(keras3, "3.10.0").notes.join(" ")).toMatch(/needs Python 3\.11 or newer/);
    const keras2 = modelFacts({ kerasVersion: "2.12.0", kerasLine: "tf-keras2" });
    expect(installAdvice(keras2, "3.10.12").packages).toEqual(["tensorflow==2.12.*"]);
    expect(installAdvice(keras2, "3.12.3")).toMatchObject({ packages: ["tensorflow", "tf_keras"], env: { TF_USE_LEGACY_KERAS: "1" } });
    expect(installAdvice(modelFacts({ kerasVersion: "2.2.4-tf", kerasLine: "tf-keras2" }), "3.9.0").packages).toEqual(["tensorflow==2.15.*"]);
    expect(installAdvice(null, null).packages).toEqual(["keras", "tensorflow"]);
  });

  it("does not read a missing Keras submodule as a missing install", () => {
    expect(baseFor(facts(), "ModuleNotFoundError: No module named 'keras.src.engine'").diagnosis.cause).not.toBe("keras-not-installed");
  });

  it("the real bare env on a model with a custom layer: after the pip line, says its code is needed next", async () => {
    const model = join(modelsDir, "keras3", "custom_layer_unregistered.keras");
    const session = createDiagnoseSession({ modelPath: model, python: pythonFor("bare"), timeoutSeconds: 120 });
    try {
      const result = await session.diagnose(() => {});
      expect(result.diagnosis?.cause).toBe("keras-not-installed");
      const walk = await autoWalk(cause, { file: result.file, env: result.env, load: result.load, diagnosis: result.diagnosis!, modelPath: model });
      expect(walk.steps.map((s) => s.id)).toEqual(["explain", "route", "commands"]);
      const end = contentToPlain(walk.steps.at(-1)!.content);
      expect(end).toContain("pip install \"keras>=3.15\" tensorflow");
      expect(end).toContain("Then the model needs more: custom_layer_unregistered.keras also needs, once Keras is installed,");
      expect(end).toContain("• the Python code of its custom layer `ScaledDense` (saved from the module fixture_layers)");
    } finally {
      await session.close();
    }
  });

  it("reads what comes next from the file: custom objects by kind, Lambda bytecode, or nothing", async () => {
    const next = async (path: string) => contentToPlain(needsAfterInstall(await inspectModel(join(modelsDir, path))));
    expect(await next("keras3/custom_loss.keras")).toContain("custom loss `weighted_mse`");
    expect(await next("keras3/custom_optimizer.keras")).toContain("custom optimizer `FixtureAdam`");
    expect(await next("keras3/lambda_layer.keras")).toMatch(/its Lambda layers? \S+.* store Python bytecode, which Keras runs only with safe_mode=False/);
    expect(await next("keras3/sequential.keras")).toBe("The file uses only Keras' own layers: once Keras is installed, nothing else should be needed.");
    expect(needsAfterInstall(null)).toEqual([]);
  });

  it("the README's quick start says how to name the Python that has Keras (--python)", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const quickStart = readme.slice(0, readme.indexOf("## What it does"));
    expect(quickStart).toMatch(/npx keras-fix fixtures\/models\/keras3\/custom_layer_unregistered\.keras --python \S+/);
  });
});

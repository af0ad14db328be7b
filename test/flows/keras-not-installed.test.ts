// keras-not-installed: the real bare env (Python 3.11, nothing installed) is probed, found without Keras, and the
// install line is computed from the file's Keras version and that Python's version.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installAdvice } from "../../flows/keras-not-installed/install-line.js";
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
});

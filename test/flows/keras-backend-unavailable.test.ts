// keras-backend-unavailable: Keras 3 installed, its configured backend not. The real keras35-py312 env (Keras 3.5 +
// JAX, no TensorFlow) run with KERAS_BACKEND unset and an empty KERAS_HOME fails `import keras` with "No module
// named 'tensorflow'": keras-fix must say so (not "Keras is not installed") and prove KERAS_BACKEND=jax by a load.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backendProblem } from "../../flows/keras-backend-unavailable/cause.js";
import { loaderScript } from "../../src/core/fixes/loader-script.js";
import { jsonOf, runCli } from "../helpers/cli.js";
import { modelsDir, pythonFor, scratchDir, unconfiguredKerasEnv } from "../helpers/envs.js";
import { autoWalk, baseFor, causeOf, ok, plainWalk } from "../catalogue/walk.js";
import { facts } from "../catalogue/facts.js";

const cause = causeOf("keras-backend-unavailable");

describe("keras-backend-unavailable", () => {
  it("diagnoses Keras 3.5 + JAX without KERAS_BACKEND and proves KERAS_BACKEND=jax by loading", () => {
    const model = join(modelsDir, "keras2", "sequential.h5");
    const cwd = scratchDir();
    const env = unconfiguredKerasEnv() as Record<string, string>;
    const run = runCli(["--json", "--write-loaders", "--python", pythonFor("keras35-py312"), model], { env, cwd });
    const report = jsonOf(run);
    expect(report.env).toMatchObject({ loader: "keras3", backend: "tensorflow", backendSource: "default", packages: { keras: "3.5.0", tensorflow: null } });
    expect(report.env.importError.at(-1)).toMatchObject({ type: "ModuleNotFoundError", message: "No module named 'tensorflow'" });
    expect(report.diagnosis).toMatchObject({ cause: "keras-backend-unavailable", culprit: "backend tensorflow (Keras' default); jax is installed" });
    expect(report.diagnosis.alternatives.map((a: { cause: string }) => a.cause)).not.toContain("keras-not-installed");
    expect(report.walk).toMatchObject({ outcome: "fixed", fix: { backend: "jax" } });
    expect(report.walk.steps.find((step: { id: string }) => step.id === "verify")).toMatchObject({ action: "verify-load", ok: true });
    expect(run.status).toBe(0);
    // The loader script it wrote (asked with --write-loaders) loads the model on its own, in the same unconfigured environment.
    const loader = join(cwd, "load_sequential.py");
    expect(report.walk.wrote).toEqual([loader]);
    expect(spawnSync(pythonFor("keras35-py312"), [loader], { env, cwd, encoding: "utf8" }).status).toBe(0);
  });

  it("reads the captured traceback alone (no probe facts) as this cause, not as a missing Keras", () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "/home/ana/venv/lib/python3.12/site-packages/keras/src/tree/optree_impl.py", line 17, in <module>',
      "    from tensorflow.python.trackable.data_structures import ListWrapper",
      "ModuleNotFoundError: No module named 'tensorflow'",
    ].join("\n");
    expect(baseFor(facts(), text).diagnosis.cause).toBe("keras-backend-unavailable");
    expect(baseFor(facts(), "ModuleNotFoundError: No module named 'tensorflow'").diagnosis.cause).toBe("keras-not-installed");
  });

  it("names a file whose layers need another installed backend, and tries that backend", async () => {
    const base = baseFor(
      facts({
        file: { format: "keras-zip", path: "m.keras", kerasVersion: "3.5.0", kerasLine: "keras3", layerClasses: ["TorchModuleWrapper"] },
        env: { loader: "keras3", backend: "jax", backendSource: "KERAS_BACKEND", packages: { keras: "3.5.0", jax: "0.4.31", torch: "2.4.0" } },
      }),
      null,
    );
    expect(base.diagnosis.cause).toBe("keras-backend-unavailable");
    expect(backendProblem(base)?.kind).toBe("file-needs");
    const requests: unknown[] = [];
    const walk = await autoWalk(cause, base, async (request) => {
      requests.push(request);
      return ok();
    });
    expect(requests[0]).toEqual({ kind: "verify-load", fix: { backend: "torch" } });
    expect(walk.outcome).toBe("fixed");
    expect(plainWalk(walk)).toContain('os.environ["KERAS_BACKEND"] = "torch"');
  });

  it("tells a misspelt backend from a missing one", () => {
    const importError = [{ type: "ValueError", message: "Unable to import backend : foo", frames: [] }];
    const base = baseFor(facts({ env: { loader: "keras3", backend: "foo", backendSource: "KERAS_BACKEND", importError, packages: { keras: "3.5.0", jax: "0.4.31" } } }), null);
    expect(base.diagnosis).toMatchObject({ cause: "keras-backend-unavailable", culprit: "backend foo (KERAS_BACKEND); jax is installed" });
    expect(backendProblem(base)?.kind).toBe("unknown");
  });

  it("calls a backend that raises inside its own package broken, and offers the other installed one", () => {
    const importError = [{ type: "ImportError", message: "jaxlib is version 0.4.20, but this version of jax requires version >= 0.4.27.", frames: [{ file: "/v/lib/python3.12/site-packages/jax/_src/lib/__init__.py", line: 87, function: "<module>" }] }];
    const base = baseFor(facts({ env: { loader: "keras3", backend: "jax", backendSource: "KERAS_BACKEND", importError, packages: { keras: "3.5.0", jax: "0.4.31", torch: "2.4.0" } } }), null);
    expect(backendProblem(base)?.kind).toBe("broken");
    expect(base.diagnosis.captures).toMatchObject({ backend: "jax", alternative: "torch" });
  });

  it("writes KERAS_BACKEND into the loader script before Keras is imported", () => {
    const script = loaderScript({ modelPath: "/m/model.h5", fix: { backend: "jax" }, fileFacts: null, env: null });
    expect(script.indexOf('os.environ["KERAS_BACKEND"] = "jax"')).toBeLessThan(script.indexOf("import keras"));
    expect(script.indexOf('os.environ["KERAS_BACKEND"] = "jax"')).toBeGreaterThan(0);
  });
});

// --auto past a backend switch (issue 21): Keras 3.5 on JAX with no backend configured (so Keras' default,
// tensorflow, which is not installed) and a Keras 2 SavedModel. KERAS_BACKEND=jax gets the load past
// keras-backend-unavailable into savedmodel-in-keras3.
// - The cause the walk got past is history, not an alternative to the one it ends on.
// - "Just show me the code" shows code that can work from here: TensorFlow installed first, and TFSMLayer with the
//   TensorFlow backend chosen before Keras is imported (not TFSMLayer on JAX, which cannot run it).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { modelsDir, pythonFor, scratchDir, unconfiguredKerasEnv } from "../helpers/envs.js";

const model = join(modelsDir, "keras2", "savedmodel_keras");
const args = [model, "--auto", "--python", pythonFor("keras35-py312")];

describe("--auto past a backend switch into savedmodel-in-keras3", () => {
  it("does not offer the cause it got past as an alternative, in the text report or the JSON", () => {
    const text = runCli(args, { env: unconfiguredKerasEnv() as Record<string, string> }).stdout;
    const earlier = text.slice(text.indexOf("Earlier causes"), text.indexOf("\nDiagnosis"));
    expect(earlier).toContain("[keras-backend-unavailable]");
    const diagnosis = text.slice(text.indexOf("\nDiagnosis"), text.indexOf("\nFix"));
    expect(diagnosis).toContain("[savedmodel-in-keras3");
    expect(diagnosis).not.toContain("keras-backend-unavailable");

    const report = jsonOf(runCli([...args, "--json"], { env: unconfiguredKerasEnv() as Record<string, string> }));
    expect(report.history.map((link: { cause: string }) => link.cause)).toEqual(["keras-backend-unavailable"]);
    expect(report.diagnosis.cause).toBe("savedmodel-in-keras3");
    expect(report.diagnosis.alternatives.map((a: { cause: string }) => a.cause)).not.toContain("keras-backend-unavailable");
  }, 400_000);

  it("shows code that can work without TensorFlow here: install it, then TFSMLayer on the TensorFlow backend", () => {
    const report = jsonOf(runCli([...args, "--json"], { env: unconfiguredKerasEnv() as Record<string, string> }));
    expect(report.diagnosis.cause).toBe("savedmodel-in-keras3");
    // The code shown: TensorFlow installed into this Python first, then TFSMLayer on the TensorFlow backend.
    const shown = report.walk.steps.at(-1);
    expect(shown).toMatchObject({ id: "code", kind: "end" });
    expect(shown.text).toContain(`${pythonFor("keras35-py312")} -m pip install tensorflow`);
    const snippet = /\n\n((?: {4}.*\n)*? {4}layer = keras\.layers\.TFSMLayer\(.*\))/.exec(shown.text)?.[1].replace(/^ {4}/gm, "");
    expect(snippet).toMatch(/^import os\nos\.environ\["KERAS_BACKEND"\] = "tensorflow"\nimport keras\n/);

    // Where TensorFlow is installed, that code runs as shown even with another backend configured around it.
    const run = spawnSync(pythonFor("keras3"), ["-c", `${snippet}\nprint(type(layer).__name__)`], {
      cwd: scratchDir(),
      env: { ...process.env, KERAS_BACKEND: "jax" },
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("TFSMLayer");

    // The other commands name this Python too (its bin folder need not be on PATH), and list the endpoints as shown
    // once TensorFlow is there: the same line, run with the keras3 env's Python.
    const python = pythonFor("keras35-py312");
    expect(shown.text).toContain(`${python} -m pip install tf_keras`);
    const list = new RegExp(`${python.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} -m (\\S+) show --dir (\\S+) --all`).exec(shown.text);
    expect(list?.[2]).toBe(model);
    const endpoints = spawnSync(pythonFor("keras3"), ["-m", list![1], "show", "--dir", list![2], "--all"], { encoding: "utf8", timeout: 120_000 });
    expect(endpoints.status, endpoints.stderr).toBe(0);
    expect(endpoints.stdout).toContain("serving_default");
  }, 400_000);
});

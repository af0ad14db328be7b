// Real Keras 2.15 (keras2 env) on a Keras 3.15.1 file: keras3-file-in-keras2 with the setting it stops at.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";

describe("keras3-file-in-keras2 with real tf.keras 2.15", () => {
  it.each(["sequential.keras", "functional_nested.keras"])("diagnoses keras3/%s", (name) => {
    const run = spawnSync(process.execPath, [cliPath, join(modelsDir, "keras3", name), "--auto", "--json", "--python", pythonFor("keras2")], { cwd: scratchDir(),
      encoding: "utf8",
      timeout: 170_000,
    });
    const report = JSON.parse(run.stdout);
    expect(report.diagnosis.cause).toBe("keras3-file-in-keras2");
    expect(report.diagnosis.culprit).toMatch(/^(batch_shape|keras\.src\.models\.functional\.Functional), written by Keras 3\.15\.1 and unknown to Keras 2\.15\.\d+$/);
    expect(report.walk.outcome).toBe("not-fixed");
  });
});

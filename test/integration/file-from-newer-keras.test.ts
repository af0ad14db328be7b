// Real old loaders on newer files: Keras 3.5.0 (keras35-py312) on a Keras 3.15.1 file that uses RMSNormalization.
// The fix is an install, which --auto never runs: the walk ends not-fixed with the exact pip command.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, envVarsFor, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";

describe("file-from-newer-keras with real Keras 3.5.0", () => {
  it("names the version pair and the layer, and prints the upgrade without running it", () => {
    const model = join(modelsDir, "keras3-extra", "newer_layer.keras");
    const run = spawnSync(process.execPath, [cliPath, model, "--auto", "--json", "--python", pythonFor("keras35-py312")], { cwd: scratchDir(),
      encoding: "utf8",
      env: { ...process.env, ...envVarsFor("keras35-py312") },
      timeout: 170_000,
    });
    const report = JSON.parse(run.stdout);
    expect(report.diagnosis).toMatchObject({ cause: "file-from-newer-keras", culprit: "RMSNormalization, written by Keras 3.15.1 and unknown to Keras 3.5.0" });
    expect(report.walk.outcome).toBe("not-fixed");
    expect(JSON.stringify(report.walk)).toContain('-m pip install \\"keras>=3.15\\"');
    // Never tried (no --try-versions): every plan shown says unproven, and no trial environment was made.
    expect(report.walk.plans.map((plan: { status: string }) => plan.status)).toEqual(["unproven"]);
    expect(report.walk.steps.find((s: { id: string }) => s.id === "plan").text).toMatch(/^Unproven: /m);
    expect(report.walk.steps.some((s: { action: string | null }) => s.action === "try-versions")).toBe(false);
  });
});

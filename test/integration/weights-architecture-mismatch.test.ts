// Real Keras 3.15.1 on an .h5 whose stored architecture disagrees with its own weights: the CLI names the layer and
// both shapes.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";

describe("weights-architecture-mismatch with real Keras 3.15.1", () => {
  it("diagnoses keras3-extra/config_weights_disagree.h5", () => {
    const model = join(modelsDir, "keras3-extra", "config_weights_disagree.h5");
    const run = spawnSync(process.execPath, [cliPath, model, "--auto", "--json", "--python", pythonFor("keras3")], { cwd: scratchDir(), encoding: "utf8", timeout: 170_000 });
    const report = JSON.parse(run.stdout);
    expect(report.diagnosis).toMatchObject({ cause: "weights-architecture-mismatch", culprit: "layer hidden: model shape (4, 3), file shape (4, 2)" });
    expect(report.walk.outcome).toBe("not-fixed");
  });
});

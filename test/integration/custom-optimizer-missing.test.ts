// custom-optimizer-missing for real: Keras 3.15 fails on the fixture, the CLI names the object, --auto proves compile=False and exits 0
// without touching the file.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { runCli, sha256 } from "./custom-objects-helpers.js";

const model = join(modelsDir, "keras3", "custom_optimizer.keras");

describe("custom-optimizer-missing (real Keras)", () => {
  it("Keras 3.15: named from the compile step, fixed with compile=False", () => {
    const before = sha256(model);
    const { json, cwd } = runCli("keras3", pythonFor("keras3"), [model]);
    expect(json.diagnosis).toMatchObject({ cause: "custom-optimizer-missing", culprit: "FixtureAdam" });
    expect(json.walk?.outcome).toBe("fixed");
    expect(json.walk?.wrote).toEqual([join(cwd, "load_custom_optimizer.py")]);
    expect(sha256(model)).toBe(before);
  });

});

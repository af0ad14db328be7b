// A route is offered only where it can work (issue 21 §7): in Keras 3.5 on JAX without tf_keras, a Keras 2 .h5 file
// used to get the tf_keras route in --auto, and the user saw "RuntimeError: legacyKeras needs a worker started with
// TF_USE_LEGACY_KERAS=1 ...". Now the walk says tf_keras is not installed here and goes to the versions instead.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";

describe("routes offered where they can work", () => {
  it("Keras 2 .h5 in Keras 3 on JAX without tf_keras: no tf_keras attempt, no RuntimeError, the versions instead", () => {
    const run = runCli([join(modelsDir, "keras2", "tfoplambda.h5"), "--json", "--python", pythonFor("keras35-py312")], { env: envVarsFor("keras35-py312") });
    const doc = jsonOf(run);
    expect(doc.diagnosis.cause).toBe("keras2-file-in-keras3");
    expect(JSON.stringify(doc)).not.toMatch(/legacyKeras needs|RuntimeError/);
    const steps = doc.walk.steps as { id: string; choice: string | null; action: string | null; text: string }[];
    expect(steps.find((step) => step.id === "route")?.choice).toBe("versions");
    expect(steps.map((step) => step.text).join("\n")).toMatch(/it is not installed here/);
    expect(steps.some((step) => step.id === "try-fix")).toBe(false);
  }, 300_000);
});

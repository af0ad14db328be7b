// The --json document gives one answer (issue 21 §5): a walk that proved a fix (walk.outcome "fixed", exit code 0)
// is not also "diagnosed" at the top level; the top-level outcome says what exit code 0 says, the model loads.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";

describe("--json outcome", () => {
  it("a Keras 2 file whose optimizer Keras 3 cannot rebuild, fixed by compile=False: outcome loads, walk fixed, exit 0", () => {
    const run = runCli([join(modelsDir, "keras2", "legacy_optimizer.h5"), "--json", "--python", pythonFor("keras3")]);
    const doc = jsonOf(run);
    expect(doc.walk.outcome).toBe("fixed");
    expect(doc.exitCode).toBe(0);
    expect(run.status).toBe(0);
    expect(doc.outcome).toBe("loads");
  });

  it("a walk that ends unfixed stays diagnosed with exit code 1", () => {
    const run = runCli([join(modelsDir, "keras2", "custom_layer_unregistered.h5"), "--json", "--python", pythonFor("keras3")]);
    const doc = jsonOf(run);
    expect(doc.walk.outcome).not.toBe("fixed");
    expect([doc.outcome, doc.exitCode, run.status]).toEqual(["diagnosed", 1, 1]);
  });
});

// saved-variables-mismatch: W7/W8 from loading a .keras with a custom layer, told apart from the same W7 text that
// load_weights prints for a built-in layer (weights-architecture-mismatch).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { savedVariablesMismatch } from "../../flows/saved-variables-mismatch/cause.js";
import { walkAutomatically } from "../../src/engine/auto-walk.js";
import { classify } from "../../src/core/classify/classify.js";
import { contentToPlain } from "../../src/core/content.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { facts } from "../catalogue/facts.js";
import { fixturesDir } from "../helpers/envs.js";

const tracebacks = join(fixturesDir, "tracebacks");
const chainOf = (path: string) => parseTraceback(readFileSync(join(tracebacks, path), "utf8"));

describe("saved-variables-mismatch", () => {
  it("names the custom layer and both counts, even without facts", () => {
    expect(classify(chainOf("saved-variables-mismatch/keras-3.15.1--forgetful-dense-keras.txt"), facts(), causes)).toMatchObject({
      cause: "saved-variables-mismatch",
      culprit: "layer 'forgetful_dense' (ForgetfulDense): builds 2 variables, file has 1",
    });
  });

  it("claims W8 (never built)", () => {
    expect(classify(chainOf("saved-variables-mismatch/keras-3.4--never-built-template.txt"), facts(), causes).cause).toBe("saved-variables-mismatch");
  });

  it("gives load_weights' W7 on a built-in Dense to weights-architecture-mismatch", () => {
    expect(classify(chainOf("weights-architecture-mismatch/keras-3.15.1--load-weights-extra-layer-keras3.txt"), facts(), causes).cause).toBe(
      "weights-architecture-mismatch",
    );
  });

  it("walks to the code fix for the layer class it found", async () => {
    const given = facts();
    const diagnosis = classify(chainOf("saved-variables-mismatch/keras-3.15.1--forgetful-dense-keras.txt"), given, causes);
    const walk = await walkAutomatically(savedVariablesMismatch, { ...given, diagnosis, modelPath: "m.keras" }, {}, async () => {
      throw new Error("no action expected");
    });
    expect(walk.outcome).toBe("not-fixed");
    expect(contentToPlain(walk.steps.at(-1)!.content)).toContain("class ForgetfulDense(keras.layers.Layer):");
  });
});

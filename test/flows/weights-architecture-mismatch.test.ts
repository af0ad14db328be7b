// weights-architecture-mismatch across Keras 3, tf.keras 2.15 and TF <= 2.5 wordings: the culprit names the layer
// and both shapes (or counts), and the walk never pretends to fix it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { weightsArchitectureMismatch } from "../../flows/weights-architecture-mismatch/cause.js";
import { walkAutomatically } from "../../src/engine/auto-walk.js";
import { classify } from "../../src/core/classify/classify.js";
import { contentToPlain } from "../../src/core/content.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { facts } from "../catalogue/facts.js";
import { fixturesDir } from "../helpers/envs.js";

const dir = join(fixturesDir, "tracebacks", "weights-architecture-mismatch");
const diagnose = (name: string) => classify(parseTraceback(readFileSync(join(dir, name), "utf8")), facts(), causes);

describe("weights-architecture-mismatch", () => {
  it.each([
    ["keras-3.15.1--load-weights-keras3-shape.txt", "layer dense: model shape (4, 3), file shape (4, 2)"],
    ["tf-keras-2.15--assign-shape.txt", "layer dense: model shape (4, 3), file shape (4, 2)"],
    ["tf-keras-2.15--layer-count.txt", "model layers with weights 3, file layers with weights 2"],
    ["keras-3.15.1--load-weights-extra-layer-keras3.txt", "layer dense_2: model weights 2, file weights 0"],
  ])("%s → %s", (name, culprit) => {
    expect(diagnose(name)).toMatchObject({ cause: "weights-architecture-mismatch", culprit });
  });

  it("ends not-fixed with load_weights code for the user's loader", async () => {
    const given = facts({ env: { loader: "keras3", packages: { keras: "3.15.1" } } });
    const diagnosis = classify(parseTraceback(readFileSync(join(dir, "keras-3.15.1--load-weights-keras3-shape.txt"), "utf8")), given, causes);
    const walk = await walkAutomatically(weightsArchitectureMismatch, { ...given, diagnosis, modelPath: "w.weights.h5" }, {}, async () => {
      throw new Error("no action expected");
    });
    expect(walk.outcome).toBe("not-fixed");
    expect(contentToPlain(walk.steps.at(-1)!.content)).toContain('model.load_weights("w.weights.h5")');
  });
});

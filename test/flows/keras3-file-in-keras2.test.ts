// keras3-file-in-keras2 on Keras 3 files read by TF 2.15's Keras and by tf_keras 2.21: the culprit names the
// setting Keras 2 stops at, and the walk gives the Keras 3 install for the user's Python.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { keras3FileInKeras2 } from "../../flows/keras3-file-in-keras2/cause.js";
import { walkAutomatically } from "../../src/engine/auto-walk.js";
import { classify } from "../../src/core/classify/classify.js";
import { contentToPlain } from "../../src/core/content.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { facts } from "../catalogue/facts.js";
import { factsFor } from "../catalogue/sidecar.js";
import { fixturesDir } from "../helpers/envs.js";

const dir = join(fixturesDir, "tracebacks", "keras3-file-in-keras2");
const chainOf = (name: string) => parseTraceback(readFileSync(join(dir, name), "utf8"));
const keras2Env = { loader: "tf.keras" as const, python: { path: "/venv/bin/python", version: "3.11.7", source: "path" as const }, packages: { keras: "2.15.0", tensorflow: "2.15.1" } };

describe("keras3-file-in-keras2", () => {
  it("claims batch_shape without any facts", () => {
    expect(classify(chainOf("tf-keras-2.15--batch-shape-h5.txt"), facts(), causes)).toMatchObject({ cause: "keras3-file-in-keras2", culprit: "batch_shape" });
  });

  it("knows tf_keras' rewritten module name", () => {
    expect(classify(chainOf("tf-keras-2.21--models-functional-keras.txt"), facts(), causes).culprit).toBe("tf_keras.src.models.functional.Functional");
  });

  it("vetoes itself when the loader is Keras 3", () => {
    expect(keras3FileInKeras2.when!({ keyword: "batch_shape" }, facts({ file: { kerasVersion: "2.15.0", kerasLine: "tf-keras2" }, env: { loader: "keras3", packages: { keras: "3.15.1" } } }))).toBe(false);
  });

  it("walks to TensorFlow 2.21 + Keras >= 3.15 for TF 2.15 on Python 3.11", async () => {
    const given = await factsFor({ model: "fixtures/models/keras3/sequential.keras", env: keras2Env });
    const diagnosis = classify(chainOf("tf-keras-2.15--batch-shape-keras.txt"), given, causes);
    const walk = await walkAutomatically(keras3FileInKeras2, { ...given, diagnosis, modelPath: "m.keras" }, {}, async () => {
      throw new Error("no action on the --auto path");
    });
    expect(walk.outcome).toBe("not-fixed");
    expect(walk.steps.map((step) => contentToPlain(step.content)).join("\n")).toContain('pip install "tensorflow==2.21.*" "keras>=3.15"');
  });
});

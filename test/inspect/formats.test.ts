// The formats inspect reads from their raw layout, on files written by real TensorFlow (fixtures/models/formats-*,
// scripts/fixtures/make_formats.py): TF checkpoints from every path a user may give, the Keras metadata of a
// TF 2.1 SavedModel (in saved_model.pb's object graph), incomplete SavedModel folders, one-layer save_weights.
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { inspectModel } from "../../src/core/inspect/index.js";
import { modelsDir } from "../helpers/envs.js";
import { modelFactsSchema } from "./schema.js";

const keras2 = join(modelsDir, "formats-keras2");
const tf21 = join(modelsDir, "formats-tf21");

describe("TF checkpoints", () => {
  const ckpt = join(keras2, "tf_checkpoint");
  it.each([
    ["the folder", ckpt, "folder"],
    ["the prefix (no such file)", join(ckpt, "model"), "prefix"],
    ["the .index file", join(ckpt, "model.index"), "index"],
    ["a data shard", join(ckpt, "model.data-00000-of-00001"), "data"],
    ["the `checkpoint` file", join(ckpt, "checkpoint"), "checkpoint-file"],
  ])("are recognised from %s, with the variables' names and shapes", async (_, path, via) => {
    const facts = await inspectModel(path);
    modelFactsSchema.parse(facts);
    expect(facts.format).toBe("tf-checkpoint");
    expect(facts.problem?.cause).toBe("weights-only-file");
    expect(facts.details).toMatchObject({ checkpointPrefix: join(ckpt, "model"), givenAs: via, missingShards: [], objectBased: true, hasOptimizerState: true });
    // The maker's Sequential: Dense(3) on 4 inputs, then Dense(2); optimizer state is not the model's.
    expect(facts.details.variables).toEqual([
      { name: "layer_with_weights-0/bias", shape: [3], dtype: "float32" },
      { name: "layer_with_weights-0/kernel", shape: [4, 3], dtype: "float32" },
      { name: "layer_with_weights-1/bias", shape: [2], dtype: "float32" },
      { name: "layer_with_weights-1/kernel", shape: [3, 2], dtype: "float32" },
    ]);
    expect(facts.kerasLine).toBe("tf-keras2");
  });

  it("pick the latest of ModelCheckpoint's epochs, as the `checkpoint` file names it (TF 2.1 and 2.15)", async () => {
    for (const set of [keras2, tf21]) {
      const facts = await inspectModel(join(set, "model_checkpoint"));
      expect(facts.details.checkpointPrefix).toBe(join(set, "model_checkpoint", "ckpt-02"));
      expect(facts.details.variableCount).toBe(4);
    }
  });

  it("are not what any file named .index is", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keras-fix-ckpt-"));
    try {
      writeFileSync(join(dir, "notes.index"), "an index of my notes\n");
      expect((await inspectModel(join(dir, "notes.index"))).format).toBe("not-a-model");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("say which data shard is missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keras-fix-ckpt-"));
    try {
      cpSync(ckpt, dir, { recursive: true });
      rmSync(join(dir, "model.data-00000-of-00001"));
      const facts = await inspectModel(join(dir, "model.index"));
      expect(facts.format).toBe("tf-checkpoint");
      expect(facts.details.missingShards).toEqual(["model.data-00000-of-00001"]);
      expect(facts.problem?.message).toMatch(/model\.data-00000-of-00001 is missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("SavedModels", () => {
  it("from TF 2.1 (no keras_metadata.pb): version, backend, configs from saved_model.pb's object graph", async () => {
    const facts = await inspectModel(join(tf21, "savedmodel"));
    modelFactsSchema.parse(facts);
    expect(facts).toMatchObject({
      format: "savedmodel", problem: null, kerasVersion: "2.2.4-tf", backend: "tensorflow", topClass: "Sequential",
      layerClasses: ["Dense"], compiled: true, loss: "mean_squared_error", optimizer: "Adam", tensorflowVersion: "2.1.0",
    });
    expect(facts.details.kerasMetadataIn).toBe("saved_model.pb");
  });

  it.each([
    ["savedmodel_no_pb", "saved_model.pb"],
    ["savedmodel_no_variables", "variables/"],
  ])("incomplete (%s): says what is missing, and still reads the version and classes", async (name, missing) => {
    const facts = await inspectModel(join(keras2, name));
    modelFactsSchema.parse(facts);
    expect(facts.format).toBe("truncated");
    expect(facts.problem?.cause).toBe("truncated-file");
    expect(facts.problem?.message).toContain(`${missing} is missing`);
    expect(facts.details.missingParts).toEqual([missing]);
    expect(facts).toMatchObject({ kerasVersion: "2.15.0", topClass: "Sequential" });
    expect(facts.layerClasses).toContain("Dense");
  });

  it("an incomplete folder is diagnosed as an incomplete copy, naming what is missing, without Python", () => {
    return inspectModel(join(keras2, "savedmodel_no_pb")).then((file) => {
      const diagnosis = classify(null, { file, env: null, load: null }, causes);
      expect(diagnosis.cause).toBe("truncated-file");
      expect(diagnosis.evidence.join(" ")).toContain("lacks saved_model.pb");
    });
  });

  it("incomplete when saved_model.pb was renamed, or a variables shard is gone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keras-fix-sm-"));
    try {
      cpSync(join(keras2, "savedmodel"), dir, { recursive: true });
      rmSync(join(dir, "variables", "variables.data-00000-of-00001"));
      expect((await inspectModel(dir)).details.missingParts).toEqual(["variables/variables.data-00000-of-00001"]);
      renameSync(join(dir, "saved_model.pb"), join(dir, "saved_model (1).pb"));
      const facts = await inspectModel(dir);
      expect(facts.format).toBe("truncated");
      expect(facts.details.missingParts).toEqual(["saved_model.pb", "variables/variables.data-00000-of-00001"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

it("a one-layer model's save_weights .h5 (layer_names has one element, plus top_level_model_weights) is weights-only", async () => {
  const facts = await inspectModel(join(keras2, "subclassed_one_layer.weights_only.h5"));
  expect(facts).toMatchObject({ format: "h5-weights", kerasVersion: "2.15.0", backend: "tensorflow", kerasLine: "tf-keras2" });
  expect(facts.problem?.cause).toBe("weights-only-file");
  expect(facts.details.layerNames).toEqual(["dense"]);
});

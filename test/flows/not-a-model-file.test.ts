// not-a-model-file: the real inspector names a TFLite file, a PyTorch checkpoint, an HTML page; the flow says what
// loads each instead. Keras 3's "File format not supported" goes here, not to the SavedModel cause, for such files.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identifyOtherFormat } from "../../flows/not-a-model-file/identify.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { modelsDir } from "../helpers/envs.js";
import { autoWalk, baseFor, causeOf, plainWalk } from "../catalogue/walk.js";
import { facts, modelFacts } from "../catalogue/facts.js";

const cause = causeOf("not-a-model-file");

async function diagnoseFile(path: string) {
  const session = createDiagnoseSession({ modelPath: path, timeoutSeconds: 60 });
  const result = await session.diagnose(() => {});
  await session.close();
  return result;
}

describe("not-a-model-file", () => {
  it("names a real TFLite file and points at the TFLite interpreter", async () => {
    const path = join(modelsDir, "keras2", "model.tflite");
    const result = await diagnoseFile(path);
    expect(result.diagnosis?.cause).toBe("not-a-model-file");
    const walk = await autoWalk(cause, { file: result.file, env: null, load: null, diagnosis: result.diagnosis!, modelPath: path });
    expect(walk.outcome).toBe("not-fixed");
    expect(plainWalk(walk)).toMatch(/TensorFlow Lite model[\s\S]*tf\.lite\.Interpreter/);
  });

  it("names a saved web page", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-html-"));
    const page = join(dir, "model.h5");
    writeFileSync(page, "<!DOCTYPE html>\n<html><head><title>Google Drive - Virus scan warning</title></head><body></body></html>\n");
    const result = await diagnoseFile(page);
    expect(result.diagnosis?.cause).toBe("not-a-model-file");
    const walk = await autoWalk(cause, { file: result.file, env: null, load: null, diagnosis: result.diagnosis!, modelPath: page });
    expect(plainWalk(walk)).toMatch(/web page[\s\S]*\/resolve\//);
  });

  it("identifies formats from the inspector's details, problem and path", () => {
    expect(identifyOtherFormat(modelFacts({ format: "not-a-model", path: "x.bin", details: { detected: "onnx" } }))?.id).toBe("onnx");
    expect(identifyOtherFormat(modelFacts({ format: "not-a-model", path: "m.pt" }))?.id).toBe("pytorch");
    expect(identifyOtherFormat(modelFacts({ format: "tfjs", path: "model.json" }))?.id).toBe("tfjs");
    expect(identifyOtherFormat(modelFacts({ format: "keras-json", path: "arch.json" }))?.id).toBe("keras-json");
    expect(identifyOtherFormat(modelFacts({ format: "not-a-model", path: "blob" }))?.id).toBe("unknown");
    expect(identifyOtherFormat(modelFacts({ format: "h5-model" }))).toBeNull();
  });

  it("reads tf-keras' 'neither HDF5 nor SavedModel' without any facts", () => {
    const base = baseFor(facts(), "OSError: Unable to load model. Filepath is not an hdf5 file (or h5py is not available) or SavedModel. Received: filepath=model.pt");
    expect(base.diagnosis).toMatchObject({ cause: "not-a-model-file", culprit: "model.pt" });
  });
});

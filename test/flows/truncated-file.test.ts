// truncated-file: a really cut copy of a real model is caught by the real inspector, and the real Keras 3
// traceback on it classifies the same way (with and without the file's facts); the flow prints both sizes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classify } from "../../src/core/classify/classify.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { causes } from "../../flows/index.js";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { autoWalk, causeOf, plainWalk } from "../catalogue/walk.js";
import { facts } from "../catalogue/facts.js";

const cause = causeOf("truncated-file");

describe("truncated-file", () => {
  const dir = mkdtempSync(join(tmpdir(), "kf-trunc-"));
  const whole = readFileSync(join(modelsDir, "keras2", "sequential.h5"));
  const cut = join(dir, "model.h5");
  writeFileSync(cut, whole.subarray(0, 4096));

  it("is caught by the real inspector and reports expected and actual sizes", async () => {
    const session = createDiagnoseSession({ modelPath: cut, timeoutSeconds: 60 });
    const result = await session.diagnose(() => {});
    await session.close();
    expect(result.diagnosis?.cause).toBe("truncated-file");
    const walk = await autoWalk(cause, { file: result.file, env: null, load: null, diagnosis: result.diagnosis!, modelPath: cut });
    expect(walk.outcome).toBe("not-fixed");
    const text = plainWalk(walk);
    expect(text).toContain(`Expected ${whole.length} bytes`);
    expect(text).toContain("found 4096 bytes");
  });

  it("classifies the real Keras 3 traceback on the cut file, with the sizes h5py printed", () => {
    const run = spawnSync(pythonFor("keras3"), ["-c", `import keras; keras.models.load_model(${JSON.stringify(cut)})`], {
      encoding: "utf8",
      env: { ...process.env, ...envVarsFor("keras3") },
    });
    expect(run.status).not.toBe(0);
    const diagnosis = classify(parseTraceback(run.stderr), facts(), causes);
    expect(diagnosis.cause).toBe("truncated-file");
    expect(diagnosis.captures).toMatchObject({ actual: "4096", expected: String(whole.length) });
  });

  it("reads an empty file as incomplete too", () => {
    const diagnosis = classify(null, facts({ file: { format: "empty", path: "m.h5", fileSize: 0 } }), causes);
    expect(diagnosis).toMatchObject({ cause: "truncated-file", culprit: "m.h5" });
  });
});

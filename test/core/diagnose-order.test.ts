// The diagnosis starts Python first and inspects the file while Keras imports; when the file alone settles the
// question (DECIDED_BY_FILE), the worker it started is stopped and nothing about Python is reported or required.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { livePythonPids } from "../../src/core/probe/processes.js";
import type { StageProgress } from "../../src/engine/session.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";

async function diagnose(modelPath: string, python: string) {
  const session = createDiagnoseSession({ modelPath, python, timeoutSeconds: 300 });
  const progress: StageProgress[] = [];
  let pidsDuring: number[] = [];
  try {
    const result = await session.diagnose((p) => {
      progress.push(p);
      if (p.stage === "inspect" && p.status !== "running") pidsDuring = livePythonPids();
    });
    return { result, progress, pidsDuring, pidsAfter: livePythonPids() };
  } finally {
    await session.close();
  }
}

const finalStatus = (progress: StageProgress[], stage: StageProgress["stage"]) => progress.filter((p) => p.stage === stage).at(-1)?.status;

describe("diagnose: Python first, the file may settle it", () => {
  it("an empty file: the worker started during inspect is stopped, and the Python stages are skipped", { timeout: 300_000 }, async () => {
    const { result, progress, pidsDuring, pidsAfter } = await diagnose(join(modelsDir, "bad", "empty.h5"), pythonFor("keras3"));
    // Python was already running (importing Keras) when inspect finished: it started first.
    expect(pidsDuring.length).toBeGreaterThan(0);
    expect(pidsAfter).toEqual([]);
    expect(result.outcome).toBe("diagnosed");
    expect(result.env).toBeNull();
    for (const stage of ["find-python", "import", "load"] as const) expect(finalStatus(progress, stage)).toBe("skipped");
  });

  it("a missing file with an unusable --python is still diagnosed from the file", async () => {
    const { result, pidsAfter } = await diagnose(join(modelsDir, "no-such-model.h5"), "/no/such/python");
    expect(result.outcome).toBe("diagnosed");
    expect(result.diagnosis?.cause).toBe("file-not-found");
    expect(pidsAfter).toEqual([]);
  });

  it("a model that needs the load: the same worker answers it after the import", { timeout: 300_000 }, async () => {
    const { result, progress } = await diagnose(join(modelsDir, "keras3", "sequential.keras"), pythonFor("keras3"));
    expect(result.outcome).toBe("loads");
    expect(finalStatus(progress, "import")).toBe("done");
    // Inspect was reported done before the import was: it ran while Keras imported.
    const inspectDone = progress.findIndex((p) => p.stage === "inspect" && p.status === "done");
    const importDone = progress.findIndex((p) => p.stage === "import" && p.status === "done");
    expect(inspectDone).toBeGreaterThanOrEqual(0);
    expect(inspectDone).toBeLessThan(importDone);
  });
});

// A Keras 2 `.h5` that Keras 3 cannot read, proven in a TensorFlow 2.15 trial environment: the user's environment is
// keras3 (Python 3.11, TF 2.21, Keras 3.15, tf_keras 2.21), the file keras2/functional_nested.h5 (Keras 2.15; Keras 3
// rejects SimpleRNN's `time_major`). Its plans are tf_keras (installed already: nothing a trial can prove) and
// TensorFlow 2.15, which a Python 3.11 trial installs as tensorflow-cpu and loads the model with. The walk is driven
// through the real session (--auto would stop earlier: this environment's own tf_keras loads the file). The trial's
// name is deterministic (bring-home's test reuses the same environment), and it lives in the shared trial cache.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { estimateTrial, TRIAL_RECORD, trialName, UNFINISHED_MARKER } from "../../src/core/trial/environment.js";
import { installPlansForFacts } from "../../src/core/versions/versions.js";
import { type PlanProof } from "../../src/core/versions/plans.js";
import { envCache, modelsDir, pythonFor } from "../helpers/envs.js";

const userPython = pythonFor("keras3");
const model = join(modelsDir, "keras2", "functional_nested.h5");
const trialCache = join(envCache, "..", "trials");
const before = process.env.KERAS_FIX_TRIAL_CACHE;

function freeze(): string {
  const run = spawnSync(userPython, ["-m", "pip", "freeze", "--all"], { encoding: "utf8", timeout: 60_000 });
  expect(run.status).toBe(0);
  return run.stdout;
}

afterAll(() => {
  if (before === undefined) delete process.env.KERAS_FIX_TRIAL_CACHE;
  else process.env.KERAS_FIX_TRIAL_CACHE = before;
});

describe("a TensorFlow 2.15 trial for a Keras 2 .h5 in Keras 3", () => {
  it("estimates the download, proves TF 2.15 on Python 3.11, and leaves the user's environment alone", async () => {
    process.env.KERAS_FIX_TRIAL_CACHE = trialCache;
    const frozen = freeze();
    const progress: string[] = [];
    const session = createDiagnoseSession({ modelPath: model, python: userPython, timeoutSeconds: 300, outputDir: mkdtempSync(join(tmpdir(), "keras-fix-tf215-")), onActionProgress: (line) => progress.push(line) });
    try {
      const result = await session.diagnose(() => undefined);
      expect(result.diagnosis?.cause).toBe("keras2-file-in-keras3");
      const plans = installPlansForFacts(result, model);
      expect(plans.map((plan) => plan.route)).toEqual(["tf-keras-legacy", "keras2-tensorflow"]);
      expect(plans[0].packages).toEqual([]);
      expect(plans[1].requiresPython).toBe(">=3.9,<3.12");

      // The consent's figure, asked of pip's resolver and PyPI as if no trial existed yet (an empty cache folder).
      const fresh = await estimateTrial(plans[1], result.env, { ...process.env, KERAS_FIX_TRIAL_CACHE: mkdtempSync(join(tmpdir(), "keras-fix-trials-")) });
      expect(fresh.ok).toBe(true);
      expect(fresh.target?.pins).toEqual(["tensorflow-cpu==2.15.*"]);
      expect(fresh.estimate!.totalBytes).toBeGreaterThan(150_000_000);
      expect(fresh.message).toMatch(/^about \d+ MB to download.* into a new Python 3\.11 environment/);

      const trial = await session.runAction({ kind: "try-versions", plans });
      const proofs = trial.data?.proofs as PlanProof[];
      expect(proofs[0]).toMatchObject({ proven: false, attempt: null, message: expect.stringMatching(/installs nothing/) });
      expect(proofs[1]).toMatchObject({ proven: true, attempt: 1, python: "3.11", pins: ["tensorflow-cpu==2.15.*"], stage: "load" });
      expect(proofs[1].resolved["tensorflow-cpu"]).toMatch(/^2\.15\./);
      expect(trial.ok).toBe(true);
      // Deterministic: the Python minor and the pins name it.
      expect(proofs[1].dir).toBe(join(trialCache, trialName("3.11", ["tensorflow-cpu==2.15.*"], {})));
      expect(existsSync(join(proofs[1].dir!, UNFINISHED_MARKER))).toBe(false);
      expect(JSON.parse(readFileSync(join(proofs[1].dir!, TRIAL_RECORD), "utf8"))).toMatchObject({ proven: true, python: "3.11" });
      expect(progress.some((line) => /loading the model there/.test(line))).toBe(true);
    } finally {
      await session.close();
    }
    expect(freeze()).toBe(frozen);
  }, 1_500_000);
});

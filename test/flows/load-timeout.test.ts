// load-timeout: a load that does not finish. keras-fix check stops it at --timeout and names this cause with its
// explanation's fix; a user who stopped a hanging load with Ctrl-C pastes a KeyboardInterrupt traceback, captured
// here from real Keras (keras3), which classifies the same way.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { causes } from "../../flows/index.js";
import { jsonOf, runCli } from "../helpers/cli.js";
import { envVarsFor, modelsDir, pythonFor, repoRoot } from "../helpers/envs.js";
import { autoWalk, causeOf, plainWalk } from "../catalogue/walk.js";
import { facts } from "../catalogue/facts.js";

const cause = causeOf("load-timeout");

describe("load-timeout", () => {
  it("keras-fix check stops a load at --timeout, reports it hung with this cause, its explanation's fix, and goes on", () => {
    const repo = mkdtempSync(join(tmpdir(), "kf-load-timeout-"));
    cpSync(join(modelsDir, "keras3", "custom_layer_unregistered.keras"), join(repo, "a-waits.keras"));
    cpSync(join(modelsDir, "keras3", "sequential.keras"), join(repo, "b-loads.keras"));
    const objects = join(mkdtempSync(join(tmpdir(), "kf-load-timeout-code-")), "objects.py");
    writeFileSync(objects, "import time\n\nclass ScaledDense:\n    @classmethod\n    def from_config(cls, config):\n        time.sleep(600)\n");
    const run = runCli(["check", "--jobs", "1", "--timeout", "5", "--custom-objects", objects, "--python", pythonFor("keras3"), "--format", "json"], { cwd: repo });
    expect(run.status, run.stderr).toBe(1);
    const [waits, loads] = jsonOf(run).results;
    expect(waits).toMatchObject({ path: "a-waits.keras", status: "hung", cause: "load-timeout", title: "The load did not finish in time", culprit: join(repo, "a-waits.keras") });
    expect(waits.summary).toMatch(/was still loading when the time limit ran out/);
    expect(waits.error).toMatch(/did not finish within 5 s/);
    expect(waits.fix).toMatch(/^Give the load more time with `--timeout SECONDS`/);
    expect(loads).toMatchObject({ path: "b-loads.keras", status: "loads" });
  });

  it("classifies a real Ctrl-C on a load that waits (KeyboardInterrupt inside Keras' loading code)", () => {
    const run = spawnSync(pythonFor("keras3"), [join(repoRoot, "scripts", "fixtures", "capture_load_interrupt.py"), join(modelsDir, "keras3", "custom_layer_unregistered.keras")], {
      encoding: "utf8",
      env: { ...process.env, ...envVarsFor("keras3") },
      timeout: 120_000,
    });
    expect(run.stderr).toMatch(/KeyboardInterrupt\s*$/);
    expect(classify(parseTraceback(run.stderr), facts(), causes).cause).toBe("load-timeout");
  });

  it("a KeyboardInterrupt outside a load (a training loop) is not this cause", () => {
    const text = 'Traceback (most recent call last):\n  File "train.py", line 9, in <module>\n    model.fit(x, y, epochs=100)\n  File "/usr/lib/python3/site-packages/keras/src/backend/tensorflow/trainer.py", line 377, in fit\n    logs = self.train_function(iterator)\nKeyboardInterrupt\n';
    expect(classify(parseTraceback(text), facts(), causes).cause).not.toBe("load-timeout");
  });

  it("walks to its end without consent: more time, or where it waits", async () => {
    const diagnosis = classify(null, facts({ file: { format: "keras-zip", path: "m.keras" } }), causes);
    expect(diagnosis.cause).not.toBe("load-timeout");
    const walk = await autoWalk(cause, { file: null, env: null, load: null, diagnosis: { ...diagnosis, cause: "load-timeout", captures: {} }, modelPath: "m.keras" });
    expect(walk.outcome).toBe("not-fixed");
    expect(plainWalk(walk)).toMatch(/--timeout SECONDS[\s\S]*faulthandler/);
  });
});

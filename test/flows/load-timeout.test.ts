// load-timeout: a load that does not finish. keras-fix check stops it at --timeout (real Keras, keras3) and names
// this cause with its explanation's fix; the error line it records classifies the same way in `explain`.
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { causes } from "../../flows/index.js";
import { jsonOf, runCli } from "../helpers/cli.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
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

  it("explain classifies the error line check records for it, with the time limit", () => {
    const diagnosis = classify(parseTraceback("TimeoutError: the load did not finish within 300 s; Python was stopped and the run went on\n"), facts(), causes);
    expect(diagnosis).toMatchObject({ cause: "load-timeout", captures: { seconds: "300" } });
  });

  it("a user's Ctrl-C (KeyboardInterrupt, here in a training loop) is not this cause", () => {
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

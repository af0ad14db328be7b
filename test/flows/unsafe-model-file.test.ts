// unsafe-model-file: a file the safety read names dangerous outranks every other diagnosis, --auto never loads it
// (a real Keras 3.5 would run its payload: the canary proves keras-fix did not), the walk explains each finding and
// loads only after consent, and keras-fix's guard error (KerasFixRefusedImport) is this cause with the module.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { inspectModel } from "../../src/core/inspect/index.js";
import type { ModelFacts } from "../../src/core/types.js";
import { facts } from "../catalogue/facts.js";
import { autoWalk, baseFor, causeOf, ok, plainWalk, walkWith } from "../catalogue/walk.js";
import { jsonOf, runCli } from "../helpers/cli.js";
import { envVarsFor, pythonFor } from "../helpers/envs.js";
import { writeUnsafeFiles, type UnsafeFile } from "../safety/unsafe-files.js";

const cause = causeOf("unsafe-model-file");
let dir: string;
let canaries: string;
let reproducer: string;
let reproducerCanary: string;
let files: UnsafeFile[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keras-fix-unsafe-"));
  canaries = join(dir, "canaries");
  files = writeUnsafeFiles(join(dir, "files"), canaries);
  // The CVE-2025-1550 reproducer, saved by the real Keras 3.5 it targets.
  reproducer = join(dir, "cve-2025-1550.keras");
  reproducerCanary = join(canaries, "cve-2025-1550.created");
  const script = fileURLToPath(new URL("../safety/make_config_canary.py", import.meta.url));
  const made = spawnSync(pythonFor("keras35-py312"), [script, reproducer, reproducerCanary], {
    encoding: "utf8", timeout: 180_000, env: { ...process.env, ...envVarsFor("keras35-py312") },
  });
  if (made.status !== 0) throw new Error(`make_config_canary.py failed: ${made.stderr}`);
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileOf = (label: string) => files.find((f) => f.label === label)!;

describe("unsafe-model-file", () => {
  it("the canaries are live: Keras 3.5 runs the config's subprocess.run, numpy unpickles the npz weights", () => {
    const env = { ...process.env, ...envVarsFor("keras35-py312") };
    const loaded = spawnSync(pythonFor("keras35-py312"), ["-c", `import keras; keras.models.load_model(${JSON.stringify(reproducer)})`], { encoding: "utf8", timeout: 180_000, env });
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(existsSync(reproducerCanary)).toBe(true);
    rmSync(reproducerCanary);
    const npz = fileOf("zip-npz-pickle");
    const code = `import zipfile, io, numpy as np; z = zipfile.ZipFile(${JSON.stringify(npz.path)}); np.load(io.BytesIO(z.read("model.weights.npz")), allow_pickle=True)["dense"]`;
    const unpickled = spawnSync(pythonFor("keras35-py312"), ["-c", code], { encoding: "utf8", timeout: 60_000 });
    expect(unpickled.status, unpickled.stderr).toBe(0);
    expect(existsSync(npz.canary!)).toBe(true);
    rmSync(npz.canary!);
  }, 240_000);

  it("--auto on a Keras open to the payload: inspects, probes, never loads, exits 1, and the canary is not created", () => {
    const run = runCli([reproducer, "--auto", "--json", "--python", pythonFor("keras35-py312"), "--timeout", "120"], { env: envVarsFor("keras35-py312") });
    const report = jsonOf(run);
    expect(run.status, run.stderr).toBe(1);
    expect(report.diagnosis).toMatchObject({ cause: "unsafe-model-file", culprit: "config.json:config.layers[0]" });
    expect(report.load).toBeNull();
    expect(report.env.packages.keras).toBe("3.5.0");
    expect(report.file.safety).toMatchObject({ verdict: "dangerous", findings: [{ id: "config-imports-module", advisory: "CVE-2025-1550", installedOpen: true }] });
    expect(JSON.stringify(report.walk)).toMatch(/Your installed Keras is open to it/);
    expect(existsSync(reproducerCanary)).toBe(false);
  }, 240_000);

  it("inspect and --auto never run a pickle or a config payload, whatever the Python", () => {
    for (const file of files.filter((f) => f.canary)) {
      const inspected = runCli(["inspect", file.path, "--json"]);
      expect(inspected.status, file.label).toBe(1); // inspect exits 1 on a dangerous file, as scanners do
      expect(jsonOf(inspected).safety.verdict, file.label).toBe("dangerous");
      const auto = runCli([file.path, "--auto", "--json", "--python", pythonFor("bare"), "--timeout", "60"]);
      expect({ label: file.label, status: auto.status, cause: jsonOf(auto).diagnosis?.cause }).toEqual({ label: file.label, status: 1, cause: "unsafe-model-file" });
      expect(existsSync(file.canary!), `${file.label}: its canary was created`).toBe(false);
    }
  }, 240_000);

  it("the session skips the load stage of a dangerous file", async () => {
    const stages: string[] = [];
    const session = createDiagnoseSession({ modelPath: fileOf("zip-duplicate-config").path, python: pythonFor("bare"), timeoutSeconds: 60 });
    const result = await session.diagnose((p) => stages.push(`${p.stage}:${p.status}`));
    await session.close();
    expect(stages).toContain("load:skipped");
    expect(result.load).toBeNull();
    expect(result.diagnosis).toMatchObject({ cause: "unsafe-model-file" });
  }, 120_000);

  it("--auto stops before loading; the typed-yes road explains every finding first and then loads", async () => {
    const file: ModelFacts = await inspectModel(fileOf("config-tfsmlayer").path);
    const base = baseFor({ file, env: null, load: null }, null, file.path);
    expect(base.diagnosis.cause).toBe("unsafe-model-file");
    const walk = await autoWalk(cause, base);
    expect(walk.outcome).toBe("not-fixed");
    const text = plainWalk(walk);
    expect(text).toMatch(/TFSMLayer loads and runs another SavedModel/);
    expect(text).toMatch(/CVE-2026-1462/);
    expect(text).not.toMatch(/pip install/);
    const choose = cause.steps.find((s) => s.id === "choose");
    expect(choose?.kind === "choice" && choose.options.find((o) => o.id === "load")?.needsConsent).toBeTruthy();
    const yes = walkWith(cause, base, { choose: "load" }, { "verify-anyway": ok() });
    expect(yes.visited).toEqual(["explain", "choose", "verify-anyway", "loaded"]);
    expect(yes.text.indexOf("TFSMLayer")).toBeLessThan(yes.text.indexOf("It loaded"));
  });

  it("outranks every other cause on a dangerous file, and names the module keras-fix's guard refused", async () => {
    const dangerous = await inspectModel(fileOf("config-subprocess-run").path);
    // A traceback that alone says "keras is missing": the file's danger still comes first.
    const missingKeras = "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'keras'";
    expect(baseFor({ file: dangerous, env: null, load: null }, missingKeras).diagnosis.cause).toBe("unsafe-model-file");
    const refused = "Traceback (most recent call last):\n  File \"/x/tf_keras/src/saving/serialization_lib.py\", line 804, in _retrieve_class_or_fn\nkeras_probe.KerasFixRefusedImport: keras-fix refused to import module 'subprocess' while loading the model";
    expect(baseFor(facts(), refused).diagnosis).toMatchObject({ cause: "unsafe-model-file", culprit: "module subprocess" });
    // A clean file's Keras refusal stays a missing custom object.
    const safe = await inspectModel(fileOf("real-sequential").path);
    expect(baseFor({ file: safe, env: null, load: null }, "TypeError: Could not locate class 'Gate'.").diagnosis.cause).not.toBe("unsafe-model-file");
    // A caution alone (an unexpected member) does not make the cause.
    const caution = await inspectModel(fileOf("zip-unexpected-member").path);
    expect(caution.safety?.verdict).toBe("caution");
    expect(baseFor({ file: caution, env: null, load: null }, null).diagnosis.cause).not.toBe("unsafe-model-file");
  });
});

describe("unsafe-model-file on pasted text (issue 22)", () => {
  it("is keras-fix's guard's wording only, not any text that names a module", () => {
    // pytest's report of a test module that failed to import (the error itself cut off): no guard ran here.
    const pytest = [
      "ImportError while importing test module '/home/me/project/tests/test_load.py'.",
      "Hint: make sure your test modules/packages have valid Python names.",
      "Traceback:",
      "tests/test_load.py:3: in <module>",
      "    from tensorflow.keras.models import load_model",
    ].join("\n");
    expect(baseFor(facts(), pytest).diagnosis.cause).not.toBe("unsafe-model-file");
    const guard = "Traceback (most recent call last):\n  File \"/x/keras/src/saving/serialization_lib.py\", line 800, in _retrieve_class_or_fn\nkeras_fix.KerasFixRefusedImport: keras-fix refused to import module 'subprocess' while loading the model: the file asks Keras to import it";
    expect(baseFor(facts(), guard).diagnosis).toMatchObject({ cause: "unsafe-model-file", culprit: "module subprocess" });
  });
});

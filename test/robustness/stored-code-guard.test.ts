// keras-fix's own guard in the probe (issue 8): a model's stored code never runs unasked, in every Keras line, even
// where Keras' safe_mode does not look (tf.keras 2.x / Keras 2 .h5 and SavedModel, Keras 3 .h5 before 3.11.3) and
// where Keras imports whatever module a .keras config names (Keras 3 < 3.9, tf_keras). Every canary below is a file
// that only running the model's code would create; each test checks it is absent afterwards, and two controls
// (allowStoredCode, the typed-yes fix) show that the very same files do create it once the guard is lifted.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { startProbe, type ProbeSession } from "../../src/core/probe/probe.js";
import { runInteractive } from "../../src/modes/interactive.js";
import { envVarsFor, modelsDir, pythonFor, repoRoot, type EnvName } from "../helpers/envs.js";
import { runBounded, runCli } from "./helpers.js";
import { FakeStdin, FakeStdout } from "../helpers/fake-terminal.js";

const maker = new URL("make_canary_lambda.py", import.meta.url).pathname;
const harness = new URL("guard_harness.py", import.meta.url).pathname;
const probeScript = join(repoRoot, "src", "python", "keras_probe.py");
const REFUSED_LAMBDA = "keras_fix.KerasFixRefusedLambda";
const REFUSED_IMPORT = "keras_fix.KerasFixRefusedImport";

let dir: string;
const at = (name: string) => join(dir, name);
// The Lambda canary's path is read from KERAS_FIX_CANARY when the lambda runs; the import canaries are in the configs.
const lambdaCanary = () => at("CANARY-lambda");

async function make(env: EnvName, args: string[], extraEnv: Record<string, string> = {}): Promise<void> {
  const made = await runBounded([pythonFor(env), maker, ...args], { timeoutMs: 300_000, env: { ...envVarsFor(env), ...extraEnv } });
  expect(made.code, `${env} ${args.join(" ")}: ${made.stderr.slice(-1500)}`).toBe(0);
}

// Each group of canary files is made once, by real Keras, when a test first needs it (so -t runs make only theirs).
const made = new Map<string, Promise<void>>();
function once(key: string, build: () => Promise<void>): Promise<void> {
  if (!made.has(key)) made.set(key, build());
  return made.get(key)!;
}
const keras2Files = () => once("keras2", () => make("keras2", [at("k2.h5"), at("k2_savedmodel")]));
const tf21Files = () => once("tf21", () => make("tf21-py37", ["--lib", "tf.keras", at("tf21.h5")]));
const keras35Files = () =>
  once("keras35", () =>
    Promise.all([
      make("keras35-py312", [at("k35.h5"), at("k35.keras")]),
      make("keras35-py312", ["--import-canary", at("CANARY-import-k35"), at("import-k35.keras")]),
      make("keras35-py312", ["--import-canary", at("CANARY-import-k35"), "--builtins-exec", at("builtins-exec-k35.keras")]),
      make("keras35-py312", ["--import-canary", at("CANARY-get-file-k35"), "--get-file", at("get-file-k35.keras")]),
    ]).then(() => undefined),
  );
const keras3Files = () =>
  once("keras3", () =>
    Promise.all([
      make("keras3", ["--import-canary", at("CANARY-import-k315"), at("import-k315.keras")]),
      make("keras3", ["--lib", "tf_keras", "--import-canary", at("CANARY-import-tfk"), at("import-tfk.keras")], { TF_USE_LEGACY_KERAS: "1" }),
    ]).then(() => undefined),
  );

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keras-fix-guard-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expectNoCanary(): void {
  for (const name of ["CANARY-lambda", "CANARY-import-k35", "CANARY-import-k315", "CANARY-import-tfk", "CANARY-get-file-k35"]) {
    expect(existsSync(at(name)), `${name}: the model's code ran`).toBe(false);
  }
}

async function probeFor(env: EnvName): Promise<ProbeSession> {
  return startProbe({ python: { path: pythonFor(env), source: "flag" }, timeoutSeconds: 300, env: { ...envVarsFor(env), KERAS_FIX_CANARY: lambdaCanary() } });
}

describe("the probe refuses stored code before it runs (one warm worker per env)", () => {
  it("tf.keras 2.15 (Keras never gates .h5/SavedModel): Lambda .h5 refused, SavedModel revived without its bytecode, safeMode false alone changes nothing", async () => {
    await keras2Files();
    const probe = await probeFor("keras2");
    try {
      for (const fix of [{}, { safeMode: false }]) {
        const h5 = await probe.load(at("k2.h5"), fix);
        expect(h5.ok).toBe(false);
        expect(h5.chain.at(-1)?.type).toBe(REFUSED_LAMBDA);
        expect(h5.chain.at(-1)?.message).toMatch(/Lambda layer 'canary_lambda'/);
        // Keras falls back to the traced graph when a layer's config cannot be rebuilt: it loads, nothing ran.
        const savedModel = await probe.load(at("k2_savedmodel"), fix);
        expect(savedModel.chain.map((e) => e.type)).not.toContain("NameError");
        expect(savedModel.warnings.join("\n")).toMatch(/refused the Python bytecode/);
        expectNoCanary();
      }
      // Control: with the typed-yes fix, the same file runs its Lambda (so the absence above means something).
      expect((await probe.load(at("k2.h5"), { safeMode: false, allowStoredCode: true })).ok).toBe(true);
      expect(existsSync(lambdaCanary())).toBe(true);
      rmSync(lambdaCanary());
    } finally {
      await probe.close();
    }
  }, 600_000);

  it("Keras 3.5 (< 3.9, < 3.11.3): Lambda .h5 and .keras refused, subprocess named by the config refused", async () => {
    await keras35Files();
    const probe = await probeFor("keras35-py312");
    try {
      for (const fix of [{}, { safeMode: false }]) {
        expect((await probe.load(at("k35.h5"), fix)).chain.at(-1)?.type).toBe(REFUSED_LAMBDA);
        const imported = await probe.load(at("import-k35.keras"), fix);
        expect(imported.chain.at(-1)?.type).toBe(REFUSED_IMPORT);
        expect(imported.chain.at(-1)?.message).toMatch(/module 'subprocess' \(for 'run'\)/);
        // A Lambda whose function is builtins.exec: not a Keras built-in, so Keras 3.5 would import builtins.
        const exec = await probe.load(at("builtins-exec-k35.keras"), fix);
        expect(exec.chain.at(-1)?.message).toMatch(/module 'builtins' \(for 'exec'\)/);
        // keras.utils.get_file named as a layer: Keras' own public API, never imported, so refused by what it is.
        const getFile = await probe.load(at("get-file-k35.keras"), fix);
        expect(getFile.chain.at(-1)?.type).toBe(REFUSED_IMPORT);
        expect(getFile.chain.at(-1)?.message).toMatch(/refused to use keras\.\S*get_file/);
      }
      // Custom objects saved under module "builtins" or an absent module of the user's keep Keras' usual error.
      for (const name of ["custom_activation.keras", "custom_layer_unregistered.keras"]) {
        const custom = await probe.load(join(modelsDir, "keras3", name));
        expect(custom.ok, name).toBe(false);
        expect(custom.chain.map((e) => e.type).filter((t) => t.startsWith("keras_fix.")), name).toEqual([]);
      }
      // The --custom-objects module is the user's own code: Keras 3.5 may import it by the config's module name.
      const own = await probe.load(join(modelsDir, "keras3", "custom_layer_unregistered.keras"), {
        customObjectsModule: join(modelsDir, "sources", "fixture_layers.py"),
      });
      expect(own.ok, JSON.stringify(own.chain.at(-1))).toBe(true);
      // Keras 3.5 refuses a .keras Lambda itself in safe mode; with safe_mode off, keras-fix still does.
      expect((await probe.load(at("k35.keras"), { safeMode: false })).chain.at(-1)?.type).toBe(REFUSED_LAMBDA);
      expectNoCanary();
      // Control: lifted, Keras 3.5 imports subprocess and calls run(["touch", canary]) (CVE-2025-1550).
      await probe.load(at("import-k35.keras"), { allowStoredCode: true });
      expect(existsSync(at("CANARY-import-k35"))).toBe(true);
      rmSync(at("CANARY-import-k35"));
      // Control: lifted, Keras 3.5 calls get_file and writes the file the config chose (CVE-2025-8747).
      await probe.load(at("get-file-k35.keras"), { allowStoredCode: true });
      expect(existsSync(at("CANARY-get-file-k35"))).toBe(true);
      rmSync(at("CANARY-get-file-k35"));
    } finally {
      await probe.close();
    }
  }, 600_000);

  it("Keras 3.15 refuses the subprocess config itself; tf_keras (which imports any module) is refused by keras-fix", async () => {
    await keras3Files();
    const probe = await probeFor("keras3");
    try {
      const current = await probe.load(at("import-k315.keras"));
      expect(current.ok).toBe(false);
      const tfKeras = await probe.load(at("import-tfk.keras"), { legacyKeras: true });
      expect(tfKeras.chain.at(-1)?.type).toBe(REFUSED_IMPORT);
      expect(tfKeras.chain.at(-1)?.message).toMatch(/module 'subprocess'/);
      expectNoCanary();
    } finally {
      await probe.close();
    }
  }, 600_000);

  it("TF 2.1 tf.keras: the Lambda's func_load (tensorflow_core) is guarded too", async () => {
    await tf21Files();
    const run = async (...extra: string[]) => {
      const done = await runBounded([pythonFor("tf21-py37"), harness, probeScript, at("tf21.h5"), ...extra], {
        timeoutMs: 300_000, env: { KERAS_FIX_CANARY: lambdaCanary() },
      });
      expect(done.code, done.stderr.slice(-1500)).toBe(0);
      return JSON.parse(done.stdout.trim().split("\n").at(-1) ?? "{}") as { ok: boolean; type: string | null };
    };
    expect(await run()).toMatchObject({ ok: false, type: REFUSED_LAMBDA });
    expectNoCanary();
  }, 600_000);
});

describe("the CLI never runs stored code without a typed yes", () => {
  it("--auto --json: a tf.keras 2.15 Lambda .h5 is diagnosed lambda-safe-mode, exit 1, nothing ran", async () => {
    await keras2Files();
    const run = await runCli([at("k2.h5"), "--auto", "--json", "--python", pythonFor("keras2")], { env: { KERAS_FIX_CANARY: lambdaCanary() } });
    const report = JSON.parse(run.stdout);
    expect(run.code, run.stderr.slice(-800)).toBe(1);
    expect(report.diagnosis?.cause).toBe("lambda-safe-mode");
    expect(report.load?.exceptionType).toBe(REFUSED_LAMBDA);
    expect(report.walk?.fix?.allowStoredCode).toBeUndefined();
    expectNoCanary();
  }, 600_000);

  it("--auto --json: the subprocess config on Keras 3.5 is refused, never reported as loading", async () => {
    await keras35Files();
    const run = await runCli([at("import-k35.keras"), "--auto", "--json", "--python", pythonFor("keras35-py312")], { env: envVarsFor("keras35-py312") });
    const report = JSON.parse(run.stdout);
    expect(run.code, run.stderr.slice(-800)).not.toBe(0);
    expect(report.outcome).not.toBe("loads");
    // The safety read names the file dangerous before any load (the load is skipped); were it loaded, the guard
    // refuses the import. Either way it is unsafe-model-file, never a missing custom object.
    if (report.load !== null) expect(report.load.exceptionType).toBe(REFUSED_IMPORT);
    expect(report.file?.safety?.verdict).toBe("dangerous");
    expect(report.diagnosis?.cause).toBe("unsafe-model-file");
    expectNoCanary();
  }, 600_000);

  it("the wizard: refusing consent (typed no, Esc) and the rebuild route run nothing", async () => {
    await keras2Files();
    process.env.KERAS_FIX_CANARY = lambdaCanary();
    // The walk writes its scripts (the rebuild) into the current folder: the scratch folder, never the checkout.
    const before = process.cwd();
    process.chdir(dir);
    onTestFinished(() => process.chdir(before));
    const stdin = new FakeStdin();
    const stdout = new FakeStdout();
    const exit = runInteractive(at("k2.h5"), { auto: false, json: false, python: pythonFor("keras2"), timeoutSeconds: 300 }, {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
      folder: dir,
    });
    const screen = () => stripVTControlCharacters(stdout.output);
    // Waits for text that appears after everything printed so far (earlier frames must not satisfy it).
    let mark = 0;
    const see = async (text: string, ticks = 3000) => {
      for (let i = 0; i < ticks; i++) {
        const at = screen().indexOf(text, mark);
        if (at >= 0) {
          mark = at + text.length;
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`never saw ${text}; screen:\n${screen().slice(-3000)}`);
    };
    const press = async (...keys: string[]) => {
      for (const key of keys) {
        stdin.write(key);
        await new Promise((r) => setTimeout(r, 150));
      }
    };
    await see("What a Lambda layer stores");
    await press("\r");
    await see("How do you want to load it?");
    // The consent road declined with a typed "no", then with Esc (the list comes back on its first option).
    for (const decline of [["n", "o", "\r"], ["\u001b"]]) {
      await press("\u001b[B", "\r");
      await see('Type "yes"');
      await press(...decline);
      await see("Not confirmed: nothing was run");
    }
    // The rebuild road to its end: the canary Lambda calls os.system, so its body is an honest TODO, never copied.
    await press("\r");
    await see("The rebuild is not proven yet");
    await press("\r");
    expect(await exit).toBe(1);
    expectNoCanary();
    delete process.env.KERAS_FIX_CANARY;
  }, 600_000);
});

// `keras-fix check`: a whole folder of models as a CI gate, end to end with real Keras (keras3 and keras2). A hang and
// a crash come from a --custom-objects module this test writes (no model-embedded code runs): its ScaledDense sleeps
// in from_config, its MainScaler kills its own Python. A dangerous file sits among good ones and is never loaded.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseJunit } from "junit2json";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { cliPath, modelsDir, pythonFor } from "../helpers/envs.js";
import { writeUnsafeFiles } from "../safety/unsafe-files.js";
import { htmlReport, junitXml, markdown, sarifLog } from "../../src/engine/check/formats.js";
import type { CheckResult, TimedResult } from "../../src/engine/check/run.js";

const require = createRequire(import.meta.url);
// The SARIF 2.1.0 schema is draft-04 JSON Schema: ajv's own draft-04 build validates it.
const Ajv = require("ajv-draft-04") as typeof import("ajv-draft-04").default;
const sarifSchema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));

function validateSarif(log: unknown): void {
  // unicodeRegExp off: one pattern of the official schema (a language tag) is not valid under JavaScript's /u flag.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
  const validate = ajv.compile(sarifSchema);
  expect(validate(log), JSON.stringify(validate.errors, null, 1)).toBe(true);
}

const CUSTOM_OBJECTS = `import os, signal, time
MARK = os.environ.get("CHECK_TEST_MARK")

class ScaledDense:
    @classmethod
    def from_config(cls, config):
        if MARK:
            with open(MARK, "w") as f:
                f.write(str(os.getpid()))
        time.sleep(600)

class MainScaler:
    @classmethod
    def from_config(cls, config):
        os.kill(os.getpid(), signal.SIGKILL)
`;

function place(dir: string, from: string, to: string): void {
  mkdirSync(join(dir, to, ".."), { recursive: true });
  cpSync(join(modelsDir, from), join(dir, to), { recursive: true });
}

/** Every file under `dir` with its size and mtime: what "nothing written in the model folder" compares. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const info = statSync(full);
        out.push(`${full} ${info.size} ${info.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

const byPath = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.path, r]));

describe("keras-fix check on a repository (keras3)", () => {
  let repo: string;
  let scratch: string;
  let run: ReturnType<typeof runCli>;
  let doc: Record<string, any>;
  let before: string[];
  let canary: string;

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "keras-fix-check-repo-"));
    scratch = mkdtempSync(join(tmpdir(), "keras-fix-check-scratch-"));
    place(repo, "keras3/sequential.keras", "good/sequential.keras");
    place(repo, "keras3/functional_nested.h5", "good/functional_nested.h5");
    place(repo, "keras3/custom_layer_unregistered.keras", "hang/custom_layer_unregistered.keras");
    place(repo, "keras3/custom_layer_main.keras", "crash/custom_layer_main.keras");
    place(repo, "keras3/sequential.h5", "zz-after/sequential.h5");
    place(repo, "bad/lfs_pointer.h5", "lfs/weights.h5");
    place(repo, "keras3/weights_only.weights.h5", "weights/model.weights.h5");
    place(repo, "keras3/savedmodel_export", "exported/savedmodel_export");
    // Skipped: ignored by .gitignore, node_modules, a virtualenv.
    place(repo, "keras3/sequential.h5", "ignored/secret.h5");
    place(repo, "keras3/sequential.h5", "node_modules/pkg/model.h5");
    place(repo, "keras3/sequential.h5", ".venv/lib/model.h5");
    writeFileSync(join(repo, ".venv", "pyvenv.cfg"), "home = /usr/bin\n");
    writeFileSync(join(repo, ".gitignore"), "ignored/\n");
    // A dangerous file among good ones: its payload would create the canary if anything ran it.
    const unsafe = writeUnsafeFiles(join(scratch, "unsafe"), join(scratch, "canaries")).find((f) => f.label === "config-subprocess-run")!;
    canary = unsafe.canary!;
    mkdirSync(join(repo, "danger"));
    copyFileSync(unsafe.path, join(repo, "danger", "model.keras"));
    writeFileSync(join(scratch, "objects.py"), CUSTOM_OBJECTS);
    before = snapshot(repo);
    // One worker (--jobs 1): the count of Python processes below follows the hang and the crash alone.
    run = runCli(["check", "--jobs", "1", "--python", pythonFor("keras3"), "--timeout", "20", "--custom-objects", join(scratch, "objects.py"), "--format", "json"], {
      cwd: repo,
      env: { CHECK_TEST_MARK: join(scratch, "hang.pid") },
      timeoutMs: 400_000,
    });
    doc = jsonOf(run);
  }, 420_000);

  it("finds every model (folders walked, SavedModels and weights files included) and skips ignored places", () => {
    expect(doc.results.map((r: CheckResult) => r.path)).toEqual([
      "crash/custom_layer_main.keras",
      "danger/model.keras",
      "exported/savedmodel_export",
      "good/functional_nested.h5",
      "good/sequential.keras",
      "hang/custom_layer_unregistered.keras",
      "lfs/weights.h5",
      "weights/model.weights.h5",
      "zz-after/sequential.h5",
    ]);
  });

  it("reports each model: loads, or the cause id, culprit and fix; exit 1", () => {
    expect(run.status).toBe(1);
    expect(doc.exitCode).toBe(1);
    const r = byPath(doc.results);
    for (const good of ["good/functional_nested.h5", "good/sequential.keras", "zz-after/sequential.h5"]) {
      expect(r[good]).toMatchObject({ status: "loads", cause: null });
    }
    expect(r["lfs/weights.h5"]).toMatchObject({ status: "fails", cause: "git-lfs-pointer", format: "git-lfs-pointer" });
    expect(r["weights/model.weights.h5"]).toMatchObject({ status: "fails", cause: "weights-only-file" });
    expect(r["exported/savedmodel_export"]).toMatchObject({ status: "fails", cause: "savedmodel-in-keras3" });
    expect(r["exported/savedmodel_export"].fix).toMatch(/TFSMLayer/);
    expect(doc.summary).toEqual({ total: 9, loads: 3, fails: 3, dangerous: 1, hung: 1, crashed: 1 });
  });

  it("never loads the dangerous file: reported as unsafe-model-file, its payload never ran", () => {
    expect(byPath(doc.results)["danger/model.keras"]).toMatchObject({ status: "dangerous", cause: "unsafe-model-file" });
    expect(existsSync(canary)).toBe(false);
  });

  it("reports a hung load and a crashed worker, and goes on with a fresh worker each time", () => {
    const r = byPath(doc.results);
    expect(r["hang/custom_layer_unregistered.keras"]).toMatchObject({ status: "hung", cause: "load-timeout" });
    expect(r["crash/custom_layer_main.keras"].status).toBe("crashed");
    expect(r["crash/custom_layer_main.keras"].error).toMatch(/SIGKILL/);
    // The hung worker was killed: its pid is gone.
    const pid = Number(readFileSync(join(scratch, "hang.pid"), "utf8"));
    expect(() => process.kill(pid, 0)).toThrow();
    // Sorted, the crash comes first (worker 1), then one worker loads every model up to the hang (worker 2), and a
    // fresh one the model after it (worker 3): three Keras imports for nine models.
    expect(doc.run).toMatchObject({ workersStarted: 3, kerasImports: 3 });
  });

  it("writes nothing in the model folder", () => {
    expect(snapshot(repo)).toEqual(before);
  });

  it("JUnit: one testcase per model × environment, read by a JUnit parser", async () => {
    const timed: TimedResult[] = doc.results.map((result: CheckResult & { seconds: number }) => ({ result, seconds: result.seconds }));
    const parsed = (await parseJunit(junitXml(timed))) as any;
    expect(parsed.tests).toBe(9);
    expect(parsed.failures).toBe(4);
    expect(parsed.errors).toBe(2);
    const suite = parsed.testsuite[0];
    expect(suite.name).toMatch(/keras 3\.15\.1/);
    expect(suite.testcase.map((c: any) => c.name)).toEqual(doc.results.map((r: CheckResult) => r.path));
    const lfs = suite.testcase.find((c: any) => c.name === "lfs/weights.h5");
    expect(lfs.failure[0].type).toBe("git-lfs-pointer");
    const hung = suite.testcase.find((c: any) => c.name === "hang/custom_layer_unregistered.keras");
    expect(hung.error[0].type).toBe("load-timeout");
  });

  it("markdown for a pull-request comment: the counts, one row per model with its cause and fix", () => {
    const text = markdown(doc.results.map((result: CheckResult) => ({ result, seconds: 0 })));
    expect(text).toMatch(/^### ❌ keras-fix check: 9 models: 3 load, 3 fail, 1 dangerous, 1 hung, 1 crashed$/m);
    expect(text).toMatch(/^\| `lfs\/weights\.h5` \| ❌ fails \| `git-lfs-pointer` \|/m);
    expect(text).toMatch(/^\| `good\/sequential\.keras` \| ✅ loads \| {2}\|/m);
    expect(text.split("\n").filter((line) => line.startsWith("| `"))).toHaveLength(9);
  });

  it("HTML: one self-contained page, every model a row, every string from a file escaped", () => {
    const timed: TimedResult[] = doc.results.map((result: CheckResult) => ({ result, seconds: 0.5 }));
    const hostile: TimedResult = { result: { ...timed[0].result, path: "<script>alert(1)</script>.h5" }, seconds: 0 };
    const page = htmlReport([...timed, hostile], "0.0.0");
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script/);
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;.h5");
    expect(page.match(/<tr class=/g)).toHaveLength(10);
    expect(page).toContain('<section id="git-lfs-pointer">');
  });

  it("SARIF: valid against the official 2.1.0 schema; ruleId = cause id, help = its explanation, location = the path", () => {
    const timed: TimedResult[] = doc.results.map((result: CheckResult) => ({ result, seconds: 0 }));
    const log = JSON.parse(sarifLog(timed, "0.0.0"));
    validateSarif(log);
    const results = log.runs[0].results;
    expect(results).toHaveLength(6);
    const lfs = results.find((r: any) => r.ruleId === "git-lfs-pointer");
    expect(lfs.locations[0].physicalLocation.artifactLocation.uri).toBe("lfs/weights.h5");
    const rule = log.runs[0].tool.driver.rules.find((r: any) => r.id === "git-lfs-pointer");
    expect(rule.help.text).toMatch(/How to fix: .*git lfs/i);
  });
});

describe("keras-fix check output files and exit codes", () => {
  it("exit 0 when every model loads; --format junit --output writes a NEW file a JUnit parser reads", async () => {
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-check-ok-"));
    place(repo, "keras3/sequential.keras", "models/a.keras");
    place(repo, "keras3/functional_nested.h5", "models/b.h5");
    const out = join(mkdtempSync(join(tmpdir(), "keras-fix-check-out-")), "junit.xml");
    // A glob and a file (the glob is expanded by keras-fix, as a CI step quotes it).
    const run = runCli(["check", "models/*.keras", "models/b.h5", "--python", pythonFor("keras3"), "--format", "junit", "--output", out], { cwd: repo });
    expect(run.status, run.stderr).toBe(0);
    const parsed = (await parseJunit(readFileSync(out, "utf8"))) as any;
    expect(parsed.tests).toBe(2);
    expect(parsed.failures).toBe(0);
    expect(parsed.testsuite[0].testcase.map((c: any) => c.name)).toEqual(["models/a.keras", "models/b.h5"]);
    expect(run.stderr).toMatch(/2 models: 2 load/);
    // The same output again: the file exists, keras-fix never overwrites it (exit 2, before any Python).
    const again = runCli(["check", "models", "--python", pythonFor("keras3"), "--format", "junit", "--output", out], { cwd: repo });
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/exists; keras-fix writes only new files/);
  });

  it("usage errors exit 2 with a clear message", () => {
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-check-usage-"));
    const cases: [string[], RegExp][] = [
      [["check", "no/such/dir"], /nothing at no\/such\/dir/],
      [["check", "--format", "xml"], /--format xml: expected one of/],
      [["check", "models/**/*.h5"], /the pattern models\/\*\*\/\*\.h5 matches no model file/],
      [["check", "--against", "not a; requirement"], /--against not a; requirement: expected pip requirements/],
      [["check", "--shard", "3/2"], /--shard 3\/2: expected i\/n/],
      [["check", "--timeout", "0"], /--timeout takes a positive number/],
      [["check", "--bogus"], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const run = runCli(args, { cwd: repo });
      expect(run.status, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    const help = runCli(["check", "--help"], { cwd: repo });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--shard <i\/n>/);
    place(repo, "keras3/sequential.keras", "m.keras");
    const noPython = runCli(["check", "--python", "/nonexistent/python"], { cwd: repo });
    expect(noPython.status).toBe(2);
    expect(noPython.stderr).toMatch(/--python \/nonexistent\/python is not an executable file/);
    // An interpreter that came with a model (inside its folder) is never run.
    place(repo, "keras3/sequential.keras", "downloaded/model.keras");
    mkdirSync(join(repo, "downloaded", "bin"));
    symlinkSync(pythonFor("keras3"), join(repo, "downloaded", "bin", "python"));
    const shipped = runCli(["check", "downloaded", "--python", "downloaded/bin/python"], { cwd: repo });
    expect(shipped.status).toBe(2);
    expect(shipped.stderr).toMatch(/Refusing to run \S*downloaded\/bin\/python: it lives inside the folder of the model \S*downloaded\/model\.keras/);
    const bare = runCli(["check", "m.keras", "--python", pythonFor("bare")], { cwd: repo });
    expect(bare.status).toBe(2);
    expect(bare.stderr).toMatch(/Keras does not import/);
  });

  it("an unreadable file is reported and the run goes on (root without DAC override, via setpriv)", () => {
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-check-unreadable-"));
    place(repo, "keras3/sequential.keras", "a.keras");
    place(repo, "keras3/sequential.h5", "locked.h5");
    spawnSync("chmod", ["000", join(repo, "locked.h5")]);
    const drop = ["--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"];
    const result = spawnSync("setpriv", [...drop, process.execPath, cliPath, "check", "--python", pythonFor("keras3"), "--format", "jsonl"], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, FORCE_COLOR: "0" },
      timeout: 240_000,
    });
    expect(result.status, result.stderr).toBe(1);
    const lines = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as CheckResult);
    expect(lines.map((l) => [l.path, l.status])).toEqual([["a.keras", "loads"], ["locked.h5", "fails"]]);
    expect(lines[1].error).toMatch(/permission denied/i);
  });

  it("Ctrl-C stops every worker, exits 130 and leaves no partial output file", async () => {
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-check-cancel-"));
    const scratch = mkdtempSync(join(tmpdir(), "keras-fix-check-cancel-scratch-"));
    place(repo, "keras3/sequential.keras", "a.keras");
    place(repo, "keras3/custom_layer_unregistered.keras", "b.keras");
    writeFileSync(join(scratch, "objects.py"), CUSTOM_OBJECTS);
    const mark = join(scratch, "hang.pid");
    const out = join(scratch, "results.jsonl");
    const child = spawn(process.execPath, [cliPath, "check", "--python", pythonFor("keras3"), "--custom-objects", join(scratch, "objects.py"), "--format", "jsonl", "--output", out], {
      cwd: repo,
      env: { ...process.env, FORCE_COLOR: "0", CHECK_TEST_MARK: mark },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 200_000;
    while (!existsSync(mark) || readFileSync(mark, "utf8") === "") {
      if (Date.now() > deadline) throw new Error("the hanging load never started");
      await new Promise((r) => setTimeout(r, 200));
    }
    const pid = Number(readFileSync(mark, "utf8"));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(out)).toBe(false);
  }, 240_000);
});

describe("keras-fix check --shard (keras2)", () => {
  it("the shards' merged JSON lines equal one full run's; SARIF from the CLI is valid", () => {
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-check-shards-"));
    for (const name of ["sequential.h5", "functional_nested.h5", "custom_layer_unregistered.h5", "weights_only.h5", "savedmodel_keras"]) {
      place(repo, `keras2/${name}`, `m/${name}`);
    }
    place(repo, "bad/lfs_pointer.h5", "m/lfs.h5");
    const python = pythonFor("keras2");
    const full = runCli(["check", "--python", python, "--format", "jsonl"], { cwd: repo });
    expect(full.status, full.stderr).toBe(1);
    const lines = (text: string) => text.split("\n").filter(Boolean);
    const fullLines = lines(full.stdout);
    expect(fullLines).toHaveLength(6);
    const shards = [1, 2].map((i) => runCli(["check", "--python", python, "--format", "jsonl", "--shard", `${i}/2`], { cwd: repo }));
    const shardLines = shards.map((s) => lines(s.stdout));
    expect(shardLines[0].length).toBeGreaterThan(0);
    expect(shardLines[1].length).toBeGreaterThan(0);
    expect([...shardLines[0], ...shardLines[1]].sort()).toEqual([...fullLines].sort());
    const results = fullLines.map((line) => JSON.parse(line) as CheckResult);
    expect(byPath(results)["m/sequential.h5"]).toMatchObject({ status: "loads", environment: expect.stringMatching(/tensorflow 2\.15/) });
    expect(byPath(results)["m/custom_layer_unregistered.h5"]).toMatchObject({ status: "fails", cause: "custom-layer-missing", culprit: "ScaledDense" });

    const sarifOut = join(mkdtempSync(join(tmpdir(), "keras-fix-check-sarif-")), "check.sarif");
    const sarif = runCli(["check", "m/custom_layer_unregistered.h5", "m/lfs.h5", "--python", python, "--format", "sarif", "--output", sarifOut], { cwd: repo });
    expect(sarif.status).toBe(1);
    const log = JSON.parse(readFileSync(sarifOut, "utf8"));
    validateSarif(log);
    expect(log.runs[0].results.map((r: any) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri])).toEqual([
      ["custom-layer-missing", "m/custom_layer_unregistered.h5"],
      ["git-lfs-pointer", "m/lfs.h5"],
    ]);
  });
});

describe("keras-fix check --against (a trial environment)", () => {
  it("checks the same models in a throwaway TF 2.15 environment too: one testcase per model × environment", () => {
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-check-against-"));
    place(repo, "keras3/sequential.keras", "k3.keras");
    place(repo, "keras2/sequential.h5", "k2.h5");
    // Built once by keras-fix into its trial cache (never the user's environment), reused afterwards.
    const run = runCli(["check", "--python", pythonFor("keras3"), "--against", "tensorflow==2.15.*", "--format", "jsonl"], { cwd: repo, timeoutMs: 3_000_000 });
    expect(run.status, run.stderr).toBe(1);
    const lines = run.stdout.trim().split("\n").map((line) => JSON.parse(line) as CheckResult);
    expect(lines.map((l) => [l.path, l.status])).toEqual([["k2.h5", "loads"], ["k3.keras", "loads"], ["k2.h5", "loads"], ["k3.keras", "fails"]]);
    const [mine, trial] = [lines[0].environment, lines[2].environment];
    expect(mine).toMatch(/keras 3\.15\.1/);
    expect(trial).toMatch(/tensorflow 2\.15\./);
    expect(lines[3].cause).toBe("keras3-file-in-keras2");
  }, 3_100_000);
});

// `keras-fix check --fix --write-loaders` with real Keras (keras3): a model that loads only with the user's
// --custom-objects and one whose fix --fix proves (compile=False, for a custom loss it cannot find) each get a
// load_<model>.py beside them, a new name when the first is taken, and each script loads its model in that Python.
// Nothing else is written, the models' bytes stay as they were, and without --write-loaders nothing is written at all.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { cliPath, modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";
import type { CheckResult } from "../../src/engine/check/run.js";

const USERS_OWN = "# the user's own script: never overwritten\n";

/** A repository: a custom layer with the file that defines it, a model that loads, a model with a custom loss whose
 *  folder already holds a load_custom_loss.py of the user's. */
function repository(): string {
  const repo = mkdtempSync(join(tmpdir(), "keras-fix-check-fix-"));
  const place = (from: string, to: string) => {
    mkdirSync(join(repo, to, ".."), { recursive: true });
    cpSync(join(modelsDir, from), join(repo, to));
  };
  place("keras3/custom_layer_unregistered.keras", "custom/custom_layer_unregistered.keras");
  place("sources/fixture_layers.py", "custom/fixture_layers.py");
  place("keras3/sequential.keras", "good/sequential.keras");
  place("keras3/custom_loss.keras", "loss/custom_loss.keras");
  writeFileSync(join(repo, "loss", "load_custom_loss.py"), USERS_OWN);
  return repo;
}

/** Every file under `dir` with its size and mtime. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string, rel: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(full, name);
      else out.set(name, `${statSync(full).size} ${statSync(full).mtimeMs}`);
    }
  };
  walk(dir, "");
  return out;
}

const bytesOf = (repo: string, paths: string[]) => paths.map((p) => readFileSync(join(repo, p)));
const MODELS = ["custom/custom_layer_unregistered.keras", "good/sequential.keras", "loss/custom_loss.keras"];
const byPath = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.path, r]));

describe("keras-fix check --fix --write-loaders (keras3)", () => {
  let repo: string;
  let before: Map<string, string>;
  let modelBytes: Buffer[];
  let run: ReturnType<typeof runCli>;
  let doc: Record<string, any>;

  beforeAll(() => {
    repo = repository();
    before = snapshot(repo);
    modelBytes = bytesOf(repo, MODELS);
    run = runCli(["check", ".", "--fix", "--write-loaders", "--custom-objects", "custom/fixture_layers.py", "--python", pythonFor("keras3"), "--format", "json"], { cwd: repo });
    doc = jsonOf(run);
  }, 300_000);

  it("writes one new loader per model that needs one, beside it, and nothing else; the models' bytes are unchanged", () => {
    const after = snapshot(repo);
    const added = [...after.keys()].filter((path) => !before.has(path)).sort();
    expect(added).toEqual(["custom/load_custom_layer_unregistered.py", "loss/load_custom_loss-2.py"]);
    for (const [path, stat] of before) expect(after.get(path), path).toBe(stat);
    expect(readFileSync(join(repo, "loss", "load_custom_loss.py"), "utf8")).toBe(USERS_OWN);
    expect(bytesOf(repo, MODELS)).toEqual(modelBytes);
  });

  it("reports the proven fix and the loader of each model in the JSON and in the table; exit 1 as without --fix", () => {
    expect(run.status).toBe(1);
    const r = byPath(doc.results);
    expect(r["custom/custom_layer_unregistered.keras"]).toMatchObject({ status: "loads", loader: "custom/load_custom_layer_unregistered.py" });
    expect(r["custom/custom_layer_unregistered.keras"].proven!.fix.customObjects).toEqual({ ScaledDense: "ScaledDense" });
    expect(r["loss/custom_loss.keras"]).toMatchObject({ status: "fails", cause: "custom-loss-missing", loader: "loss/load_custom_loss-2.py" });
    expect(r["loss/custom_loss.keras"].proven!.fix).toEqual({ compile: false });
    expect(r["good/sequential.keras"]).toMatchObject({ status: "loads", proven: null, loader: null });
    // The table on stderr names every loader written.
    expect(run.stderr).toContain("custom/load_custom_layer_unregistered.py");
    expect(run.stderr).toContain("loss/load_custom_loss-2.py");
  });

  it("each loader loads its model with the same Python", () => {
    for (const loader of ["custom/load_custom_layer_unregistered.py", "loss/load_custom_loss-2.py"]) {
      const ran = spawnSync(pythonFor("keras3"), [join(repo, loader)], { cwd: scratchDir(), encoding: "utf8", timeout: 120_000 });
      expect(ran.status, `${loader}:\n${ran.stderr}`).toBe(0);
    }
  }, 300_000);
});

describe("keras-fix check --fix without --write-loaders (keras3)", () => {
  it("proves the same fixes and writes nothing; JSON lines carry the proof and no loader", () => {
    const repo = repository();
    const before = snapshot(repo);
    const run = runCli(["check", ".", "--fix", "--custom-objects", "custom/fixture_layers.py", "--python", pythonFor("keras3"), "--format", "jsonl"], { cwd: repo });
    expect(run.status, run.stderr).toBe(1);
    expect(snapshot(repo)).toEqual(before);
    const r = byPath(run.stdout.trim().split("\n").map((line) => JSON.parse(line)));
    expect(Object.keys(r).sort()).toEqual(MODELS);
    expect(r["loss/custom_loss.keras"]).toMatchObject({ status: "fails", proven: { fix: { compile: false } }, loader: null });
    expect(r["custom/custom_layer_unregistered.keras"]).toMatchObject({ status: "loads", loader: null });
    expect(r["custom/custom_layer_unregistered.keras"].proven!.fix.customObjects).toEqual({ ScaledDense: "ScaledDense" });
  }, 300_000);

  it("--write-loaders without --fix is a usage error: exit 2, a message naming --fix, nothing written", () => {
    const repo = repository();
    const before = snapshot(repo);
    const run = runCli(["check", ".", "--write-loaders", "--python", pythonFor("keras3")], { cwd: repo });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--write-loaders.*--fix/);
    expect(run.stdout).toBe("");
    expect(snapshot(repo)).toEqual(before);
  });
});

// The user's --custom-objects module (this test's, not the model's code): the check's load fails on it, and the load
// of --fix's walk that follows writes its pid and hangs, so that Ctrl-C comes while the walk's Python is loading.
const FAILS_THEN_HANGS = `import os, time
SEEN = os.environ["CHECK_TEST_SEEN"]
MARK = os.environ["CHECK_TEST_MARK"]

class ScaledDense:
    @classmethod
    def from_config(cls, config):
        if not os.path.exists(SEEN):
            open(SEEN, "w").close()
            raise TypeError("refused once")
        with open(MARK, "w") as f:
            f.write(str(os.getpid()))
        time.sleep(600)
`;

describe("keras-fix check --fix, cancelled (keras3)", () => {
  it("Ctrl-C while a fix is being proven stops its Python, exits 130 and writes nothing", async () => {
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-check-fix-cancel-"));
    const scratch = mkdtempSync(join(tmpdir(), "keras-fix-check-fix-cancel-scratch-"));
    cpSync(join(modelsDir, "keras3", "custom_layer_unregistered.keras"), join(repo, "b.keras"));
    writeFileSync(join(scratch, "objects.py"), FAILS_THEN_HANGS);
    const before = snapshot(repo);
    const mark = join(scratch, "walk.pid");
    const args = ["check", "--fix", "--write-loaders", "--python", pythonFor("keras3"), "--custom-objects", join(scratch, "objects.py"), "--format", "json"];
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: repo,
      env: { ...process.env, FORCE_COLOR: "0", CHECK_TEST_SEEN: join(scratch, "seen"), CHECK_TEST_MARK: mark },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 200_000;
    while (!existsSync(mark) || readFileSync(mark, "utf8") === "") {
      if (Date.now() > deadline) throw new Error("the walk's load never started");
      await new Promise((r) => setTimeout(r, 200));
    }
    const pid = Number(readFileSync(mark, "utf8"));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(snapshot(repo)).toEqual(before);
  }, 240_000);
});

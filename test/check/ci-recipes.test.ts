// The CI recipes, run for real: the pre-commit hook (.pre-commit-hooks.yaml) through `pre-commit try-repo` on a
// fresh git repository with model files (pre-commit runs the installed `keras-fix check` on the staged model files), and docs/ci.md's GitHub workflow: its YAML parses, and its keras-fix step,
// run by bash as the runner would, is accepted by the CLI and writes the SARIF file the upload step reads.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cliPath, modelsDir, pythonFor, repoRoot } from "../helpers/envs.js";
import { ensurePreCommit, parseYaml, preCommitHome } from "./pre-commit.js";

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
}

/** The fenced ```yaml blocks of a markdown file. */
function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
}

const ciDoc = readFileSync(join(repoRoot, "docs", "ci.md"), "utf8");
const hooks = parseYaml(readFileSync(join(repoRoot, ".pre-commit-hooks.yaml"), "utf8")) as Record<string, any>[];

describe("the pre-commit hook, run by pre-commit", () => {
  let preCommit: string;
  beforeAll(() => {
    preCommit = ensurePreCommit();
  }, 900_000);

  it("passes a commit whose model loads and fails one whose model does not, naming the cause", () => {
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-pre-commit-"));
    git(repo, "init", "-q");
    cpSync(join(modelsDir, "keras3", "sequential.keras"), join(repo, "good.keras"));
    mkdirSync(join(repo, "models"));
    cpSync(join(modelsDir, "keras3", "custom_layer_unregistered.keras"), join(repo, "models", "missing.keras"));
    cpSync(join(repoRoot, "README.md"), join(repo, "README.md"));
    git(repo, "add", ".");
    // keras-fix on PATH as `npm install -g` puts it (the hook runs the installed command), and the interpreter with
    // the project's Keras in the variable keras-fix reads.
    const bin = mkdtempSync(join(tmpdir(), "keras-fix-bin-"));
    symlinkSync(join(repoRoot, "dist", "bin", "keras-fix.js"), join(bin, "keras-fix"));
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      PRE_COMMIT_HOME: preCommitHome,
      KERAS_FIX_PYTHON: pythonFor("keras3"),
      TF_CPP_MIN_LOG_LEVEL: "3",
      FORCE_COLOR: "0",
    };
    const tryRepo = (files: string[]) =>
      spawnSync(preCommit, ["try-repo", repoRoot, hooks[0].id, "--verbose", "--files", ...files], { cwd: repo, env, encoding: "utf8", timeout: 1_500_000 });
    const good = tryRepo(["good.keras", "README.md"]);
    expect(good.status, `${good.stdout}\n${good.stderr}`).toBe(0);
    expect(good.stdout).toMatch(/keras-fix check \(every model loads\)\.+Passed/);
    expect(good.stdout).toMatch(/1 model: 1 load/);
    const bad = tryRepo(["good.keras", "models/missing.keras", "README.md"]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/keras-fix check \(every model loads\)\.+Failed/);
    expect(bad.stdout).toMatch(/models\/missing\.keras\s+fails: custom-layer-missing\s+ScaledDense/);
    expect(bad.stdout).toMatch(/2 models: 1 load, 1 fail/);
  }, 1_800_000);

  it("docs/ci.md's .pre-commit-config.yaml names this hook, with flags keras-fix check accepts", () => {
    const config = yamlBlocks(ciDoc).map(parseYaml).find((doc: any) => Array.isArray(doc?.repos)) as { repos: { hooks: { id: string; args: string[] }[] }[] };
    const hook = config.repos[0].hooks[0];
    expect(hook.id).toBe(hooks[0].id);
    expect(hooks[0].entry).toBe("keras-fix check");
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-pre-commit-args-"));
    // The project's virtualenv (a link to the keras3 test environment: a venv's python finds its packages from there).
    symlinkSync(dirname(dirname(pythonFor("keras3"))), join(repo, ".venv"));
    cpSync(join(modelsDir, "keras3", "sequential.keras"), join(repo, "good.keras"));
    const run = spawnSync(process.execPath, [cliPath, "check", ...hook.args, "good.keras"], { cwd: repo, encoding: "utf8", timeout: 300_000 });
    expect(run.status, run.stderr).toBe(0);
  });
});

describe("docs/ci.md's GitHub Actions workflow", () => {
  const workflow = yamlBlocks(ciDoc).map(parseYaml).find((doc: any) => doc?.jobs) as Record<string, any>;

  it("parses as a workflow: a shard matrix, LFS files checked out, each shard's SARIF uploaded; an --against matrix", () => {
    expect(workflow.jobs["upgrade-readiness"].strategy.matrix.against.length).toBeGreaterThan(0);
    const job = workflow.jobs.check;
    // YAML 1.1 (PyYAML) reads the key `on` as true; GitHub reads it as "on".
    expect(workflow.on ?? workflow.true).toEqual(["push", "pull_request"]);
    expect(job.strategy.matrix.shard).toEqual([1, 2, 3, 4]);
    const steps = job.steps as Record<string, any>[];
    expect(steps.find((s) => s.uses?.startsWith("actions/checkout@"))?.with.lfs).toBe(true);
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
    expect(upload.with.sarif_file).toBe("keras-fix-${{ matrix.shard }}.sarif");
    expect(job.permissions["security-events"]).toBe("write");
  });

  it("its keras-fix step, run by bash for each shard, is accepted and writes the SARIF the upload step reads", () => {
    const steps = workflow.jobs.check.steps as Record<string, any>[];
    const commands = steps.filter((s) => typeof s.run === "string").map((s) => s.run as string);
    expect(commands.filter((c) => !/keras-fix/.test(c))).toEqual(["pip install -r requirements.txt"]);
    const step = commands.find((c) => /keras-fix check/.test(c))!;
    const repo = mkdtempSync(join(tmpdir(), "keras-fix-workflow-"));
    mkdirSync(join(repo, "models"));
    cpSync(join(modelsDir, "keras3", "sequential.keras"), join(repo, "models", "a.keras"));
    cpSync(join(modelsDir, "keras3", "custom_layer_unregistered.keras"), join(repo, "models", "b.keras"));
    cpSync(join(modelsDir, "bad", "lfs_pointer.h5"), join(repo, "models", "c.h5"));
    const uploaded: string[] = [];
    for (const shard of workflow.jobs.check.strategy.matrix.shard as number[]) {
      // As the runner does: the matrix value substituted, `npx keras-fix` being this build, `which python` the one
      // setup-python and pip set up (here the keras3 test environment's).
      const script = step
        .replaceAll("${{ matrix.shard }}", String(shard))
        .replace(/^npx keras-fix /, `'${process.execPath}' '${cliPath}' `)
        .replace('"$(which python)"', `'${pythonFor("keras3")}'`);
      const run = spawnSync("bash", ["-e", "-c", script], {
        cwd: repo,
        encoding: "utf8",
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" },
        timeout: 300_000,
      });
      expect([0, 1], `shard ${shard}: ${run.stderr}`).toContain(run.status);
      const sarif = join(repo, `keras-fix-${shard}.sarif`);
      expect(existsSync(sarif), `shard ${shard} wrote no ${sarif}`).toBe(true);
      const log = JSON.parse(readFileSync(sarif, "utf8"));
      expect(log.version).toBe("2.1.0");
      uploaded.push(...log.runs[0].results.map((r: any) => `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri}`));
    }
    // The four shards together report every failing model once.
    expect(uploaded.sort()).toEqual(["custom-layer-missing models/b.keras", "git-lfs-pointer models/c.h5"]);
  });

  it("its upgrade-readiness step's flags and --against specs are accepted (a folder without models: nothing to build)", () => {
    const job = workflow.jobs["upgrade-readiness"];
    const step = (job.steps as Record<string, any>[]).map((s) => s.run as string | undefined).find((run) => run && /keras-fix check/.test(run))!;
    for (const [index, against] of (job.strategy.matrix.against as string[]).entries()) {
      const repo = mkdtempSync(join(tmpdir(), "keras-fix-workflow-against-"));
      const script = step
        .replaceAll("${{ matrix.against }}", against)
        .replaceAll("${{ strategy.job-index }}", String(index))
        .replace(/^npx keras-fix /, `'${process.execPath}' '${cliPath}' `)
        .replace('"$(which python)"', `'${pythonFor("keras3")}'`);
      const run = spawnSync("bash", ["-e", "-c", script], { cwd: repo, encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/no model files found/);
      expect(readFileSync(join(repo, `upgrade-${index}.md`), "utf8")).toMatch(/^### ✅ keras-fix check: 0 models/);
    }
  });
});

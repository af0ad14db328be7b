// `keras-fix check --fix --bring-home` with real Keras (keras3, which has tf_keras beside Keras 3): a TF 1.15 .h5 that
// Keras 3 cannot read but tf_keras can is brought home as a proven <model>.home.keras beside it, which a plain
// Keras 3 load then reads; a model that loads gets nothing. Nothing else is written and the models' bytes stay as
// they were; without --bring-home nothing is written; --bring-home without --fix is a usage error.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { modelsDir, pythonFor, scratchDir } from "../helpers/envs.js";
import type { CheckResult } from "../../src/engine/check/run.js";

function repository(): string {
  const repo = mkdtempSync(join(tmpdir(), "keras-fix-check-home-"));
  mkdirSync(join(repo, "old"));
  cpSync(join(modelsDir, "matrix", "tf115-py36", "plain.h5"), join(repo, "old", "tf1_model.h5"));
  cpSync(join(modelsDir, "keras3", "sequential.keras"), join(repo, "sequential.keras"));
  return repo;
}

const files = (repo: string) => readdirSync(repo, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name).slice(repo.length + 1)).sort();
const byPath = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.path, r]));

describe("keras-fix check --fix --bring-home (keras3)", () => {
  it("writes one proven copy beside the Keras 2 file that only tf_keras reads, which Keras 3 loads; nothing else", () => {
    const repo = repository();
    const before = readFileSync(join(repo, "old", "tf1_model.h5"));
    const run = runCli(["check", ".", "--fix", "--bring-home", "--python", pythonFor("keras3"), "--format", "json"], { cwd: repo });
    const r = byPath(jsonOf(run).results);
    expect(r["old/tf1_model.h5"]).toMatchObject({ status: "fails", cause: "keras2-file-in-keras3", home: "old/tf1_model.home.keras" });
    expect(r["sequential.keras"]).toMatchObject({ status: "loads", home: null });
    expect(files(repo)).toEqual(["old/tf1_model.h5", "old/tf1_model.home.keras", "sequential.keras"]);
    expect(readFileSync(join(repo, "old", "tf1_model.h5"))).toEqual(before);
    expect(run.stderr).toContain("old/tf1_model.home.keras");

    const load = spawnSync(pythonFor("keras3"), ["-c", "import sys, keras; m = keras.models.load_model(sys.argv[1]); print(type(m).__name__)", join(repo, "old", "tf1_model.home.keras")], {
      cwd: scratchDir(),
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(load.status, load.stderr).toBe(0);
    expect(load.stdout.trim()).toBe("Sequential");
  }, 600_000);

  it("without --bring-home writes nothing; --bring-home without --fix is a usage error", () => {
    const repo = repository();
    const run = runCli(["check", ".", "--fix", "--python", pythonFor("keras3"), "--format", "json"], { cwd: repo });
    expect(byPath(jsonOf(run).results)["old/tf1_model.h5"]).toMatchObject({ status: "fails", home: null });
    expect(files(repo)).toEqual(["old/tf1_model.h5", "sequential.keras"]);

    const usage = runCli(["check", ".", "--bring-home", "--python", pythonFor("keras3")], { cwd: repo });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--bring-home.*--fix/);
    expect(files(repo)).toEqual(["old/tf1_model.h5", "sequential.keras"]);
  }, 600_000);
});

// Which models `keras-fix check` finds (no Python): .gitignore rules (the folder's own, nested ones, and those above
// it up to the repository root), skipped folders, SavedModels (complete or not) and TF checkpoints by prefix; and
// --shard's split.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelsDir } from "../helpers/envs.js";
import { findModels } from "../../src/engine/check/find.js";
import { parseShard, shardOf } from "../../src/engine/check/shard.js";

function file(root: string, path: string, text = "x"): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe("findModels", () => {
  const repo = mkdtempSync(join(tmpdir(), "keras-fix-find-"));
  mkdirSync(join(repo, ".git"));
  file(repo, ".gitignore", "*.tmp.h5\nbuild/\n");
  file(repo, "a.h5");
  file(repo, "b.tmp.h5");
  file(repo, "build/c.h5");
  file(repo, "sub/.gitignore", "local.keras\n");
  file(repo, "sub/local.keras");
  file(repo, "sub/d.keras");
  file(repo, "sub/e.tmp.h5");
  file(repo, "sub/notes.txt");
  file(repo, "node_modules/pkg/m.h5");
  file(repo, ".venv/pyvenv.cfg", "home = /usr/bin\n");
  file(repo, ".venv/lib/m.h5");
  file(repo, "conda/conda-meta/history");
  file(repo, "conda/m.h5");
  cpSync(join(modelsDir, "formats-keras2", "model_checkpoint"), join(repo, "ckpt"), { recursive: true });
  cpSync(join(modelsDir, "formats-keras2", "savedmodel"), join(repo, "exported", "savedmodel"), { recursive: true });
  cpSync(join(modelsDir, "formats-keras2", "savedmodel_no_pb"), join(repo, "exported", "savedmodel_no_pb"), { recursive: true });

  it("walks the folder: models by name, SavedModel folders whole, checkpoints by prefix; ignored and skipped places out", async () => {
    const found = await findModels([], repo);
    expect(found.map((m) => m.path)).toEqual([
      "a.h5",
      "ckpt/ckpt-01",
      "ckpt/ckpt-02",
      "exported/savedmodel",
      "exported/savedmodel_no_pb",
      "sub/d.keras",
    ]);
    expect(found[0].absolute).toBe(join(repo, "a.h5"));
  });

  it("a sub-folder still obeys the .gitignore files above it, up to the repository root", async () => {
    expect((await findModels(["sub"], repo)).map((m) => m.path)).toEqual(["sub/d.keras"]);
  });

  it("a file named explicitly is checked whatever its name; a checkpoint prefix names no file but counts", async () => {
    expect((await findModels(["sub/notes.txt", "ckpt/ckpt-02", "b.tmp.h5"], repo)).map((m) => m.path)).toEqual(["b.tmp.h5", "ckpt/ckpt-02", "sub/notes.txt"]);
  });

  it("globs are expanded (node_modules and .git left out); paths outside the current folder stay absolute", async () => {
    expect((await findModels(["**/*.h5"], repo)).map((m) => m.path)).toEqual(["a.h5", "b.tmp.h5", "build/c.h5", "conda/m.h5", "sub/e.tmp.h5"]);
    const elsewhere = mkdtempSync(join(tmpdir(), "keras-fix-find-cwd-"));
    expect((await findModels([join(repo, "a.h5")], elsewhere)).map((m) => m.path)).toEqual([join(repo, "a.h5")]);
  });
});

describe("--shard i/n", () => {
  const models = Array.from({ length: 23 }, (_, i) => ({ path: `models/m${String(i).padStart(2, "0")}.h5` }));

  it("splits deterministically into disjoint parts that cover every model, sizes within one", () => {
    const parts = [1, 2, 3, 4].map((index) => shardOf(models, { index, count: 4 }));
    expect(parts.flat().map((m) => m.path).sort()).toEqual(models.map((m) => m.path));
    const sizes = parts.map((p) => p.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(shardOf([...models].reverse(), { index: 2, count: 4 }).map((m) => m.path).sort()).toEqual(parts[1].map((m) => m.path).sort());
    expect(shardOf(models, { index: 1, count: 1 })).toEqual(models);
  });

  it("parses i/n and refuses anything else", () => {
    expect(parseShard("2/5")).toEqual({ index: 2, count: 5 });
    for (const bad of ["0/2", "3/2", "1/0", "a/b", "1", "1/2/3"]) expect(() => parseShard(bad)).toThrow(/expected i\/n/);
  });
});

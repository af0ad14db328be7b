// The interpreter search order (--python, KERAS_FIX_PYTHON, virtualenv, conda, python3, python on PATH) and the
// refusal of any interpreter that lives inside the model's folder, over real files in a temp dir.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { findPython, isInsideModelFolder, searchPython } from "../../src/core/probe/find-python.js";
import { UserError } from "../../src/core/errors.js";
import { makeTempDir } from "./helpers.js";

let root: string;

function executable(path: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, "#!/bin/sh\nexit 0\n");
  chmodSync(path, 0o755);
  return path;
}

beforeEach(() => {
  root = makeTempDir("keras-fix-find-python-");
});

describe("findPython", () => {
  it("walks flag > KERAS_FIX_PYTHON > virtualenv > conda > python3 > python", () => {
    const explicit = executable(join(root, "explicit", "python"));
    const venv = join(root, "venv");
    const conda = join(root, "conda");
    executable(join(venv, "bin", "python"));
    executable(join(conda, "bin", "python"));
    const pathDir = join(root, "pathbin");
    executable(join(pathDir, "python3"));
    executable(join(pathDir, "python"));
    const full = { KERAS_FIX_PYTHON: explicit, VIRTUAL_ENV: venv, CONDA_PREFIX: conda, PATH: pathDir };

    expect(findPython({ flag: explicit, env: full })).toEqual({ path: explicit, source: "flag" });
    expect(findPython({ env: full })).toEqual({ path: explicit, source: "KERAS_FIX_PYTHON" });
    expect(findPython({ env: { ...full, KERAS_FIX_PYTHON: undefined } })).toEqual({ path: join(venv, "bin", "python"), source: "virtualenv" });
    expect(findPython({ env: { PATH: pathDir, CONDA_PREFIX: conda } })).toEqual({ path: join(conda, "bin", "python"), source: "conda" });
    expect(findPython({ env: { PATH: pathDir } })).toEqual({ path: join(pathDir, "python3"), source: "path" });
  });

  it("prefers python3 anywhere on PATH over python earlier on PATH, and takes python when there is no python3", () => {
    const first = join(root, "first");
    const second = join(root, "second");
    executable(join(first, "python"));
    executable(join(second, "python3"));
    expect(findPython({ env: { PATH: `${first}:${second}` } })).toEqual({ path: join(second, "python3"), source: "path" });
    expect(findPython({ env: { PATH: first } })).toEqual({ path: join(first, "python"), source: "path" });
  });

  it("returns null when nothing is found, and names the explicit settings that pointed nowhere", () => {
    const search = searchPython({ env: { PATH: join(root, "empty"), VIRTUAL_ENV: join(root, "gone"), KERAS_FIX_PYTHON: join(root, "nope") } });
    expect(search.python).toBeNull();
    expect(search.skipped.map((s) => [s.source, s.reason])).toEqual([
      ["KERAS_FIX_PYTHON", "not-found"],
      ["virtualenv", "not-found"],
    ]);
  });

  it("makes a missing or non-executable --python a UserError", () => {
    const notExecutable = join(root, "python");
    writeFileSync(notExecutable, "");
    expect(() => findPython({ flag: join(root, "missing") })).toThrow(UserError);
    expect(() => findPython({ flag: notExecutable })).toThrow(/not an executable file/);
  });

  it("skips interpreters inside the model's folder, even a venv whose python links outside, and says so", () => {
    const modelDir = join(root, "downloaded-model");
    const model = join(modelDir, "model.keras");
    mkdirSync(modelDir);
    writeFileSync(model, "");
    const outside = executable(join(root, "system", "python3"));
    mkdirSync(join(modelDir, "venv", "bin"), { recursive: true });
    symlinkSync(outside, join(modelDir, "venv", "bin", "python"));
    executable(join(modelDir, "bin", "python3"));
    const env = { VIRTUAL_ENV: join(modelDir, "venv"), PATH: `${join(modelDir, "bin")}:${join(root, "system")}` };

    const search = searchPython({ env, modelPath: model });
    expect(search.python).toEqual({ path: outside, source: "path" });
    expect(search.skipped).toEqual([
      { path: join(modelDir, "venv", "bin", "python"), source: "virtualenv", reason: "inside-model-folder" },
      { path: join(modelDir, "bin", "python3"), source: "path", reason: "inside-model-folder" },
    ]);
  });

  it("treats a SavedModel folder as the model's folder, and refuses --python inside it", () => {
    const savedModel = join(root, "export");
    const inside = executable(join(savedModel, "python"));
    expect(isInsideModelFolder(inside, savedModel)).toBe(true);
    expect(isInsideModelFolder(inside, join(root, "elsewhere", "m.h5"))).toBe(false);
    expect(() => findPython({ flag: inside, modelPath: savedModel })).toThrow(/inside the model's folder/);
  });

  it("refuses an interpreter that is a symlink into the model's folder", () => {
    const modelDir = join(root, "m");
    const inside = executable(join(modelDir, "python"));
    const link = join(root, "innocent-python");
    symlinkSync(inside, link);
    expect(isInsideModelFolder(link, join(modelDir, "model.h5"))).toBe(true);
  });

  it("finds Scripts\\python.exe in a Windows virtualenv", () => {
    const venv = join(root, "winvenv");
    executable(join(venv, "Scripts", "python.exe"));
    expect(findPython({ env: { VIRTUAL_ENV: venv }, platform: "win32" })).toEqual({ path: join(venv, "Scripts", "python.exe"), source: "virtualenv" });
  });
});

// Finds the Python interpreter the user's own `load_model` would run in (flag, KERAS_FIX_PYTHON, virtualenv, conda,
// PATH) and refuses any interpreter that lives inside the model's folder: a downloaded model could ship one.
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { UserError } from "../errors.js";
import type { PythonSource } from "../types.js";

export interface FoundPython {
  path: string;
  source: PythonSource;
}

export interface SkippedPython {
  path: string;
  source: PythonSource;
  reason: "inside-model-folder" | "not-found";
}

export interface PythonSearch {
  python: FoundPython | null;
  /** Candidates passed over, in search order, so the user can be told why (e.g. a venv inside the model folder). */
  skipped: SkippedPython[];
}

export interface FindPythonOptions {
  /** The `--python` option: used as is, or a UserError when unusable. */
  flag?: string | null;
  /** The model file or SavedModel folder; interpreters inside its folder are never used. */
  modelPath?: string | null;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  cwd?: string;
}

const isWindows = (platform: NodeJS.Platform) => platform === "win32";

export function isExecutableFile(path: string, platform: NodeJS.Platform = process.platform): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (!isWindows(platform)) accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** The folder whose interpreters are refused: the model folder itself (SavedModel) or the file's folder. */
export function modelFolderOf(modelPath: string, cwd: string = process.cwd()): string {
  const absolute = resolve(cwd, modelPath);
  try {
    if (statSync(absolute).isDirectory()) return absolute;
  } catch {
    // A missing path still names a folder to avoid.
  }
  return dirname(absolute);
}

/** True when the interpreter's path, or the file it resolves to through symlinks, lies inside the model's folder. */
export function isInsideModelFolder(pythonPath: string, modelPath: string, cwd: string = process.cwd()): boolean {
  const folder = modelFolderOf(modelPath, cwd);
  const candidates = [resolve(cwd, pythonPath), realpathOrSelf(resolve(cwd, pythonPath))];
  const folders = [folder, realpathOrSelf(folder)];
  return candidates.some((candidate) => folders.some((f) => isInside(candidate, f)));
}

function environmentInterpreters(prefix: string, platform: NodeJS.Platform): string[] {
  return isWindows(platform)
    ? [join(prefix, "Scripts", "python.exe"), join(prefix, "python.exe")]
    : [join(prefix, "bin", "python"), join(prefix, "bin", "python3")];
}

function pathInterpreters(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, cwd: string): string[] {
  const dirs = (env.PATH ?? env.Path ?? "").split(isWindows(platform) ? ";" : delimiter).filter(Boolean);
  const names = isWindows(platform) ? ["python3.exe", "python.exe"] : ["python3", "python"];
  // python3 on every PATH entry first, then python: the order the brief and most docs use.
  return names.flatMap((name) => dirs.map((dir) => resolve(cwd, dir, name)));
}

/** Walks the search order and reports the winner and every candidate passed over. */
export function searchPython(options: FindPythonOptions = {}): PythonSearch {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const cwd = options.cwd ?? process.cwd();
  const skipped: SkippedPython[] = [];
  const insideModel = (path: string) => options.modelPath != null && isInsideModelFolder(path, options.modelPath, cwd);

  if (options.flag) {
    const path = resolve(cwd, options.flag);
    if (!isExecutableFile(path, platform)) {
      throw new UserError(
        `--python ${options.flag} is not an executable file.`,
        "Pass the full path of a Python interpreter, e.g. --python ~/venvs/ml/bin/python.",
      );
    }
    if (insideModel(path)) {
      throw new UserError(
        `Refusing to run ${path}: it lives inside the model's folder, and a downloaded model could ship its own Python.`,
        "Pass --python with an interpreter you installed yourself.",
      );
    }
    return { python: { path, source: "flag" }, skipped };
  }

  const candidates: { path: string; source: PythonSource }[] = [];
  if (env.KERAS_FIX_PYTHON) candidates.push({ path: resolve(cwd, env.KERAS_FIX_PYTHON), source: "KERAS_FIX_PYTHON" });
  if (env.VIRTUAL_ENV) {
    for (const path of environmentInterpreters(env.VIRTUAL_ENV, platform)) candidates.push({ path, source: "virtualenv" });
  }
  if (env.CONDA_PREFIX) {
    for (const path of environmentInterpreters(env.CONDA_PREFIX, platform)) candidates.push({ path, source: "conda" });
  }
  for (const path of pathInterpreters(env, platform, cwd)) candidates.push({ path, source: "path" });

  for (const candidate of candidates) {
    if (!isExecutableFile(candidate.path, platform)) {
      // Only explicit settings are worth reporting; PATH entries without a python are the normal case.
      if (candidate.source !== "path") skipped.push({ ...candidate, reason: "not-found" });
      continue;
    }
    if (insideModel(candidate.path)) {
      skipped.push({ ...candidate, reason: "inside-model-folder" });
      continue;
    }
    return { python: candidate, skipped: summarizeSkipped(skipped, candidate.source) };
  }
  return { python: null, skipped: summarizeSkipped(skipped, null) };
}

/**
 * "Not found" is news only for a setting none of whose interpreters exist (VIRTUAL_ENV pointing at a deleted venv);
 * a venv that has bin/python3 but no bin/python is fine. One line per such source.
 */
function summarizeSkipped(skipped: SkippedPython[], winner: PythonSource | null): SkippedPython[] {
  const sourcesThatExist = new Set<PythonSource>(skipped.filter((s) => s.reason !== "not-found").map((s) => s.source));
  if (winner) sourcesThatExist.add(winner);
  const reported = new Set<PythonSource>();
  return skipped.filter((s) => {
    if (s.reason !== "not-found") return true;
    if (sourcesThatExist.has(s.source) || reported.has(s.source)) return false;
    reported.add(s.source);
    return true;
  });
}

/** The interpreter to probe, or null when there is none (the diagnosis layer reports `python-not-found`). */
export function findPython(options: FindPythonOptions = {}): FoundPython | null {
  return searchPython(options).python;
}

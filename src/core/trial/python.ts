// Where a trial environment's Python comes from: an interpreter of the minor the plan needs, found on this machine.
// The user's own when it fits, then pyenv's versions, conda environments, `python3.X` on PATH, and `uv python find`
// when uv is installed. Only the finding is here; the venv is made with the interpreter found (`-m venv`).
import { accessSync, constants, existsSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { runTracked } from "../probe/processes.js";
import { compareVersions, pythonMinor } from "../versions/numbers.js";

export type TrialPythonSource = "yours" | "pyenv" | "conda" | "path" | "uv";

export interface FoundPython {
  path: string;
  source: TrialPythonSource;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function onPath(program: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, program);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(dir, entry.name));
  } catch {
    return [];
  }
}

function fromPyenv(minor: string, env: NodeJS.ProcessEnv): string | null {
  const versions = join(env.PYENV_ROOT || join(env.HOME || homedir(), ".pyenv"), "versions");
  if (!existsSync(versions)) return null;
  const matching = readdirSync(versions)
    .filter((name) => name.startsWith(`${minor}.`) && /^\d+\.\d+\.\d+$/.test(name))
    .sort((a, b) => compareVersions(b, a));
  for (const name of matching) {
    const candidate = join(versions, name, "bin", `python${minor}`);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/** The conda installations people have when `conda` is not on PATH (an un-initialised shell). */
const CONDA_ROOTS = ["miniconda3", "anaconda3", "miniforge3", "mambaforge"];

/** Conda environments: `conda env list --json` when conda is on PATH, else the usual installation folders. */
export async function condaEnvironments(env: NodeJS.ProcessEnv): Promise<string[]> {
  const conda = onPath("conda", env);
  if (conda) {
    const listed = await runTracked([conda, "env", "list", "--json"], { timeoutSeconds: 30, env: { PATH: env.PATH ?? "" } });
    try {
      const envs = (JSON.parse(listed.stdout) as { envs?: unknown }).envs;
      if (listed.exitCode === 0 && Array.isArray(envs)) return envs.filter((dir): dir is string => typeof dir === "string");
    } catch {
      // Not JSON (an old conda, a broken shim): fall back to the folders.
    }
  }
  const home = env.HOME || homedir();
  return CONDA_ROOTS.flatMap((root) => {
    const base = join(home, root);
    return existsSync(base) ? [base, ...subdirs(join(base, "envs"))] : [];
  });
}

async function fromConda(minor: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const dir of await condaEnvironments(env)) {
    // A conda env's interpreter is bin/python3.X, named by its minor: no need to run it to know.
    const candidate = join(dir, "bin", `python${minor}`);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/** `uv python find 3.X` (only finds: keras-fix does not need uv's venv or pip). */
async function fromUv(minor: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const uv = onPath("uv", env);
  if (!uv) return null;
  // --system: never a project's .venv from the folder keras-fix runs in.
  const found = await runTracked([uv, "python", "find", "--system", minor], { timeoutSeconds: 30, env: { PATH: env.PATH ?? "" } });
  const path = found.stdout.split("\n").map((line) => line.trim()).find(Boolean);
  return found.exitCode === 0 && path && isExecutable(path) ? path : null;
}

/** An interpreter of this minor on this machine, and where it was found; null when there is none. */
export async function findPythonOfMinor(
  minor: string,
  user: { path: string; version: string } | null,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FoundPython | null> {
  if (user && pythonMinor(user.version) === minor && isExecutable(user.path)) return { path: user.path, source: "yours" };
  const pyenv = fromPyenv(minor, env);
  if (pyenv) return { path: pyenv, source: "pyenv" };
  const conda = await fromConda(minor, env);
  if (conda) return { path: conda, source: "conda" };
  const path = onPath(`python${minor}`, env);
  if (path) return { path, source: "path" };
  const uv = await fromUv(minor, env);
  if (uv) return { path: uv, source: "uv" };
  return null;
}

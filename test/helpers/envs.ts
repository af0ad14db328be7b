// Where the real Python test environments live (made by scripts/setup-python-envs.mjs, which `npm test` runs
// first). A missing one is a loud failure, never a skip.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const spec = JSON.parse(readFileSync(join(repoRoot, "scripts", "python-envs.json"), "utf8")) as {
  envs: Record<string, { python: string; packages: string[]; backend?: string }>;
};

export type EnvName = "keras2" | "keras3" | "keras35-py312" | "keras33-py312" | "tf21-py37" | "tf115-py36" | "tf213-numpy2" | "bare";

export const envCache = process.env.KERAS_FIX_ENV_CACHE ?? join(homedir(), ".cache", "keras-fix", "envs");

/** The interpreter of a test environment; throws (failing the test) when the environment was not created. */
export function pythonFor(name: EnvName): string {
  if (!spec.envs[name]) throw new Error(`no test env named ${name} in scripts/python-envs.json`);
  const python = join(envCache, name, "bin", "python");
  if (!existsSync(python)) {
    throw new Error(`test env ${name} is missing at ${python}: run 'node scripts/setup-python-envs.mjs ${name}'`);
  }
  return python;
}

/** Environment variables a test env needs beyond the interpreter (e.g. the Keras backend). */
export function envVarsFor(name: EnvName): Record<string, string> {
  const backend = spec.envs[name]?.backend;
  return backend ? { KERAS_BACKEND: backend } : {};
}

export const fixturesDir = join(repoRoot, "fixtures");
export const modelsDir = join(fixturesDir, "models");
export const cliPath = join(repoRoot, "dist", "src", "cli.js");

/** A new empty folder to run the CLI in, so that files a fix writes (loader scripts, re-saved copies) land there. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "keras-fix-run-"));
}

/** A Python 2.7 interpreter (pyenv's): keras-fix must diagnose it as too old, never run the probe in it. */
export function python27(): string {
  const versions = join(process.env.PYENV_ROOT ?? join(homedir(), ".pyenv"), "versions");
  const candidates = [
    ...(existsSync(versions) ? readdirSync(versions).filter((v) => v.startsWith("2.7.")).sort().reverse() : []).map((v) => join(versions, v, "bin", "python2.7")),
    "/usr/bin/python2.7",
  ];
  const python = candidates.find((candidate) => existsSync(candidate));
  if (!python) throw new Error(`no Python 2.7 found (looked in ${candidates.join(", ")}): run 'pyenv install 2.7.18'`);
  return python;
}

/** Process environment without KERAS_BACKEND and with a fresh, empty KERAS_HOME: Keras 3 then picks its default
 *  backend (tensorflow), as on a machine where nobody configured one. */
export function unconfiguredKerasEnv(): NodeJS.ProcessEnv {
  const { KERAS_BACKEND: _unused, ...rest } = process.env;
  return { ...rest, KERAS_HOME: mkdtempSync(join(tmpdir(), "keras-fix-keras-home-")) };
}

#!/usr/bin/env node
// Creates (or reuses) the Python environments that the tests run real Keras in, in a cache folder outside the
// checkout, so that `npm test` works on a fresh machine and costs nothing on the second run.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const spec = JSON.parse(readFileSync(join(here, "python-envs.json"), "utf8"));
export const cacheRoot = process.env.KERAS_FIX_ENV_CACHE ?? join(homedir(), ".cache", "keras-fix", "envs");

function log(message) {
  process.stderr.write(`[python-envs] ${message}\n`);
}

function versionOf(python) {
  const r = spawnSync(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

// pyenv keeps every minor under ~/.pyenv/versions; Debian installs python3.X on PATH.
function findBasePython(minor) {
  const candidates = [`python${minor}`];
  const pyenvRoot = process.env.PYENV_ROOT ?? join(homedir(), ".pyenv");
  const versionsDir = join(pyenvRoot, "versions");
  if (existsSync(versionsDir)) {
    for (const v of readdirSync(versionsDir).filter((v) => v.startsWith(`${minor}.`)).sort().reverse()) {
      candidates.push(join(versionsDir, v, "bin", `python${minor}`));
    }
  }
  candidates.push("python3");
  for (const candidate of candidates) {
    if (versionOf(candidate) === minor) return candidate;
  }
  return null;
}

function stampOf(name, env) {
  return createHash("sha256").update(JSON.stringify({ name, ...env, why: undefined })).digest("hex").slice(0, 16);
}

export function envPython(name) {
  return join(cacheRoot, name, "bin", "python");
}

function ensureEnv(name, env) {
  const dir = join(cacheRoot, name);
  const stampFile = join(dir, ".keras-fix-stamp");
  const stamp = stampOf(name, env);
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === stamp && versionOf(envPython(name))) {
    log(`${name}: ready (${dir})`);
    return;
  }
  const base = findBasePython(env.python);
  if (!base) {
    throw new Error(`${name} needs Python ${env.python}, and none was found on PATH or under pyenv. ` +
      `Install it (for example: apt-get install python${env.python} python${env.python}-venv) and run again.`);
  }
  log(`${name}: creating with ${base} (${env.packages.join(" ") || "no packages"}); this downloads from PyPI once`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(cacheRoot, { recursive: true });
  execFileSync(base, ["-m", "venv", dir], { stdio: "inherit" });
  const pip = (...args) =>
    execFileSync(envPython(name), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...args], {
      stdio: "inherit",
    });
  // Optional steps, only for the envs that name them:
  // - `pip`: the pip to install first (Python 3.6 ships pip 18, which cannot read the manylinux2010 wheels);
  // - `then`: packages forced in afterwards with --no-deps, to build a broken env on purpose (one pip call would
  //   refuse the conflict).
  if (env.pip) pip(env.pip);
  if (env.packages.length > 0) pip(...env.packages);
  if (env.then?.length > 0) pip("--no-deps", ...env.then);
  writeFileSync(stampFile, `${stamp}\n`);
  log(`${name}: created`);
}

// Generation-only environments (spec.fixtureEnvs) are built only by `--fixture-envs [name...]`, never by `npm test`.
// One with `overlayOf` is not a venv: its packages go --no-deps into <cache>/<name>/site, which
// scripts/make-fixtures.mjs puts on PYTHONPATH over the base env's interpreter.
export function overlaySite(name) {
  return join(cacheRoot, name, "site");
}

function ensureOverlay(name, env) {
  const dir = join(cacheRoot, name);
  const stampFile = join(dir, ".keras-fix-stamp");
  const stamp = stampOf(name, env);
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === stamp) {
    log(`${name}: ready (${dir})`);
    return;
  }
  log(`${name}: installing ${env.packages.join(" ")} --no-deps over ${env.overlayOf}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync(envPython(env.overlayOf), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
    "--target", overlaySite(name), ...env.packages], { stdio: "inherit" });
  writeFileSync(stampFile, `${stamp}\n`);
  log(`${name}: created`);
}

function ensureFixtureEnv(name, env) {
  if (!env.overlayOf) return ensureEnv(name, env);
  ensureEnv(env.overlayOf, spec.envs[env.overlayOf]);
  ensureOverlay(name, env);
}

const args = process.argv.slice(2);
const fixtureMode = args[0] === "--fixture-envs";
const table = fixtureMode ? spec.fixtureEnvs ?? {} : spec.envs;
const only = fixtureMode ? args.slice(1) : args;
const names = only.length > 0 ? only : Object.keys(table);
try {
  for (const name of names) {
    if (!table[name]) throw new Error(`unknown env ${name}; known: ${Object.keys(table).join(", ")}`);
    if (fixtureMode) ensureFixtureEnv(name, table[name]);
    else ensureEnv(name, table[name]);
  }
} catch (error) {
  log(`failed: ${error.message.split("\n")[0]}`);
  process.exit(1);
}

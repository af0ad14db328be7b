// pre-commit for the hook's test: installed with pip into its own virtualenv under ~/.cache/keras-fix/ when missing
// (never into a test environment), as the setup makes the Python environments. Its PyYAML also reads the CI recipes.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const cache = join(homedir(), ".cache", "keras-fix");
export const preCommitVenv = join(cache, "pre-commit-venv");
/** Where pre-commit keeps the hook environments it installs (reused while the repository's revision is the same). */
export const preCommitHome = join(cache, "pre-commit-home");
const PRE_COMMIT = "pre-commit==4.3.0";

function run(argv: string[]): void {
  const result = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 600_000 });
  if (result.status !== 0) throw new Error(`${argv.join(" ")} failed (exit ${result.status}):\n${result.stdout}${result.stderr}${result.error ?? ""}`);
}

/** The pre-commit executable, its virtualenv made when missing. */
export function ensurePreCommit(): string {
  const bin = join(preCommitVenv, "bin", "pre-commit");
  if (existsSync(bin)) return bin;
  mkdirSync(cache, { recursive: true });
  run(["python3", "-m", "venv", preCommitVenv]);
  run([join(preCommitVenv, "bin", "pip"), "install", "--quiet", PRE_COMMIT]);
  if (!existsSync(bin)) throw new Error(`pip installed ${PRE_COMMIT} but ${bin} is missing`);
  return bin;
}

/** YAML text as data, read by the PyYAML pre-commit brought (yaml.safe_load). */
export function parseYaml(text: string): unknown {
  ensurePreCommit();
  const result = spawnSync(join(preCommitVenv, "bin", "python"), ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"], {
    input: text,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`the YAML does not parse:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

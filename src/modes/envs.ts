// `keras-fix envs`: the trial environments keras-fix made to prove version plans, with their sizes; `--remove
// <name>` or `--remove --all` deletes them (they are keras-fix's own cache, never the user's environments).
import { UserError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { listTrials, removeTrials, trialCacheDir, type RemoveProgress } from "../core/trial/environment.js";

export interface EnvsOptions {
  remove: boolean;
  all: boolean;
  names: string[];
  json: boolean;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * One line per environment on stderr, redrawn in place in a terminal ("Removing py3.11-… 412.0 of 1024.3 MB"); off a
 * terminal, the start and the end of each.
 */
function removalReporter(): (progress: RemoveProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastDrawn = 0;
  const started = new Set<string>();
  const ended = new Set<string>();
  return ({ name, doneBytes, totalBytes }) => {
    const line = `Removing ${name}: ${megabytes(doneBytes)} of ${megabytes(totalBytes)}`;
    const first = !started.has(name);
    started.add(name);
    // The last parts removed are the emptied folders: the end is said once, when the bytes are all gone.
    const finished = doneBytes >= totalBytes && !first;
    if (ended.has(name)) return;
    if (finished) ended.add(name);
    if (tty) {
      const now = Date.now();
      if (!finished && !first && now - lastDrawn < 100) return;
      lastDrawn = now;
      process.stderr.write(`\r\u001b[2K${line}${finished ? "\n" : ""}`);
    } else if (first || finished) {
      process.stderr.write(`${first ? `Removing ${name} (${megabytes(totalBytes)})…` : `Removed ${name}.`}\n`);
    }
  };
}

export async function runEnvs(options: EnvsOptions): Promise<number> {
  if (options.remove) {
    if (options.all === options.names.length > 0) {
      throw new UserError("--remove takes one trial environment name, or --all.", "keras-fix envs --remove py3.12-0123456789ab");
    }
    if (options.names.length > 1) throw new UserError("--remove takes one name at a time.");
    // Sizing and deleting a TensorFlow venv takes seconds to a minute: say so on stderr while it runs.
    process.stderr.write(`Looking at the trial environments in ${trialCacheDir()}…\n`);
    const removed = removeTrials(options.all ? { all: true } : { name: options.names[0] }, process.env, removalReporter());
    if (options.json) process.stdout.write(`${JSON.stringify({ schemaVersion: 1, removed }, null, 2)}\n`);
    else process.stdout.write(removed.length > 0 ? `Removed ${removed.join(", ")}.\n` : "There were no trial environments.\n");
    return ExitCode.loads;
  }
  if (options.all || options.names.length > 0) throw new UserError("envs lists every trial environment; --all and names go with --remove.");
  const trials = listTrials();
  if (options.json) {
    const envs = trials.map((t) => ({
      name: t.name,
      path: t.dir,
      bytes: t.bytes,
      unfinished: t.unfinished,
      python: t.record?.python ?? null,
      pins: t.record?.pins ?? null,
      proven: t.record?.proven ?? null,
    }));
    process.stdout.write(`${JSON.stringify({ schemaVersion: 1, cache: trialCacheDir(), envs }, null, 2)}\n`);
    return ExitCode.loads;
  }
  if (trials.length === 0) {
    process.stdout.write(`No trial environments in ${trialCacheDir()}.\n`);
    return ExitCode.loads;
  }
  process.stdout.write(`Trial environments in ${trialCacheDir()}:\n`);
  for (const t of trials) {
    const state = t.unfinished ? "unfinished (rebuilt on next use)" : t.record?.proven ? "proven" : t.record?.proven === false ? "did not load the model" : "not tried";
    const what = t.record ? `Python ${t.record.python}: ${t.record.pins.join(" ")}` : "";
    process.stdout.write(`  ${t.name}  ${megabytes(t.bytes).padStart(9)}  ${state}${what ? `  ${what}` : ""}\n`);
  }
  const total = trials.reduce((sum, t) => sum + t.bytes, 0);
  process.stdout.write(`Total ${megabytes(total)}. Remove with: keras-fix envs --remove <name>  (or --remove --all)\n`);
  return ExitCode.loads;
}

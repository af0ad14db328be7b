#!/usr/bin/env node
// Entry point: parses the flags, picks the mode, maps the result to an exit code. It imports only what parsing
// needs: each mode (and Ink, h5wasm, execa, the flows) loads once it is chosen, so the first line comes quickly.
import { parseArgs } from "node:util";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { isUserError, UserError } from "./core/errors.js";
import { ExitCode } from "./core/exit-codes.js";
import { sanitize } from "./core/content.js";
import { applyColorChoice } from "./modes/color.js";
import type { CliOptions } from "./modes/options.js";
import { packageVersion } from "./modes/package-version.js";

const HELP = `
  Find out why keras.models.load_model fails on your model file, and fix it.

  Usage
    $ keras-fix [model]              walk from the load error to a fix (interactive in a terminal)
    $ keras-fix <model> --auto       the same without questions; prints a report
    $ keras-fix inspect <model>      what the file says, without Python
    $ keras-fix explain <traceback-file | ->   diagnose a pasted traceback
    $ keras-fix envs [--remove <name> | --remove --all]   list or remove trial environments
    $ keras-fix check [PATH…]        CI gate: load every model under PATH (files, folders, globs; default .)
                     [--format json|jsonl|junit|sarif|markdown|html] [--output NEW-FILE] [--shard i/n] [--against SPEC]
                     exit 0 all load, 1 some fail or are dangerous, 2 usage/environment (docs/ci.md)

  Options
    --auto             never ask; take each fix's safe automatic path (implied without a terminal)
    --json             print one JSON document on stdout (progress goes to stderr)
    --python <path>    the Python interpreter to use (default: KERAS_FIX_PYTHON, the active venv/conda, PATH)
    --timeout <s>      time limit for the Python probe in seconds (default 300)
    --model <path>     with explain: the model file the traceback came from
    --custom-objects <file.py>   a Python file that defines the missing custom objects (imported before loading)
    --try-versions     with --auto: prove a version plan by installing it into a throwaway environment in
                       keras-fix's cache (never yours) and loading the model there
    --bring-home       with --auto: write <model>.home.keras, a new file your own Keras 3 loads (proven by a fresh
                       load and the same outputs), from the trial that proved a plan (--try-versions) or from
                       tf_keras when tf_keras is what loads the file here
    --write-loaders    with --auto: write load_<model>.py, a script that loads the model the way the proven fix
                       did (a new file in the current folder); without it the report only shows the script
    --no-color         no colours or bold (also NO_COLOR=1; FORCE_COLOR=1 forces them)

  Exit codes
    0 the model loads (now, or after a verified fix)   1 diagnosed, not fixed   2 usage or environment error
    3 undiagnosed   130 cancelled

  Examples
    $ npx keras-fix model.h5
    $ keras-fix inspect model.keras --json
    $ pbpaste | keras-fix explain -
`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        auto: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        python: { type: "string" },
        timeout: { type: "string" },
        model: { type: "string" },
        "custom-objects": { type: "string" },
        "try-versions": { type: "boolean", default: false },
        "bring-home": { type: "boolean", default: false },
        "write-loaders": { type: "boolean", default: false },
        remove: { type: "boolean", default: false },
        all: { type: "boolean", default: false },
        "no-color": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    // parseArgs says what was wrong ("Unknown option '-m'"); a name starting with a dash needs ./ or --.
    throw new UserError(`${(error as Error).message.split("\n")[0]}`, "keras-fix --help (a path that starts with - goes after --, or write it as ./-name)");
  }
}

/**
 * A folder given as the model that is not itself a model (no SavedModel, TF checkpoint or unzipped Keras 3 model in
 * it): the wizard lists the models inside and lets the user pick, instead of calling the folder "not a model".
 */
function isFolderToPickFrom(target: string): boolean {
  try {
    if (!statSync(target).isDirectory()) return false;
    const names = readdirSync(target);
    const isModel = ["saved_model.pb", "checkpoint", "keras_metadata.pb"].some((name) => names.includes(name)) ||
      (names.includes("config.json") && names.includes("metadata.json")) ||
      names.some((name) => name.endsWith(".index"));
    return !isModel && !existsSync(join(target, "model.json"));
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  if (process.argv[2] === "check") return (await import("./modes/check.js")).runCheck(process.argv.slice(3));
  const { values, positionals } = parse(process.argv.slice(2));
  applyColorChoice(values["no-color"]);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return ExitCode.loads;
  }
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return ExitCode.loads;
  }
  const [first, ...rest] = positionals;
  const options: CliOptions = {
    auto: values.auto,
    json: values.json,
    python: values.python,
    timeoutSeconds: values.timeout === undefined ? 300 : Number(values.timeout),
    model: values.model,
    customObjects: values["custom-objects"],
    tryVersions: values["try-versions"],
    bringHome: values["bring-home"],
    writeLoaders: values["write-loaders"],
  };
  if (!(options.timeoutSeconds > 0)) throw new UserError("--timeout takes a positive number of seconds.");
  if (first === "inspect") {
    if (rest.length !== 1) throw new UserError("inspect takes one path.", "keras-fix inspect path/to/model.h5");
    const { runInspect } = await import("./modes/inspect.js");
    return runInspect(rest[0], options);
  }
  if (first === "envs") {
    const { runEnvs } = await import("./modes/envs.js");
    return runEnvs({ remove: values.remove, all: values.all, names: rest, json: options.json });
  }
  if (values.remove || values.all) throw new UserError("--remove and --all go with envs.", "keras-fix envs --remove <name>");
  if (first === "explain") {
    if (rest.length !== 1) throw new UserError("explain takes one traceback file, or - for standard input.");
    const { runExplain } = await import("./modes/explain.js");
    return runExplain(rest[0], options);
  }
  if (rest.length > 0) throw new UserError(`keras-fix takes one model path; got ${positionals.length} arguments.`);
  // The same test as Ink's own: in CI it stops redrawing, so a wizard there could not be followed.
  const inCi = ["CI", "CONTINUOUS_INTEGRATION"].some((key) => key in process.env && !["0", "false"].includes(process.env[key]!));
  const interactive = !options.auto && !options.json && !inCi && process.stdin.isTTY === true && process.stdout.isTTY === true;
  if (interactive) {
    // The header goes out before Ink and the rest of the wizard load (a few hundred ms): the user sees it at once.
    const { printHeader } = await import("./ui/header.js");
    if (!first || isFolderToPickFrom(first)) {
      const { runInteractive } = await import("./modes/interactive.js");
      return runInteractive(undefined, options, first ? { folder: first } : {});
    }
    printHeader(first);
    // Then Python, before Ink: the Keras import runs while the wizard loads.
    const [{ createDiagnoseSession }, { inputsFrom }, { startEarly }] = await Promise.all([
      import("./engine/diagnose.js"),
      import("./modes/auto.js"),
      import("./modes/early-session.js"),
    ]);
    const inputs = inputsFrom(options);
    const earlySession = startEarly(
      createDiagnoseSession({ modelPath: first, python: options.python, timeoutSeconds: options.timeoutSeconds, inputs }),
    );
    const { runInteractive } = await import("./modes/interactive.js");
    return runInteractive(first, options, { headerPrinted: first, earlySession });
  }
  if (!first) throw new UserError("Without a terminal, give the model path.", "keras-fix path/to/model.h5 --auto");
  if (!options.auto && !options.json) {
    process.stderr.write(`keras-fix: ${inCi ? "running in CI" : "no terminal here"}, so running as --auto (no questions asked).\n`);
  }
  const { runAuto } = await import("./modes/auto.js");
  return runAuto(first, options);
}

// A reader that goes away first (`keras-fix ... --json | head -c 100`) is not a bug of ours: stop quietly, as other
// command-line tools do; the exit handlers still stop any Python worker.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isUserError(error)) {
      process.stderr.write(`keras-fix: ${sanitize(error.message)}\n`);
      if (error.hint) process.stderr.write(`  try: ${sanitize(error.hint)}\n`);
      process.exitCode = ExitCode.usage;
      return;
    }
    process.stderr.write(`keras-fix hit a bug. Please report it with the lines below.\n`);
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = ExitCode.usage;
  },
);

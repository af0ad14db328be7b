#!/usr/bin/env node
// Entry point: parses the flags, picks the mode, maps the result to an exit code. Nothing else lives here.
import meow from "meow";
import { isUserError, UserError } from "./core/errors.js";
import { ExitCode } from "./core/exit-codes.js";
import { sanitize } from "./core/content.js";

const cli = meow(
  `
  Usage
    $ keras-fix [model]              walk from the load error to a fix (interactive in a terminal)
    $ keras-fix <model> --auto       the same without questions; prints a report
    $ keras-fix inspect <model>      what the file says, without Python
    $ keras-fix explain <traceback-file | ->   diagnose a pasted traceback

  Options
    --auto             never ask; take each fix's safe automatic path (implied without a terminal)
    --json             print one JSON document on stdout (progress goes to stderr)
    --python <path>    the Python interpreter to use (default: KERAS_FIX_PYTHON, the active venv/conda, PATH)
    --timeout <s>      time limit for the Python probe in seconds (default 300)
    --model <path>     with explain: the model file the traceback came from
    --custom-objects <file.py>   a Python file that defines the missing custom objects (imported before loading)

  Exit codes
    0 the model loads (now, or after a verified fix)   1 diagnosed, not fixed   2 usage or environment error
    3 undiagnosed   130 cancelled

  Examples
    $ npx keras-fix model.h5
    $ keras-fix inspect model.keras --json
    $ pbpaste | keras-fix explain -
`,
  {
    importMeta: import.meta,
    flags: {
      auto: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      python: { type: "string" },
      timeout: { type: "number", default: 300 },
      model: { type: "string" },
      customObjects: { type: "string" },
    },
    allowUnknownFlags: false,
  },
);

export interface CliOptions {
  auto: boolean;
  json: boolean;
  python?: string;
  timeoutSeconds: number;
  model?: string;
  customObjects?: string;
}

async function main(): Promise<number> {
  const [first, ...rest] = cli.input;
  const options: CliOptions = {
    auto: cli.flags.auto,
    json: cli.flags.json,
    python: cli.flags.python,
    timeoutSeconds: cli.flags.timeout,
    model: cli.flags.model,
    customObjects: cli.flags.customObjects,
  };
  if (!(options.timeoutSeconds > 0)) throw new UserError("--timeout takes a positive number of seconds.");
  if (first === "inspect") {
    if (rest.length !== 1) throw new UserError("inspect takes one path.", "keras-fix inspect path/to/model.h5");
    const { runInspect } = await import("./modes/inspect.js");
    return runInspect(rest[0], options);
  }
  if (first === "explain") {
    if (rest.length !== 1) throw new UserError("explain takes one traceback file, or - for standard input.");
    const { runExplain } = await import("./modes/explain.js");
    return runExplain(rest[0], options);
  }
  if (rest.length > 0) throw new UserError(`keras-fix takes one model path; got ${cli.input.length} arguments.`);
  // The same test as Ink's own: in CI it stops redrawing, so a wizard there could not be followed.
  const inCi = ["CI", "CONTINUOUS_INTEGRATION"].some((key) => key in process.env && !["0", "false"].includes(process.env[key]!));
  const interactive = !options.auto && !options.json && !inCi && process.stdin.isTTY === true && process.stdout.isTTY === true;
  if (interactive) {
    const { runInteractive } = await import("./modes/interactive.js");
    return runInteractive(first, options);
  }
  if (!first) throw new UserError("Without a terminal, give the model path.", "keras-fix path/to/model.h5 --auto");
  if (!options.auto && !options.json) {
    process.stderr.write(`keras-fix: ${inCi ? "running in CI" : "no terminal here"}, so running as --auto (no questions asked).\n`);
  }
  const { runAuto } = await import("./modes/auto.js");
  return runAuto(first, options);
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

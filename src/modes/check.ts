// `keras-fix check [PATH…]`: every model in a repository, as a CI gate. Finds the models (src/engine/check/find.ts),
// checks each with one warm worker (run.ts) and prints a progress line and a table, or one format (formats.ts) on
// stdout or into a NEW --output file. Exit 0 when every model loads, 1 when one fails or is dangerous, 2 on a usage
// or environment error, 130 on Ctrl-C (every worker stopped, no partial output file left).
import { copyFileSync, constants as fsConstants, createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import chalk from "chalk";
import { sanitize } from "../core/content.js";
import { UserError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { findModels } from "../engine/check/find.js";
import { FORMATS, htmlReport, jsonDocument, jsonLine, junitXml, markdown, sarifLog, textTable, type CheckFormat } from "../engine/check/formats.js";
import { createChecker, defaultJobs, type Checker, type TimedResult } from "../engine/check/run.js";
import { parseShard, shardOf } from "../engine/check/shard.js";
import { planFor, trialPythonFor } from "../engine/check/against.js";
import { applyColorChoice } from "./color.js";
import { packageVersion } from "./package-version.js";

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        python: { type: "string" },
        timeout: { type: "string" },
        "custom-objects": { type: "string" },
        format: { type: "string", default: "text" },
        output: { type: "string" },
        shard: { type: "string" },
        jobs: { type: "string" },
        against: { type: "string" },
        fix: { type: "boolean", default: false },
        "write-loaders": { type: "boolean", default: false },
        "bring-home": { type: "boolean", default: false },
        "no-color": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UserError(`check: ${(error as Error).message.split("\n")[0]}`, "keras-fix --help");
  }
}

const HELP = `
  Load every model under PATH with your Python and Keras, as a CI gate (docs/ci.md).

  Usage
    $ keras-fix check [PATH…]     files, folders and quoted globs; default: the current folder (.gitignore obeyed)

  Options
    --python <path>            the interpreter that has your Keras (default: KERAS_FIX_PYTHON, the active venv/conda, PATH)
    --timeout <s>              time limit for each model's load (default 300); a hung load is stopped and reported
    --custom-objects <file.py> the file that defines your custom classes, imported for every load
    --format <f>               text (default), json, jsonl, junit, sarif, markdown or html
    --output <file>            write the report into this NEW file (never over an existing one)
    --shard <i/n>              check only the i-th of n deterministic parts (CI matrix)
    --jobs <n>                 Python workers loading models at once (default: one per core, as free memory allows)
    --against <spec>           also check in a throwaway trial environment with these requirements
    --fix                      prove a fix for each model that fails, the way --auto does (writes nothing)
    --write-loaders            with --fix: write load_<model>.py beside each model whose proven fix needs one
                               (a new file, never over one)
    --bring-home               with --fix: write a proven <model>.home.keras copy of each Keras 2 file that this
                               Keras 3 reads only through tf_keras (a new file, never over one)
    --no-color                 no colours

  Exit codes
    0 every model loads   1 one fails, is dangerous, hangs or crashes   2 usage or environment error   130 cancelled
`;

export async function runCheck(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  applyColorChoice(values["no-color"]);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return ExitCode.loads;
  }
  const format = values.format as CheckFormat;
  if (!FORMATS.includes(format)) throw new UserError(`--format ${values.format}: expected one of ${FORMATS.join(", ")}.`);
  const timeoutSeconds = values.timeout === undefined ? 300 : Number(values.timeout);
  if (!(timeoutSeconds > 0)) throw new UserError("--timeout takes a positive number of seconds.");
  const output = values.output ? resolve(values.output) : null;
  // Only new files: an existing report is the user's, never overwritten.
  if (output && existsSync(output)) throw new UserError(`--output ${values.output} exists; keras-fix writes only new files.`, "remove it first, or pick another name");
  if (output && !existsSync(dirname(output))) throw new UserError(`--output ${values.output}: no folder ${dirname(output)}.`);
  const customObjects = values["custom-objects"] ? resolve(values["custom-objects"]) : undefined;
  if (customObjects && !existsSync(customObjects)) throw new UserError(`--custom-objects: no file at ${values["custom-objects"]}.`);
  const shard = values.shard ? parseShard(values.shard) : null;
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`--jobs ${values.jobs}: expected a whole number of workers, 1 or more.`);
  const againstPlan = values.against !== undefined ? planFor(values.against) : null;
  // A loader script writes down a proven fix, and only --fix proves fixes.
  if (values["write-loaders"] && !values.fix) throw new UserError("--write-loaders writes the loader of the fix --fix proves: add --fix.", "keras-fix check --fix --write-loaders");
  if (values["bring-home"] && !values.fix) throw new UserError("--bring-home writes the copy --fix proves: add --fix.", "keras-fix check --fix --bring-home");
  // Read only with --fix: the walks need the flows and the engine, which a plain check loads only once Python starts.
  const fixer = values.fix ? (await import("../engine/check/fix.js")).createFixer({ python: values.python, timeoutSeconds, customObjects, writeLoaders: values["write-loaders"], bringHome: values["bring-home"] }) : null;

  const started = performance.now();
  const all = await findModels(positionals);
  const models = shard ? shardOf(all, shard) : all;

  // JSON lines stream as each model finishes: to stdout, or to a scratch file copied to --output at the end.
  let scratch: string | null = null;
  let stream: WriteStream | null = null;
  if (format === "jsonl" && output) {
    scratch = mkdtempSync(join(tmpdir(), "keras-fix-check-"));
    stream = createWriteStream(join(scratch, "results.jsonl"));
  }
  const emitLine = (line: string) => (stream ? stream.write(line) : process.stdout.write(line));

  const controller = new AbortController();
  let checker: Checker | null = null;
  const cancel = () => {
    controller.abort();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    void Promise.all([checker?.close(), fixer?.close()]).finally(() => process.exit(ExitCode.cancelled));
  };
  // `on`, not `once`: the probe's own signal hook (processes.ts) re-raises the signal when nobody else listens.
  process.on("SIGINT", cancel);
  process.on("SIGTERM", cancel);
  const tty = process.stderr.isTTY === true;
  const progress = (text: string, done: boolean) => {
    if (tty) process.stderr.write(`\r\x1b[2K${text}`);
    else if (done) process.stderr.write(`${text}\n`);
  };
  const results: TimedResult[] = [];
  const environments: string[] = [];
  const workers = { started: 0, imports: 0 };
  try {
    if (models.length > 0) {
      progress(`Checking ${models.length} model${models.length === 1 ? "" : "s"}…`, false);
      let done = 0;
      // With --fix, a model's JSON line waits for its proof (the user's environment; --against is not fixed).
      const holdLines = (label: string) => fixer !== null && label === "";
      const checkAll = async (label: string) => {
        done = 0;
        await checker!.checkAll(models, (checked) => {
          // Ctrl-C killed the workers mid-load: that is no crash of a model, and nothing more is reported.
          if (controller.signal.aborted) return;
          done++;
          results.push(checked);
          const { path, status, cause } = checked.result;
          progress(`${label}[${done}/${models.length}] ${sanitize(path)}: ${status}${cause ? ` (${cause})` : ""}`, true);
          if (format === "jsonl" && !holdLines(label)) emitLine(jsonLine(checked.result));
        });
      };
      const options = { timeoutSeconds, customObjects, signal: controller.signal, jobs };
      checker = createChecker({ ...options, python: values.python, models: models.map((m) => m.absolute) });
      await checkAll("");
      environments.push(checker.run.environment);
      if (fixer && !controller.signal.aborted) {
        // The warm workers are done: each walk starts its own Python, one at a time, so they would only hold memory.
        await checker.close();
        for (const [index, checked] of results.entries()) {
          if (controller.signal.aborted) break;
          const model = models[index];
          if (checked.result.status === "fails") progress(`fix: [${index + 1}/${models.length}] proving a fix for ${sanitize(model.path)}…`, false);
          Object.assign(checked.result, await fixer.prove(model, checked, checker.run.env));
          const { proven, loader, home } = checked.result;
          const wrote = [loader, home].filter((file): file is string => !!file).map(sanitize).join(" and ");
          if (proven || home) progress(`fix: ${sanitize(model.path)}: ${proven ? sanitize(proven.description) : "brought home"}${wrote ? `; wrote ${wrote}` : ""}`, true);
          if (format === "jsonl") emitLine(jsonLine(checked.result));
        }
      }
      if (againstPlan && !controller.signal.aborted) {
        // The same models again in the trial environment: after the user's, with its own warm workers.
        const first = checker.run;
        await checker.close();
        // Building the environment loads one model there: one the user's environment loaded (or tried to) safely.
        const safe = results.find((r) => r.result.status === "loads") ?? results.find((r) => r.result.status === "fails");
        const builder = safe ? models.find((m) => m.path === safe.result.path)!.absolute : null;
        progress(`Trial environment for ${againstPlan.packages.join(" ")}…`, true);
        const trialPython = await trialPythonFor(againstPlan, first.env, builder, timeoutSeconds, (line) => progress(sanitize(line), true));
        workers.started += first.workersStarted;
        workers.imports += first.kerasImports;
        checker = createChecker({ ...options, python: trialPython, env: againstPlan.env });
        await checkAll("against: ");
        environments.push(checker.run.environment);
      }
    } else {
      process.stderr.write("keras-fix check: no model files found.\n");
    }
  } catch (error) {
    // Ctrl-C during the Keras import aborts the start: that is the cancel, not an error to report.
    if (!controller.signal.aborted) {
      stream?.destroy();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      throw error;
    }
  } finally {
    process.off("SIGINT", cancel);
    process.off("SIGTERM", cancel);
    await checker?.close();
    await fixer?.close();
  }
  // Cancelled: cancel() exits with 130 once the workers are stopped; no output is written.
  if (controller.signal.aborted) return new Promise<number>(() => undefined);
  const exitCode = results.every((r) => r.result.status === "loads") ? ExitCode.loads : ExitCode.diagnosed;
  const version = packageVersion();
  const rendered: Record<Exclude<CheckFormat, "jsonl">, () => string> = {
    text: () => textTable(results),
    json: () =>
      jsonDocument({
        results,
        environments,
        workersStarted: workers.started + (checker?.run.workersStarted ?? 0),
        kerasImports: workers.imports + (checker?.run.kerasImports ?? 0),
        seconds: (performance.now() - started) / 1000,
        shard,
        exitCode,
        version,
      }),
    junit: () => junitXml(results),
    sarif: () => sarifLog(results, version),
    markdown: () => markdown(results),
    html: () => htmlReport(results, version),
  };
  if (format === "jsonl") {
    if (stream && scratch && output) {
      await new Promise<void>((done, fail) => stream!.end((error?: Error | null) => (error ? fail(error) : done())));
      copyFileSync(join(scratch, "results.jsonl"), output, fsConstants.COPYFILE_EXCL);
      rmSync(scratch, { recursive: true, force: true });
    }
    if (results.length > 0) process.stderr.write(textTable(results));
  } else if (output) {
    // A file gets no colour codes, whatever the terminal supports.
    const level = chalk.level;
    if (format === "text") chalk.level = 0;
    writeFileSync(output, rendered[format](), { flag: "wx" });
    chalk.level = level;
    if (format !== "text") process.stderr.write(textTable(results));
  } else {
    process.stdout.write(rendered[format]());
    if (format !== "text" && results.length > 0) process.stderr.write(textTable(results));
  }
  if (output) process.stderr.write(`Wrote ${sanitize(output)}\n`);
  return exitCode;
}

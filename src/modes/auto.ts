// --auto, --json and the non-TTY run: diagnose, take each flow's safe automatic path, print one report.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { CliOptions } from "./options.js";
import type { AutoWalk } from "../engine/auto-walk.js";
import { createDiagnoseSession } from "../engine/diagnose.js";
import { isUserError, UserError } from "../core/errors.js";
import { walkChain, type ChainLink } from "../engine/fix-chain.js";
import { ExitCode } from "../core/exit-codes.js";
import { sanitize, shellWord } from "../core/content.js";
import type { DiagnoseResult } from "../engine/session.js";
import { exitCodeFor, printErrorDocument, printReport, progressToStderr } from "./run-report.js";

export function inputsFrom(options: CliOptions): Record<string, string> {
  const inputs: Record<string, string> = options.tryVersions ? { tryVersions: "yes" } : {};
  if (options.bringHome) inputs.bringHome = "yes";
  if (options.writeLoaders) inputs.writeLoaders = "yes";
  if (!options.customObjects) return inputs;
  const module = resolve(options.customObjects);
  if (!existsSync(module)) throw new UserError(`--custom-objects: no file at ${options.customObjects}.`);
  return { ...inputs, customObjectsModule: module };
}

/** The command this run was started with, plus `flag` (before a `--`, after which everything is a path). */
export function commandWith(flag: string, argv: string[] = process.argv.slice(2)): string {
  const words = argv.filter((word) => word !== flag);
  const end = words.indexOf("--");
  const at = end === -1 ? words.length : end;
  return ["keras-fix", ...words.slice(0, at), flag, ...words.slice(at)].map(shellWord).join(" ");
}

export async function runAuto(target: string | undefined, options: CliOptions): Promise<number> {
  if (!target) throw new UserError("Give the model path.", "keras-fix path/to/model.h5 --auto");
  let inputs: Record<string, string>;
  try {
    inputs = inputsFrom(options);
  } catch (error) {
    if (!options.json || !isUserError(error)) throw error;
    return printErrorDocument(error, { file: null, env: null, load: null, diagnosis: null, cause: null, outcome: "error" }, options);
  }
  const session = createDiagnoseSession({
    modelPath: target,
    python: options.python,
    timeoutSeconds: options.timeoutSeconds,
    inputs,
    onActionProgress: (line) => process.stderr.write(`  ${sanitize(line)}
`),
  });
  const cancel = () => {
    void session.close().finally(() => process.exit(ExitCode.cancelled));
  };
  process.once("SIGINT", cancel);
  process.once("SIGTERM", cancel);
  let result: DiagnoseResult = { file: null, env: null, load: null, diagnosis: null, cause: null, outcome: "error" };
  try {
    result = await session.diagnose(progressToStderr);
    let walk: AutoWalk | null = null;
    let summary = null;
    let history: ChainLink[] = [];
    if (result.cause && result.diagnosis) {
      const links = await walkChain({ cause: result.cause, diagnosis: result.diagnosis }, { ...result, modelPath: target }, inputs, (request) =>
        session.runAction(request),
      );
      // The report ends on the cause that is true at the end of the walk; the ones the fixes got past are history.
      const final = links.at(-1)!;
      history = links.slice(0, -1);
      walk = final.walk;
      const named = final.diagnosis.cause === "unclassified" ? "undiagnosed" : "diagnosed";
      result = { ...result, diagnosis: final.diagnosis, cause: final.cause, outcome: result.outcome === "error" ? "error" : named };
      summary = final.cause.summary({ ...result, load: final.load, diagnosis: final.diagnosis, modelPath: target, results: {}, inputs });
    }
    const exitCode = exitCodeFor(result, walk);
    printReport({ result, walk, exitCode, summary, history, writeLoadersCommand: commandWith("--write-loaders") }, options);
    return exitCode;
  } catch (error) {
    if (!options.json || !isUserError(error)) throw error;
    return printErrorDocument(error, result, options);
  } finally {
    process.off("SIGINT", cancel);
    process.off("SIGTERM", cancel);
    await session.close();
  }
}

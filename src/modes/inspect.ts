// `keras-fix inspect <path> [--json]`: what the file holds, without Python. Prints the text tree, or exactly one
// JSON document (ModelFacts) on stdout, and maps the file's state to an exit code.
import type { CliOptions } from "./options.js";
import { ExitCode } from "../core/exit-codes.js";
import { inspectModel } from "../core/inspect/index.js";
import { renderInspectReport } from "../engine/inspect-report.js";
import { toSafeJson } from "../core/safe-json.js";
import type { ModelFacts } from "../core/types.js";

/** 0 a loadable-looking model; 2 nothing readable at the path; 1 a file with a problem, or one the safety read
 * calls dangerous (as scanners exit). */
export function inspectExitCode(facts: ModelFacts): number {
  if (facts.format === "missing") return ExitCode.usage;
  return facts.problem || facts.safety?.verdict === "dangerous" ? ExitCode.diagnosed : ExitCode.loads;
}


export async function runInspect(target: string | undefined, options: CliOptions): Promise<number> {
  if (!target) {
    process.stderr.write("keras-fix: inspect takes one path.\n  try: keras-fix inspect path/to/model.h5\n");
    return ExitCode.usage;
  }
  const facts = await inspectModel(target);
  if (options.json) process.stdout.write(`${toSafeJson(facts, 2)}\n`);
  else process.stdout.write(renderInspectReport(facts));
  return inspectExitCode(facts);
}

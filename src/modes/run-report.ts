// What --auto and explain share: the exit code of a finished run, the progress lines on stderr, and printing the
// report in the one format asked for (exactly one JSON document on stdout with --json).
import type { CliOptions } from "./options.js";
import type { AutoWalk } from "../engine/auto-walk.js";
import { sanitize } from "../core/content.js";
import { toSafeJson } from "../core/safe-json.js";
import { ExitCode } from "../core/exit-codes.js";
import { toJsonDocument, toText, wrapToWidth, type RunReport } from "../engine/report.js";
import type { DiagnoseResult, StageProgress } from "../engine/session.js";
import type { UserError } from "../core/errors.js";

export function exitCodeFor(result: DiagnoseResult, walk: AutoWalk | null): number {
  if (result.outcome === "loads" || walk?.outcome === "fixed") return ExitCode.loads;
  if (result.outcome === "error") return ExitCode.usage;
  if (result.outcome === "undiagnosed") return ExitCode.undiagnosed;
  return ExitCode.diagnosed;
}

const MARK: Record<StageProgress["status"], string> = { running: "…", done: "✔", failed: "✘", skipped: "-" };

export function progressToStderr(progress: StageProgress): void {
  if (progress.status === "running" && !process.stderr.isTTY) return;
  const seconds = progress.seconds != null ? ` (${progress.seconds.toFixed(1)} s)` : "";
  const detail = progress.detail ? `: ${sanitize(progress.detail)}` : "";
  process.stderr.write(`${MARK[progress.status]} ${progress.stage}${detail}${seconds}\n`);
}

export function printReport(report: RunReport, options: Pick<CliOptions, "json">): void {
  if (options.json) process.stdout.write(`${toSafeJson(toJsonDocument(report), 2)}\n`);
  else {
    // In a terminal the report is folded to its width (code excepted); piped, lines stay whole for other tools.
    const columns = process.stdout.isTTY ? process.stdout.columns : 0;
    const text = toText(report);
    process.stdout.write(`${columns >= 20 ? wrapToWidth(text, columns) : text}\n`);
  }
}

/** With --json, a run that could not happen is still one JSON document: outcome "error", the message and the hint. */
export function printErrorDocument(error: UserError, result: DiagnoseResult, options: Pick<CliOptions, "json">): number {
  const report = { result: { ...result, outcome: "error" as const }, walk: null, exitCode: ExitCode.usage, summary: null,
    error: { message: error.message, hint: error.hint } };
  printReport(report, options);
  return ExitCode.usage;
}

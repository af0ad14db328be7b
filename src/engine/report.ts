// The only formatters of a finished run: one JSON document (--json) and the plain-text report (--auto, non-TTY).
// Every string that came from a file, a traceback or Python goes through sanitize here or in contentToPlain.
import chalk from "chalk";
import type { AutoWalk } from "./auto-walk.js";
import { describeFix, type ChainLink } from "./fix-chain.js";
import { causesJson, causesSection } from "./every-cause.js";
import { contentToPlain, sanitize } from "../core/content.js";
import { describeFile, describeKeras, describeLoad, describePython } from "../core/describe.js";
import type { DiagnoseResult } from "./session.js";
import type { Content, Diagnosis, Facts, LoadAttempt, LoadFix } from "../core/types.js";
import { plansWithProofs } from "../core/versions/versions.js";
import { planJson, type PlanProof } from "../core/versions/plans.js";
import { LOADER_PREVIEW, previewIn } from "../../flows/_shared/keep-fix.js";
import { readExplainDoc } from "./explain-doc.js";

export interface RunReport {
  result: DiagnoseResult;
  walk: AutoWalk | null;
  exitCode: number;
  /** The cause's one-sentence summary for this file. */
  summary: Content | null;
  /** Set when the run could not happen (bad input, no Python, a broken probe). */
  error?: { message: string; hint?: string };
  /** Causes met before the final one, in order: each walk's fix got the load past it into the next error. */
  history?: ChainLink[];
  /** The command that writes the loader script a walk only showed (the user's own, with --write-loaders). */
  writeLoadersCommand?: string;
  /** explain: a pasted traceback; the walk shows the fix steps and runs nothing. */
  explain?: boolean;
}

/** The loader script of a walk that proved a fix: written (--write-loaders), or only shown, with how to get it. */
export interface WalkLoader {
  written: boolean;
  path: string;
  code: string;
  /** How to write it, when it was only shown. */
  command: string | null;
}

export function walkLoader(walk: AutoWalk | null, writeLoadersCommand?: string): WalkLoader | null {
  const wrote = walk?.steps.find((s) => s.request?.kind === "write-loader" && s.result?.ok);
  const { path, code } = (wrote?.result?.data ?? {}) as { path?: unknown; code?: unknown };
  if (typeof path === "string" && typeof code === "string") return { written: true, path, code, command: null };
  const shown = walk?.steps.find((s) => s.id.endsWith(LOADER_PREVIEW));
  const preview = shown ? previewIn(shown.content) : null;
  return preview ? { written: false, ...preview, command: writeLoadersCommand ?? "keras-fix <model> --auto --write-loaders" } : null;
}

function diagnosisJson(diagnosis: Diagnosis | null) {
  if (!diagnosis) return null;
  const { cause, title, culprit, confidence, evidence, alternatives, captures } = diagnosis;
  return { cause, title, culprit, confidence, evidence, alternatives, captures };
}

/** The copy a walk brought home and proved (from a trial environment, or from tf_keras beside Keras 3), if any. */
export function broughtHome(walk: AutoWalk | null): string | null {
  const step = walk?.steps.find((s) => (s.request?.kind === "bring-home" || s.request?.kind === "bring-home-legacy") && s.result?.ok);
  const path = step?.result?.data?.path;
  return typeof path === "string" ? path : null;
}

/** The fix that a successful verify step proved, if any. */
export function provenFix(walk: AutoWalk | null): LoadFix | null {
  const proven = walk?.steps.find((s) => s.request?.kind === "verify-load" && s.result?.ok);
  if (!proven || proven.request?.kind !== "verify-load") return null;
  // The fix as it was loaded: with the fixes of earlier causes that a chain carried into it (effects records it).
  return (proven.result?.data?.fix as LoadFix | undefined) ?? proven.request.fix;
}

export function writtenFiles(walk: AutoWalk | null): string[] {
  return (walk?.steps ?? []).flatMap((s) => (s.result?.ok && typeof s.result.data?.path === "string" ? [s.result.data.path] : []));
}

/** The version plans a walk showed (its "plan" step), each marked proven or unproven, with the trial's proofs. */
function walkPlans(walk: AutoWalk, facts: Facts) {
  if (!walk.steps.some((s) => s.id === "plan")) return undefined;
  const trial = walk.steps.find((s) => s.request?.kind === "try-versions");
  const proofs = trial?.result?.data?.proofs as PlanProof[] | undefined;
  return plansWithProofs(facts, facts.file?.path ?? null, proofs).map(planJson);
}

function walkJson(walk: AutoWalk, facts: Facts, writeLoadersCommand?: string) {
  return {
    outcome: walk.outcome,
    plans: walkPlans(walk, facts),
    fix: provenFix(walk),
    wrote: writtenFiles(walk),
    loader: walkLoader(walk, writeLoadersCommand),
    // explain: the step the walk stopped before, because it needs the model file or a Python (null: none).
    stoppedBefore: walk.stoppedBefore ?? null,
    steps: walk.steps.map((s) => ({
      id: s.id,
      kind: s.kind,
      title: s.title,
      text: contentToPlain(s.content),
      choice: s.choice?.id ?? null,
      action: s.request?.kind ?? null,
      ok: s.result ? s.result.ok : null,
      result: s.result ? contentToPlain(s.result.summary) : null,
      // Per-Lambda facts (uses, constants, verdict, expression) of the read-lambdas and rebuild steps.
      ...(Array.isArray(s.result?.data?.lambdas) ? { lambdas: s.result.data.lambdas } : {}),
      // The bring-home step's copy: path, proven, maxAbsDiff, tolerance, route, dropped keys, why (src/core/bring-home/bring-home.ts).
      ...(s.result?.data?.bringHome ? { bringHome: s.result.data.bringHome } : {}),
    })),
  };
}

/** One entry per cause met, in order: the fix each one's walk tried, and whether it got past it or loaded. */
function fixChain(history: ChainLink[], walk: AutoWalk | null, final: Diagnosis | null) {
  const earlier = history.map((link) => ({ cause: link.diagnosis.cause, fix: link.next?.fix ?? null, result: "next-error" as const }));
  if (!walk || !final) return earlier;
  return [...earlier, { cause: final.cause, fix: provenFix(walk), result: walk.outcome === "fixed" ? ("loads" as const) : ("not-fixed" as const) }];
}

/** The error a load met, as one line: the innermost exception Keras wrapped, which is the one to read. */
function lastLine(attempt: LoadAttempt | null | undefined): string | null {
  return attempt && !attempt.ok ? describeLoad(attempt) : null;
}

export function toJsonDocument(report: RunReport): Record<string, unknown> {
  const { result, walk } = report;
  const history = report.history ?? [];
  const last = result.load?.chain[result.load.chain.length - 1];
  const facts: Facts = { file: result.file, env: result.env, load: result.load };
  return {
    schemaVersion: 1,
    path: result.file?.path ?? null,
    file: result.file,
    env: result.env,
    load: result.load
      ? { ok: result.load.ok, exceptionType: last?.type ?? null, message: last?.message ?? null, seconds: result.load.seconds, warnings: result.load.warnings }
      : null,
    diagnosis: diagnosisJson(result.diagnosis),
    causes: causesJson(report),
    history: history.map((link) => ({
      ...diagnosisJson(link.diagnosis),
      walk: walkJson(link.walk, facts),
      // The fix that got the load past this cause, and the error the load met next (the next entry, or the diagnosis).
      gotPastWith: link.next ? { fix: link.next.fix, nextError: lastLine(link.next.attempt), nextCause: link.next.diagnosis.cause } : null,
    })),
    summary: report.summary ? contentToPlain(report.summary) : null,
    walk: walk ? { ...walkJson(walk, facts, report.writeLoadersCommand), chain: fixChain(history, walk, result.diagnosis) } : null,
    // One answer with the exit code: a walk that proved a fix ends where exit code 0 does, the model loads.
    outcome: walk?.outcome === "fixed" && result.outcome !== "error" ? "loads" : result.outcome,
    exitCode: report.exitCode,
    error: report.error ?? null,
  };
}

function section(title: string, body: string): string {
  return `${chalk.bold(title)}\n${body.replace(/^/gm, "  ")}\n`;
}

function plain(content: Content): string {
  return contentToPlain(content);
}

// Styling sequences take no columns; a code block in the report is indented by its section (2) and contentToPlain (4).
const SGR = /\u001b\[[0-9;]*m/g;
const CODE_INDENT = 6;
const columnsOf = (value: string) => [...value.replace(SGR, "")].length;

/**
 * The plain report folded to `width` columns at spaces, each folded line indented under its own text (under the
 * text of a "- ", "• " or "▸ " item). Code is never folded: copied, it must stay the code it was; a word longer than
 * the width (a path, a URL) stays whole, for the terminal to wrap.
 */
export function wrapToWidth(text: string, width: number): string {
  return text
    .split("\n")
    .map((line) => {
      if (columnsOf(line) <= width) return line;
      const leading = /^ */.exec(line)![0];
      const bare = line.replace(SGR, "");
      const indent = /^ */.exec(bare)![0].length;
      if (indent >= CODE_INDENT) return line;
      const bullet = /^(?:[-•▸✔✘] |\d+\. )/.exec(bare.slice(indent))?.[0].length ?? 0;
      const hang = " ".repeat(Math.min(indent + bullet, Math.floor(width / 2)));
      const rows: string[] = [];
      let row = leading;
      let empty = true;
      for (const word of line.slice(leading.length).split(" ")) {
        if (!empty && columnsOf(`${row} ${word}`) > width) {
          rows.push(row);
          row = `${hang}${word}`;
        } else {
          row = empty ? `${row}${word}` : `${row} ${word}`;
        }
        empty = false;
      }
      rows.push(row);
      return rows.join("\n");
    })
    .join("\n");
}

/** How explain's walk ends: nothing ran, so the last word is what to run next, on the model itself. */
function explainEnding(report: RunReport, walk: AutoWalk): string[] {
  const run = `keras-fix ${sanitize(report.result.file?.path ?? "<your model file>")}`;
  if (!walk.stoppedBefore) return [chalk.yellow(`Nothing was run: follow the steps above, or run ${run} to check them on the model itself.`)];
  const doc = report.result.diagnosis ? readExplainDoc(report.result.diagnosis.cause) : null;
  return [
    ...(doc ? [section("How to fix", plain(doc.howToFix))] : []),
    chalk.yellow(`Next: ${sanitize(walk.stoppedBefore.title)}. That step needs the model file and a Python with Keras, and explain runs nothing: run ${run} to take it from here.`),
  ];
}

export function toText(report: RunReport): string {
  const { result, walk } = report;
  const out: string[] = [];
  if (result.file) out.push(section("File", `${sanitize(result.file.path)}\n${sanitize(describeFile(result.file))}`));
  if (result.env) out.push(section("Python", `${sanitize(describePython(result.env))}\n${sanitize(describeKeras(result.env))}`));
  // Without an environment the "load" is a pasted traceback (explain): say what it is.
  if (result.load) out.push(section(result.env ? "Load" : "Traceback", sanitize(describeLoad(result.load))));
  if (report.error) {
    out.push(section("Error", `${sanitize(report.error.message)}${report.error.hint ? `\ntry: ${sanitize(report.error.hint)}` : ""}`));
  }
  if (result.outcome === "loads") {
    out.push(chalk.green("The model loads in this environment: nothing to fix here."));
    return out.join("\n");
  }
  const history = report.history ?? [];
  if (history.length > 0) {
    // Each earlier cause, the fix that got the load past it, and what it met next: the chain that led here.
    const lines = history.map((link, n) => {
      const culprit = link.diagnosis.culprit ? ` (${link.diagnosis.culprit})` : "";
      const then = link.next ? sanitize(`got past it with ${describeFix(link.next.fix)}; then: ${lastLine(link.next.attempt) ?? link.next.diagnosis.cause}`) : "";
      const next = link.next ? `\n   ${chalk.green("✔")} ${then}` : "";
      return `${n + 1}. ${sanitize(link.diagnosis.title)}${sanitize(culprit)}  ${chalk.dim(`[${link.diagnosis.cause}]`)}${next}`;
    });
    out.push(section("Earlier causes (fixed on the way)", lines.join("\n")));
  }
  const standing = causesSection(report);
  if (standing) out.push(section(standing.heading, sanitize(standing.lines.join("\n"))));
  const d = result.diagnosis;
  if (d) {
    const lines = [
      `${chalk.bold(sanitize(d.title))}  ${chalk.dim(`[${d.cause}, confidence ${d.confidence.toFixed(2)}]`)}`,
      d.culprit ? `culprit: ${chalk.yellow(sanitize(d.culprit))}` : "",
      ...d.evidence.map((e) => `- ${sanitize(e)}`),
      d.alternatives.length > 0 ? chalk.dim(`also possible: ${d.alternatives.map((a) => `${a.cause} (${a.confidence.toFixed(2)})`).join(", ")}`) : "",
    ].filter(Boolean);
    if (report.summary) lines.splice(1, 0, plain(report.summary));
    out.push(section("Diagnosis", lines.join("\n")));
  }
  if (walk) {
    const steps = walk.steps.map((s) => {
      const parts = [chalk.bold(`▸ ${sanitize(s.title)}`)];
      const body = plain(s.content);
      if (body) parts.push(body);
      if (s.choice) parts.push(chalk.dim(`(${report.explain ? "--auto would take" : "--auto chose"}: ${sanitize(s.choice.label)})`));
      if (s.result) parts.push(`${s.result.ok ? chalk.green("✔") : chalk.red("✘")} ${plain(s.result.summary)}`);
      return parts.join("\n");
    });
    if (steps.length > 0) out.push(section(report.explain ? "Fix steps" : "Fix", steps.join("\n\n")));
    if (report.explain) {
      out.push(...explainEnding(report, walk));
      return out.join("\n");
    }
    const chain = fixChain(history, walk, result.diagnosis);
    const proven = provenFix(walk);
    // A proven copy (bring-home) loads here; the original still does not.
    const home = broughtHome(walk);
    const verdict =
      walk.outcome === "fixed" && home !== null
        ? chalk.green(`Fixed: your Keras loads the new copy ${sanitize(home)} (proven by a fresh load and the same outputs); the original file is unchanged.`)
        : walk.outcome === "fixed" && chain.length > 1 && proven
        ? chalk.green(`Fixed: the model loads with ${describeFix(proven)} (${chain.length} causes, one after the other; verified by loading it again).`)
        : walk.outcome === "fixed"
        ? chalk.green("Fixed: the model loads with the fix above (verified by loading it again).")
        : walk.outcome === "escalate"
          ? chalk.yellow("Not fixed automatically: see the steps above, or run keras-fix in a terminal for the guided walk.")
          : chalk.yellow("Not fixed: follow the steps above.");
    out.push(verdict);
    const loader = walkLoader(walk, report.writeLoadersCommand);
    if (loader && !loader.written) {
      out.push(`The loader script shown above was not written. To write it (${sanitize(loader.path)}), run:\n  ${sanitize(loader.command ?? "")}`);
    }
  }
  return out.join("\n");
}

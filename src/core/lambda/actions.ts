// The Lambda actions a flow can ask for (effects.ts dispatches them here): read what each Lambda would run, rebuild
// the model in code and load only its weights, and re-save the rebuilt model so that it loads in safe mode.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { code, paragraphs, path as pathToken, python, strong, text } from "../content.js";
import type { RebuildLoadResult } from "../probe/protocol.js";
import type { ActionResult, Content, Token } from "../types.js";
import type { EffectDeps } from "../effect-deps.js";
import { freshModulePath, freshPath, modelStem } from "../new-files.js";
import { buildModelScript, Unbuildable, type RebuildLoader } from "./build-model.js";
import { readModelConfig, storedLambdas } from "./config.js";
import { readLambdas } from "./read.js";
import type { LambdaReport } from "./types.js";

const VERDICT_WORDS: Record<LambdaReport["verdict"], string> = {
  "tensor-maths": "tensor maths only",
  caution: "caution",
  dangerous: "DANGEROUS",
};

/** One Lambda as the wizard and the report show it. */
export function describeLambda(report: LambdaReport): Content {
  const head: Token[] = [strong(`Lambda ${report.layerName}`), text(": ")];
  if (report.error) return [[...head, text(`its code could not be read (${report.error}).`)]];
  const lines: Content = [[...head, strong(VERDICT_WORDS[report.verdict]), text(" (not run)")]];
  // The writer's range comes from the bytecode's layout; the reader is any Python of that range found here, so the
  // two are said apart (a lambda saved on 3.10 is read by a 3.8 here).
  lines.push([text(report.writer ? `Bytecode written by Python ${report.writer}, as its layout shows; read here by Python ${report.python}.` : `Read here by Python ${report.python}.`)]);
  const signature = `lambda ${report.args.join(", ") || "x"}: `;
  lines.push([python(report.expression !== null ? `${signature}${report.expression}` : `${signature}...  # not a plain expression (${report.unsupported})`)]);
  lines.push([text("Uses: "), ...(report.uses.length ? [code(report.uses.join(", "))] : [text("nothing but its arguments")])]);
  if (report.constants.length > 0) lines.push([text("Constants: "), code(report.constants.join(", "))]);
  if (Object.keys(report.arguments).length > 0) lines.push([text("Arguments passed by the layer: "), code(JSON.stringify(report.arguments))]);
  for (const reason of report.reasons) lines.push([text(report.verdict === "dangerous" ? "⚠ " : "• "), text(reason)]);
  return lines;
}

/** The Lambda reports an earlier `read-lambdas` step recorded, if any. */
export function lambdaReportsIn(results: Record<string, ActionResult>): LambdaReport[] {
  for (const result of Object.values(results)) {
    const lambdas = result.data?.lambdas;
    if (Array.isArray(lambdas)) return lambdas as LambdaReport[];
  }
  return [];
}

async function lambdasOf(deps: EffectDeps) {
  const config = await readModelConfig(deps.modelPath);
  const env = deps.facts.env;
  const python = env ? { path: env.python.path, version: env.python.version } : null;
  const reports = config ? await readLambdas(storedLambdas(config), python) : [];
  return { config, reports };
}

export async function readLambdaFacts(deps: EffectDeps): Promise<ActionResult> {
  const { config, reports } = await lambdasOf(deps);
  if (!config) return { ok: false, summary: paragraphs("keras-fix could not read the model's config, so it cannot show the Lambdas' code."), data: { lambdas: [] } };
  if (reports.length === 0) return { ok: false, summary: paragraphs("The config stores no Lambda bytecode."), data: { lambdas: [] } };
  const dangerous = reports.filter((r) => r.verdict === "dangerous").length;
  const verdict = dangerous > 0 ? "dangerous" : reports.some((r) => r.verdict === "caution") ? "caution" : "tensor-maths";
  return {
    ok: true,
    summary: [
      ...paragraphs(
        dangerous > 0
          ? [strong(`${dangerous} of ${reports.length} Lambda${reports.length > 1 ? "s" : ""} would do more than tensor maths: do not allow this file's code to run.`)]
          : [`What ${reports.length > 1 ? `each of the ${reports.length} Lambdas` : "the Lambda"} would run (read from the bytecode, nothing was run):`],
      ),
      ...reports.flatMap(describeLambda),
    ],
    data: { lambdas: reports, verdict },
  };
}

function loaderOf(deps: EffectDeps): RebuildLoader {
  return deps.facts.env?.loader ?? "keras3";
}

function why(result: RebuildLoadResult): string {
  const last = result.error?.at(-1);
  if (last) return `${result.stage}: ${last.type}: ${last.message.split("\n")[0].slice(0, 300)}`;
  const weights = result.weights;
  if (weights && (weights.unmatched.length > 0 || weights.unusedCount > 0)) {
    const missing = weights.unmatched.slice(0, 3).map((w) => `${w.name} ${JSON.stringify(w.shape)}`).join(", ");
    return `${weights.matched} of ${weights.model} weights match the file${missing ? ` (not: ${missing})` : ""}${weights.unusedCount ? `; ${weights.unusedCount} stored arrays unused` : ""}`;
  }
  if (weights && weights.matched === 0) return "the model has no weights to check";
  return result.stage ?? "unknown";
}

export async function rebuildModel(deps: EffectDeps): Promise<ActionResult> {
  const { config, reports } = await lambdasOf(deps);
  if (!config) return { ok: false, summary: paragraphs("keras-fix could not read the model's config, so there is nothing to rebuild from.") };
  let script;
  try {
    script = buildModelScript({ config, lambdas: reports, loader: loaderOf(deps), modelPath: resolve(deps.modelPath) });
  } catch (error) {
    if (!(error instanceof Unbuildable)) throw error;
    return { ok: false, summary: paragraphs(["keras-fix cannot write this architecture in code: ", code(error.message)]), data: { proven: false, why: error.message } };
  }
  const target = freshModulePath(deps.outputDir ?? process.cwd(), `${modelStem(deps.modelPath)}_rebuilt`);
  writeFileSync(target, script.code, { flag: "wx" });
  const todos = script.functions.filter((f) => f.todo);
  const result = await deps.probe().rebuildLoad(target, deps.modelPath, null);
  const proven = result.ok && todos.length === 0;
  const reason = proven
    ? `all ${result.weights?.matched} weights equal the file's, each used once`
    : todos.length > 0
      ? `TODO in ${todos.map((t) => t.functionName).join(", ")}: ${todos[0].why}`
      : why(result);
  const summary: Content = [
    ...paragraphs(["Wrote ", pathToken(target), proven ? ": the model rebuilt in code." : ": the model in code, not finished."]),
    ...paragraphs(
      proven
        ? [strong("Proven: "), `the rebuilt model loads the file's weights (load_weights, which runs nothing from the file): ${reason}.`]
        : [strong("Unproven: "), reason, "."],
    ),
    ...script.notes.map((note) => [text(note)]),
    [python(script.code)],
  ];
  return { ok: proven, summary, data: { path: target, code: script.code, functions: script.functions, notes: script.notes, proven, why: reason, lambdas: reports, rebuild: result } };
}

export async function resaveRebuilt(scriptPath: string, deps: EffectDeps): Promise<ActionResult> {
  const target = freshPath(deps.outputDir ?? process.cwd(), `${modelStem(deps.modelPath)}.rebuilt`, ".keras");
  const result = await deps.probe().rebuildLoad(scriptPath, deps.modelPath, target);
  const ok = result.ok && result.reload?.ok === true;
  const failure = result.reload && !result.reload.ok ? `reload: ${result.reload.chain.at(-1)?.type}: ${result.reload.chain.at(-1)?.message.split("\n")[0]}` : why(result);
  return {
    ok,
    summary: ok
      ? paragraphs(
          ["Saved ", pathToken(target), `: reloaded in a fresh Python in safe mode (after importing ${scriptPath.split(/[\\/]/).at(-1)}), its outputs differ from the rebuilt model's by at most ${result.maxAbsDiff ?? 0} on the same random input.`],
          "Any Lambda in it is a registered named function, so it loads without running stored bytecode.",
        )
      : paragraphs(["Re-saving did not work: ", code(failure)]),
    data: { path: target, rebuild: result },
  };
}

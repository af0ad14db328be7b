// Renders ModelFacts as the text `keras-fix inspect` prints: a header, the layer tree with custom classes and
// Lambdas marked, the custom objects a load needs, and any problem with its fix. Every string that came from the
// file goes through `sanitize`, so a crafted layer name cannot drive the terminal.
import chalk from "chalk";
import { sanitize } from "../core/content.js";
import { bytecodeHint } from "../core/fixes/marshal-hint.js";
import type { LambdaInfo, LayerNode, ModelFacts } from "../core/types.js";

/** Past this many layers the tree is cut; the JSON output keeps them all. */
const MAX_TREE_LINES = 300;

const s = (value: unknown) => sanitize(String(value));

function size(bytes: number | null): string {
  if (bytes === null) return "";
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

function short(value: unknown): string {
  if (value === null || value === undefined) return "none";
  return s(typeof value === "string" ? value : JSON.stringify(value));
}

/** " written by Python 2.7": the writer's range from the code's layout (details.lambdaBytecode keeps the first
 * few codes in walk order, one per bytecode Lambda), or nothing when they cannot be paired. */
function writerOf(info: LambdaInfo, facts: ModelFacts): string {
  const codes = facts.details.lambdaBytecode;
  const withCode = facts.lambdas.filter((l) => l.functionType === "lambda" && l.hasBytecode);
  const index = withCode.indexOf(info);
  // config-walk keeps at most 4 codes; any other count means a Lambda's code was not kept and the pairs slip.
  if (!Array.isArray(codes) || index < 0 || index >= codes.length || codes.length !== Math.min(withCode.length, 4)) return "";
  const code = codes[index];
  const hint = typeof code === "string" ? bytecodeHint(code) : null;
  return hint ? ` written by Python ${hint.range}` : "";
}

function nodeLabel(node: LayerNode, facts: ModelFacts): string {
  let label = node.custom
    ? `${chalk.yellow.bold(s(node.className))} ${chalk.dim(s(node.name))} ${chalk.yellow("[custom]")}`
    : `${s(node.className)} ${chalk.dim(s(node.name))}`;
  if (node.lambda) {
    const info = facts.lambdas.find((l) => l.layerName === node.name);
    const what = info
      ? info.functionType === "lambda"
        ? `python lambda, marshalled bytecode${writerOf(info, facts)}`
        : info.functionType === "function"
          ? `function ${s(info.functionName ?? "?")}`
          : info.functionType
      : "lambda";
    label += ` ${chalk.magenta(`[${what}]`)}`;
  }
  return label;
}

function tree(root: LayerNode, facts: ModelFacts): string[] {
  const lines: string[] = [`  ${nodeLabel(root, facts)}`];
  let omitted = 0;
  const walk = (node: LayerNode, prefix: string) => {
    node.children.forEach((child, index) => {
      const last = index === node.children.length - 1;
      if (lines.length >= MAX_TREE_LINES) {
        omitted++;
      } else {
        lines.push(`  ${prefix}${last ? "└─ " : "├─ "}${nodeLabel(child, facts)}`);
      }
      walk(child, prefix + (last ? "   " : "│  "));
    });
  };
  walk(root, "");
  if (omitted > 0) lines.push(chalk.dim(`  … ${omitted} more layers (see --json)`));
  return lines;
}

const LINE_NAMES: Record<string, string> = {
  keras1: "Keras 1",
  keras2: "multi-backend Keras 2",
  "tf-keras2": "tf.keras 2",
  keras3: "Keras 3",
};

export function renderInspectReport(facts: ModelFacts): string {
  const out: string[] = [];
  const header = [facts.format, size(facts.fileSize)].filter(Boolean).join(", ");
  out.push(`${chalk.bold(s(facts.path))}  ${chalk.dim(`(${header})`)}`);
  const version: string[] = [];
  if (facts.kerasVersion) version.push(`Keras ${s(facts.kerasVersion)}`);
  if (facts.kerasLine) version.push(LINE_NAMES[facts.kerasLine] ?? facts.kerasLine);
  if (facts.backend) version.push(`backend ${s(facts.backend)}`);
  if (facts.tensorflowVersion) version.push(`TensorFlow ${s(facts.tensorflowVersion)}`);
  if (typeof facts.details.dateSaved === "string") version.push(`saved ${s(facts.details.dateSaved)}`);
  if (version.length) out.push(`  ${version.join(" · ")}`);
  if (facts.compiled) {
    out.push(`  compiled: loss ${short(facts.loss)} · optimizer ${short(facts.optimizer)} · metrics ${short(facts.metrics)}`);
  } else if (facts.topClass) {
    out.push(chalk.dim("  not compiled"));
  }
  if (facts.layers) {
    out.push("");
    out.push(...tree(facts.layers, facts));
  }
  if (facts.customObjects.length > 0) {
    out.push("");
    out.push(chalk.yellow.bold(`  Custom objects the loader must be given (${facts.customObjects.length}):`));
    for (const object of facts.customObjects) {
      const module = object.module ? chalk.dim(` from ${s(object.module)}`) : "";
      const where = object.where.length ? chalk.dim(` in ${object.where.map(s).join(" › ")}`) : "";
      out.push(`    ${object.kind.padEnd(11)} ${chalk.yellow(s(object.className))}  custom_objects key ${chalk.bold(JSON.stringify(s(object.key)))}${module}${where}`);
    }
  }
  const signatures = facts.details.signatures;
  if (Array.isArray(signatures) && signatures.length) {
    out.push(`  signatures: ${signatures.map((sig) => s((sig as { name: string }).name)).join(", ")}`);
  }
  for (const key of ["note", "nameMismatch", "missingWeights"] as const) {
    const value = facts.details[key];
    if (typeof value === "string") out.push(chalk.cyan(`  note: ${s(value)}`));
  }
  if (facts.format === "savedmodel" && facts.details.kerasMetadata === false) {
    out.push(chalk.cyan("  note: no keras_metadata.pb: not a Keras model.save() folder; tf.saved_model.load or keras.layers.TFSMLayer read it."));
  }
  out.push(...safetyLines(facts));
  if (facts.problem) {
    out.push("");
    out.push(`${chalk.red.bold("Problem:")} ${s(facts.problem.message)}`);
    if (facts.problem.hint) out.push(`${chalk.green.bold("Fix:")} ${s(facts.problem.hint)}`);
  }
  return `${out.join("\n")}\n`;
}

/** The safety read (src/core/inspect/safety.ts): its verdict, then each finding with where it sits and who is open. */
function safetyLines(facts: ModelFacts): string[] {
  // Nothing readable at the path: nothing was read, so there is no verdict to give.
  if (!facts.safety) return [];
  const { verdict, findings } = facts.safety;
  if (verdict === "ok") return ["", chalk.dim("  safety: nothing found (a scan is not a proof of safety)")];
  const head = verdict === "dangerous"
    ? chalk.red.bold("  safety: DANGEROUS: keras-fix will not load this file without your typed yes")
    : chalk.yellow.bold("  safety: caution");
  const lines = ["", head];
  for (const finding of findings) {
    const mark = finding.severity === "dangerous" ? chalk.red("✘") : chalk.yellow("!");
    lines.push(`    ${mark} ${chalk.bold(s(finding.where))}: ${s(finding.why)}`);
    lines.push(chalk.dim(`      open in: ${s(finding.openIn)}${finding.advisory ? ` (${s(finding.advisory)})` : ""}`));
  }
  return lines;
}

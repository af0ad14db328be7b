// The verdict on one model: the classifier's cause, its summary for this file, its fix. Loaded by run.ts once a
// worker is starting (or no worker is needed): the causes and the classifier are read while Python imports Keras.
import { readFileSync } from "node:fs";
import { causeById, causes } from "../../../flows/index.js";
import { classify } from "../../core/classify/classify.js";
import { contentToPlain } from "../../core/content.js";
import { describeKeras } from "../../core/describe.js";
import { definitionsIn, findSources } from "../../core/fixes/find-sources.js";
import type { EnvFacts, Facts, LoadAttempt, LoadFix, ModelFacts, SourceMatch } from "../../core/types.js";
import { readExplainDoc } from "../explain-doc.js";
import { sourceRoots } from "../effects.js";
import type { CheckResult, CheckStatus } from "./result.js";

export { causes, classify };
export { describeLoad } from "../../core/describe.js";

export function envLabel(env: EnvFacts): string {
  return `Python ${env.python.version} · ${describeKeras(env)}`;
}

function firstParagraph(text: string): string {
  return text.trim().split(/\n\s*\n/)[0]?.replace(/\s*\n\s*/g, " ") ?? "";
}

/** The verdict for a model that does not load: the classifier's cause, its summary for this file, its fix. */
export function verdict(path: string, environment: string, facts: Facts, status: CheckStatus, chain: LoadAttempt["chain"] | null, error: string | null): CheckResult {
  const diagnosis = classify(chain, facts, causes);
  const cause = causeById(diagnosis.cause);
  const ctx = { ...facts, diagnosis, results: {}, inputs: {}, modelPath: path };
  let summary: string | null = null;
  try {
    summary = cause ? contentToPlain(cause.summary(ctx)) : null;
  } catch {
    summary = null;
  }
  const doc = readExplainDoc(diagnosis.cause);
  return {
    path,
    environment,
    format: facts.file?.format ?? "unknown",
    status,
    cause: diagnosis.cause,
    title: diagnosis.title,
    culprit: diagnosis.culprit,
    summary,
    fix: doc ? firstParagraph(contentToPlain(doc.howToFix)) : null,
    error: error ?? facts.file?.problem?.message ?? null,
  };
}

/** --custom-objects: the file's custom names that the module defines (read, not run), as custom_objects keys. */
export function customObjectsFix(module: string | undefined, file: ModelFacts): LoadFix {
  if (!module) return {};
  const names = new Set(file.customObjects.map((ref) => ref.className));
  let defined: Set<string>;
  try {
    defined = new Set(definitionsIn(readFileSync(module, "utf8"), module, names).map((m) => m.name));
  } catch {
    defined = new Set();
  }
  const mapping = Object.fromEntries(file.customObjects.filter((ref) => defined.has(ref.className)).map((ref) => [ref.key, ref.className]));
  return { customObjectsModule: module, customObjects: mapping };
}

/** The static read of the user's code for a model's custom names (diagnose.ts does it too), once per set of names
 *  and folders, not per model. */
export function sourceFinder(): (names: string[], modelPath: string) => Promise<SourceMatch[]> {
  const found = new Map<string, Promise<SourceMatch[]>>();
  return (names, modelPath) => {
    const roots = sourceRoots(modelPath);
    const key = JSON.stringify([[...names].sort(), roots]);
    if (!found.has(key)) found.set(key, findSources(names, roots));
    return found.get(key)!;
  };
}

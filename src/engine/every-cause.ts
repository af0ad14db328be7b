// Everything that stands between a file and this Keras, not only the error the load met first. A load stops at its
// first error, so a file with two problems (a custom layer in a Keras 2 file read by Keras 3, a Lambda beside a
// custom loss) names one; the other is in the file's own facts. Each one listed here has such a fact behind it (a
// custom object the file names, a Lambda's stored bytecode, the Keras that wrote the file against the one loading
// it): nothing is listed because it might be so.
import { causeById, causes as allCauses } from "../../flows/index.js";
import { familyOfKind, type MissingFamily } from "../../flows/_shared/missing-object.js";
import { bytecodeIsForeign } from "../core/fixes/marshal-hint.js";
import { versionFacts } from "../core/versions/versions.js";
import type { CustomObjectRef, Diagnosis, Facts, StandingCause } from "../core/types.js";

const FAMILY_CAUSE: Record<MissingFamily, string> = {
  layer: "custom-layer-missing",
  loss: "custom-loss-missing",
  metric: "custom-metric-missing",
  optimizer: "custom-optimizer-missing",
  function: "custom-function-missing",
};

/** Causes about the pair of Keras versions: one reading of the crossing is enough. */
const VERSION_CAUSES = ["keras2-file-in-keras3", "keras3-file-in-keras2", "file-from-newer-keras", "keras-tfkeras-mixing"];
const LAMBDA_CAUSES = ["lambda-safe-mode", "lambda-python-mismatch"];
/** Version detects below this say only "the versions differ", which many files survive (a plain Keras 2 .h5). */
const VERSION_SUPPORT = 0.5;

function entry(cause: string, culprit: string | null, confidence: number, evidence: string[], captures: Record<string, string> = {}): StandingCause {
  return { cause, title: causeById(cause)?.title ?? cause, culprit, confidence: Number(confidence.toFixed(3)), hitFirst: false, evidence, captures };
}

/** Keras 3's legacy HDF5 loader leaves an unknown metric (and a Keras 2 optimizer) unresolved and still loads. */
function neededAtLoad(family: MissingFamily, facts: Facts): boolean {
  if (family !== "metric" && family !== "optimizer") return true;
  return !(versionFacts(facts).loaderLine === "keras3" && facts.file?.format === "h5-model");
}

/** Each kind of custom object the file names that nothing here provides, apart from the one the load met. */
function missingObjects(facts: Facts, first: Diagnosis): StandingCause[] {
  const byFamily = new Map<MissingFamily, CustomObjectRef[]>();
  for (const ref of facts.file?.customObjects ?? []) {
    const family = familyOfKind(ref.kind);
    // The object the first cause is about is that cause's; other objects of its family are walked with it.
    if (first.culprit?.includes(ref.className) || FAMILY_CAUSE[family] === first.cause) continue;
    if (!neededAtLoad(family, facts)) continue;
    byFamily.set(family, [...(byFamily.get(family) ?? []), ref]);
  }
  return [...byFamily].map(([family, refs]) => {
    const names = [...new Set(refs.map((ref) => ref.className))];
    const where = refs[0].where.length > 0 ? ` (in ${refs[0].where.join(" > ")})` : "";
    return entry(FAMILY_CAUSE[family], names.join(", "), 0.9, [
      `the file names ${names.length > 1 ? "custom objects" : `the custom ${refs[0].kind}`} ${names.join(", ")}${where}, which no Keras provides: its code is needed too`,
    ], { name: refs[0].key });
  });
}

/** A Lambda whose bytecode the file stores: keras-fix runs none without a yes, and another Python cannot read it. */
function storedLambdas(facts: Facts): StandingCause[] {
  const layers = (facts.file?.lambdas ?? []).filter((lambda) => lambda.hasBytecode).map((lambda) => lambda.layerName);
  if (layers.length === 0) return [];
  const culprit = `Lambda layer ${layers.join(", ")}`;
  if (bytecodeIsForeign(facts)) {
    return [entry("lambda-python-mismatch", culprit, 0.9, [`the Lambda's stored bytecode was written by another Python than ${facts.env?.python.version ?? "this one"}`])];
  }
  return [entry("lambda-safe-mode", culprit, 0.85, ["the file stores a Lambda's Python bytecode, which is not loaded without consent (Keras 3 safe mode, keras-fix's guard)"])];
}

/** The crossing of versions, when the file says more than "the versions differ". */
function versionCrossing(facts: Facts): StandingCause[] {
  for (const id of VERSION_CAUSES) {
    const found = causeById(id)?.detect?.(facts);
    if (found && found.confidence >= VERSION_SUPPORT) {
      const cause = causeById(id)!;
      return [entry(id, cause.culprit?.(found.captures, facts) ?? null, found.confidence, found.evidence, found.captures)];
    }
  }
  // A custom class saved by Keras 2 was written against Keras 2 (tf.keras): tf_keras runs it as written, Keras 3 only
  // where it uses what both share.
  const v = versionFacts(facts);
  const classes = [...new Set((facts.file?.customObjects ?? []).filter((ref) => familyOfKind(ref.kind) === "layer").map((ref) => ref.className))];
  if (v.relation === "keras2-in-keras3" && classes.length > 0) {
    return [
      entry("keras2-file-in-keras3", `Keras 2 code of ${classes.join(", ")}`, 0.6, [
        `Keras ${v.fileVersion ?? "2"} saved the file with the custom ${classes.length > 1 ? "classes" : "class"} ${classes.join(", ")}, whose code was written for Keras 2; this Python loads with Keras ${v.loaderVersion ?? "3"}`,
      ]),
    ];
  }
  return [];
}

/**
 * The diagnosis first (the error the load met), then each further cause the file and the environment support,
 * strongest first. One entry per group of causes that read the same problem (versions, a Lambda, one object).
 */
export function standingCauses(facts: Facts, first: Diagnosis): StandingCause[] {
  if (first.cause === "unclassified" || !allCauses.some((cause) => cause.id === first.cause)) return [];
  const met: StandingCause = {
    cause: first.cause,
    title: first.title,
    culprit: first.culprit,
    confidence: first.confidence,
    hitFirst: true,
    evidence: first.evidence,
    captures: first.captures,
  };
  const behind = [
    ...missingObjects(facts, first),
    ...(LAMBDA_CAUSES.includes(first.cause) ? [] : storedLambdas(facts)),
    ...(VERSION_CAUSES.includes(first.cause) ? [] : versionCrossing(facts)),
  ].filter((standing) => standing.cause !== first.cause);
  return [met, ...behind.sort((a, b) => b.confidence - a.confidence)];
}

const COUNT_WORDS = ["No", "One", "Two", "Three", "Four", "Five", "Six"];

/** "Two things stand between this file and your Keras" (the wizard and the text report); null for one cause. */
export function standingHeading(causes: StandingCause[]): string | null {
  if (causes.length < 2) return null;
  return `${COUNT_WORDS[causes.length] ?? causes.length} things stand between this file and your Keras`;
}

/** The list as plain lines, for the text report: each cause, its culprit and id, the one the load met marked. */
export function standingLines(causes: StandingCause[]): string[] {
  return causes.map((standing, n) => {
    const culprit = standing.culprit ? ` (${standing.culprit})` : "";
    const mark = standing.hitFirst ? ": the load met this first" : `: ${standing.evidence[0] ?? "the file shows it"}`;
    return `${n + 1}. ${standing.title}${culprit} [${standing.cause}]${mark}`;
  });
}

/** What a finished run needs from its report (src/engine/report.ts RunReport, structurally). */
interface FinishedRun {
  result: Facts & { diagnosis: Diagnosis | null };
  history?: { diagnosis: Diagnosis }[];
}

/** A run's causes, as of the user's own load (the first diagnosis), each marked `met` when a load of the run hit it
 * (the first one, or one the fix chain moved on to). A pasted traceback (explain) gets them from the facts given. */
export function runCauses(run: FinishedRun): (StandingCause & { met: boolean })[] {
  const first = run.history?.[0]?.diagnosis ?? run.result.diagnosis;
  if (!first || !run.result.load || run.result.load.ok) return [];
  const causes = first.causes ?? standingCauses(run.result, first);
  const met = new Set([...(run.history ?? []).map((link) => link.diagnosis.cause), run.result.diagnosis?.cause]);
  return causes.map((standing) => ({ ...standing, met: standing.hitFirst || met.has(standing.cause) }));
}

/** The JSON document's `causes`: every cause, the one the load met first marked `hitFirst`. */
export function causesJson(run: FinishedRun) {
  return runCauses(run).map(({ cause, title, culprit, confidence, hitFirst, met, evidence }) => ({ cause, title, culprit, confidence, hitFirst, met, evidence }));
}

/** The text report's section (heading and lines), or null when one cause is all there is. */
export function causesSection(run: FinishedRun): { heading: string; lines: string[] } | null {
  const causes = runCauses(run);
  const heading = standingHeading(causes);
  return heading ? { heading, lines: standingLines(causes) } : null;
}

// The versions room (numbers.ts, tables.ts, plans.ts, safe-plans.ts, builtins.ts) answers "which Keras can load
// this file": here, the file's Keras set against the environment's, and the plans for those facts. Pure: no I/O.
import { plansClosedTo } from "./safe-plans.js";
import type { EnvFacts, Facts, InstallPlan, PlanProof } from "../types.js";
import { type KerasLine, compareVersions, kerasLineOf, minorOf, parseKerasVersion, writtenByTfKeras } from "./numbers.js";
import { tfKerasOf, tfMinorThatWrote } from "./tables.js";
import { installPlanFor } from "./plans.js";

// ---------------------------------------------------------------------------------------------------------------
// The file against the environment

/** The Keras version the environment's load_model runs (`packages` names as the probe reports them). */
export function loaderKerasVersion(env: EnvFacts | null): string | null {
  if (!env) return null;
  const packages = env.packages ?? {};
  switch (env.loader) {
    case "keras3":
    case "keras2":
      return packages.keras ?? null;
    case "tf_keras":
      return packages.tf_keras ?? null;
    case "tf.keras": {
      // TF 2.6–2.15 install tf.keras as the `keras` package; before 2.6 a `keras` package is multi-backend Keras,
      // unrelated to tf.keras (tf21-py37 has both), so TensorFlow's own version decides.
      const tf = packages.tensorflow;
      const bundled = tf ? tfKerasOf(minorOf(tf)) : null;
      if (bundled && /^2\.\d+\.0$/.test(bundled.keras) && compareVersions(tf, "2.6") >= 0) return packages.keras ?? bundled.keras;
      return bundled?.keras ?? null;
    }
    default:
      return null;
  }
}

/** The Keras line of the environment's loader. */
export function loaderLineOf(env: EnvFacts | null): KerasLine | null {
  if (!env?.loader) return null;
  if (env.loader === "keras3") return "keras3";
  if (env.loader === "keras2") return kerasLineOf(env.packages?.keras ?? null) ?? "keras2";
  return "tf-keras2";
}

export type VersionRelation =
  /** The loader is older than the Keras that wrote the file, on the same line. */
  | "newer-file"
  /** A Keras 2 file (TF ≤ 2.15 or older) read by Keras 3. */
  | "keras2-in-keras3"
  /** A file tf_keras (2.16+) wrote, read by Keras 3 in what is usually the same environment. */
  | "tfkeras-in-keras3"
  /** A Keras 3 file read by Keras 2 (tf.keras ≤ 2.15, tf_keras, multi-backend). */
  | "keras3-in-keras2"
  | "same-or-older-file"
  | "unknown";

export interface VersionFacts {
  fileVersion: string | null;
  fileLine: KerasLine | null;
  loaderVersion: string | null;
  loaderLine: KerasLine | null;
  relation: VersionRelation;
}

/** How the file's Keras relates to the environment's, from the facts alone. */
export function versionFacts(facts: Facts): VersionFacts {
  const fileVersion = facts.file?.kerasVersion ?? null;
  const fileLine = facts.file?.kerasLine ?? kerasLineOf(fileVersion);
  const loaderVersion = loaderKerasVersion(facts.env);
  const loaderLine = loaderLineOf(facts.env);
  let relation: VersionRelation = "unknown";
  if (fileLine && loaderLine) {
    const keras2ish = (line: KerasLine) => line !== "keras3";
    if (fileLine === "keras3" && keras2ish(loaderLine)) relation = "keras3-in-keras2";
    else if (keras2ish(fileLine) && loaderLine === "keras3") {
      relation = writtenByTfKeras(fileVersion) ? "tfkeras-in-keras3" : "keras2-in-keras3";
    } else if (fileVersion && loaderVersion) {
      // Within a line: tf.keras numbers are comparable once `-tf` strings are mapped to the TF that wrote them.
      const comparable = (version: string) => (parseKerasVersion(version)?.flavor === "tf" ? `2.${tfMinorThatWrote(version)?.split(".")[1] ?? "0"}.0` : version);
      relation = compareVersions(comparable(fileVersion), comparable(loaderVersion)) > 0 ? "newer-file" : "same-or-older-file";
    }
  }
  return { fileVersion, fileLine, loaderVersion, loaderLine, relation };
}

/** The plans for this file in this environment, from the facts. */
export function installPlansForFacts(facts: Facts, modelPath: string | null): InstallPlan[] {
  // Never a release open to what the safety read found (src/core/versions/safe-plans.ts).
  return plansClosedTo(installPlanFor({
    fileKerasVersion: facts.file?.kerasVersion ?? null,
    fileLine: facts.file?.kerasLine ?? null,
    userPython: facts.env?.python.version ?? null,
    currentPackages: facts.env?.packages ?? {},
    modelPath: modelPath ?? facts.file?.path ?? "model.h5",
  }), facts.file?.safety?.findings ?? []);
}

/** The plans with what trial environments showed (proofs[i] belongs to plans[i], as try-versions tried them). */
export function plansWithProofs(facts: Facts, modelPath: string | null, proofs: PlanProof[] | undefined): InstallPlan[] {
  return installPlansForFacts(facts, modelPath).map((plan, index) => (proofs?.[index] ? { ...plan, proof: proofs[index] } : plan));
}

/** A plan as data for --json: its status first, then what to install and what a trial showed. */

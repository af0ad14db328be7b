// Small helpers every reader uses on what it decodes: JSON parsed without throwing, a plain-object test, and the
// Keras line a stored keras_version belongs to.
import type { ModelFacts } from "../types.js";

/**
 * The Keras line from the stored version string. `-tf` suffixes are tf.keras inside TensorFlow 2.0–2.2
 * (`2.2.4-tf`, `2.3.0-tf`); plain 2.0–2.3 are multi-backend Keras, whose last release 2.3.1 is the tf21-py37
 * env's; from 2.4 Keras is tf.keras. No version at all in an HDF5 model is what Keras 1 wrote (Keras 2 and 3
 * treat it as "1").
 */
export function kerasLineOf(version: string | null, container: "h5" | "zip" | "savedmodel" | "json"): ModelFacts["kerasLine"] {
  if (version === null) return container === "h5" ? "keras1" : null;
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) return null;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major >= 3) return "keras3";
  if (major === 1) return "keras1";
  if (major !== 2) return null;
  if (version.includes("-tf") || container === "zip" || container === "savedmodel") return "tf-keras2";
  return minor <= 3 ? "keras2" : "tf-keras2";
}

/** Parses JSON without throwing; the reader decides what a parse failure means for its format. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

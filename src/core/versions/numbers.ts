// Version arithmetic: Keras, TensorFlow and Python version strings parsed and compared (PEP 440), and which Keras
// line a version belongs to. Pure: no I/O.
import { compare, explain, satisfies } from "@renovatebot/pep440";
import type { ModelFacts } from "../types.js";

export type KerasLine = NonNullable<ModelFacts["kerasLine"]>;

export interface KerasVersion {
  major: number;
  minor: number;
  patch: number;
  /** "tf" for tf.keras' own version strings inside TensorFlow 1.x–2.2 (`2.2.4-tf`, `2.3.0-tf`). */
  flavor: "tf" | null;
  raw: string;
}

/**
 * `"2.2.4-tf"` → {2, 2, 4, "tf"}; `"3.15.1"`, `"2.15.0.post1"`, `"3.0.0rc1"`, `"2.4"` parse too; junk → null.
 * PEP 440 does the parsing; the one thing ours is `-tf`, which tf.keras in TensorFlow 1.x–2.2 appends to its version
 * (`2.2.4-tf`, `2.3.0-tf`) and which PEP 440 does not allow.
 */
export function parseKerasVersion(version: string | null | undefined): KerasVersion | null {
  if (!version) return null;
  const raw = version.trim();
  const flavor = /-tf\b/.test(raw) ? "tf" : null;
  const parsed = explain(flavor ? raw.replace(/-tf\b.*$/, "") : raw);
  if (!parsed) return null;
  const [major, minor = 0, patch = 0] = parsed.release;
  return { major, minor, patch, flavor, raw };
}

/** The PEP 440 form of a version string (`-tf` dropped), or null. */
function pep440Of(version: string | null | undefined): string | null {
  const parsed = parseKerasVersion(version);
  return parsed ? parsed.raw.replace(/-tf\b.*$/, "").replace(/^v/i, "") : null;
}

/** Orders two version strings by PEP 440 (`-tf` ignored); unparsable ones sort first. */
export function compareVersions(a: string | null | undefined, b: string | null | undefined): number {
  const x = pep440Of(a);
  const y = pep440Of(b);
  if (!x || !y) return (x ? 1 : 0) - (y ? 1 : 0);
  return compare(x, y);
}

/** True when the version satisfies the PEP 440 specifier (`>=3.9,<3.12`); an empty specifier allows anything. */
export function versionSatisfies(version: string | null | undefined, specifier: string | null | undefined): boolean {
  const clean = pep440Of(version);
  if (!clean) return false;
  return !specifier?.trim() || satisfies(clean, specifier);
}

/** "3.15" for "3.15.1": the release line pip pins with `==3.15.*` and `>=3.15`. */
export function minorOf(version: string): string {
  const parsed = parseKerasVersion(version);
  return parsed ? `${parsed.major}.${parsed.minor}` : version;
}

/**
 * The Keras line a stored `keras_version` belongs to (the same rule as inspect's facts.ts): `-tf` is tf.keras in
 * TensorFlow 1.x–2.2; plain 2.0–2.3 is multi-backend Keras (last release 2.3.1); 2.4+ is tf.keras, and from 2.16
 * tf_keras (whose files say 2.16 ... 2.21); 3.x is Keras 3; 1.x is Keras 1.
 */
export function kerasLineOf(version: string | null | undefined): KerasLine | null {
  const parsed = parseKerasVersion(version);
  if (!parsed) return null;
  if (parsed.major >= 3) return "keras3";
  if (parsed.major === 1) return "keras1";
  if (parsed.major !== 2) return null;
  if (parsed.flavor === "tf") return "tf-keras2";
  return parsed.minor <= 3 ? "keras2" : "tf-keras2";
}

/** True for version strings only tf_keras writes: Keras 2 numbered 2.16 and later never shipped inside TensorFlow. */
export function writtenByTfKeras(version: string | null | undefined): boolean {
  const parsed = parseKerasVersion(version);
  return !!parsed && parsed.major === 2 && parsed.flavor === null && parsed.minor >= 16;
}

// ---------------------------------------------------------------------------------------------------------------
// Python arithmetic

/** "3.11.7" → "3.11"; null for anything else. */
export function pythonMinor(version: string | null | undefined): string | null {
  const parsed = explain(version?.trim().replace(/\+$/, "") ?? null);
  return parsed && parsed.release.length >= 2 ? `${parsed.release[0]}.${parsed.release[1]}` : null;
}

export function comparePython(a: string, b: string): number {
  return compareVersions(a, b);
}

/** The PEP 440 specifier of the Python minors from `min` to `max` ("3.9", "3.11" → ">=3.9,<3.12"). */
export function pythonSpecifier(min: string, max?: string): string {
  if (!max) return `>=${min}`;
  const [major, minor] = max.split(".").map(Number);
  return `>=${min},<${major}.${minor + 1}`;
}

/** The Python minors keras-fix knows of (the span of the TensorFlow and Keras tables), oldest first. */
export const KNOWN_PYTHON_MINORS = ["3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"];

/** Known Python minors a PEP 440 `Requires-Python` specifier allows, nearest to `near` first (newest first without). */
export function pythonMinorsAllowedBy(specifier: string | null, near?: string | null): string[] {
  const allowed = KNOWN_PYTHON_MINORS.filter((minor) => versionSatisfies(minor, specifier)).reverse();
  const anchor = near ? KNOWN_PYTHON_MINORS.indexOf(near) : -1;
  if (anchor < 0) return allowed;
  const distance = (minor: string) => Math.abs(KNOWN_PYTHON_MINORS.indexOf(minor) - anchor);
  // Equal distance: the newer one, as the advice does (it is supported longer).
  return [...allowed].sort((a, b) => distance(a) - distance(b) || compareVersions(b, a));
}

// A name the loader reports as unknown although some Keras line exports it for that kind (GlorotUniform is a class in
// tf.keras and Keras 3 but not in multi-backend Keras 2.3; `mish` arrived in Keras 2.10): the file was most likely
// written by another Keras (a tf.keras file in standalone keras, or a newer file), and the user's own code is the
// less likely reading. keras-tfkeras-mixing and file-from-newer-keras claim it with this matcher; the missing-object
// causes keep it as an alternative (resolveMissing's `builtinElsewhere`).
import { builtinsFor, type BuiltinKind } from "../../src/core/versions/builtins.js";
import type { Matcher } from "../../src/core/types.js";

export type KerasLineName = "keras3" | "tf-keras2" | "keras2";
const LINES: KerasLineName[] = ["keras3", "tf-keras2", "keras2"];

/** The catalogue kinds a loader's word for an object means. */
export function kindsOf(word: string): BuiltinKind[] {
  if (/optimizer/.test(word)) return ["optimizers"];
  if (/loss/.test(word)) return ["losses"];
  if (/metric/.test(word)) return ["metrics"];
  if (/layer/.test(word)) return ["layers"];
  return ["activations", "initializers", "regularizers", "constraints"];
}

/** The Keras lines whose catalogues export `name` as one of `kinds`. */
export function linesExporting(kinds: BuiltinKind[], name: string): KerasLineName[] {
  return LINES.filter((line) => kinds.some((kind) => builtinsFor(line).has(kind, name)));
}

/** Exported by some Keras line but not by all of them. */
export function builtinElsewhere(kinds: BuiltinKind[], name: string): boolean {
  const lines = linesExporting(kinds, name).length;
  return lines > 0 && lines < LINES.length;
}

// R10 / R10' wordings of every line for a non-layer object (layers have their own version matchers).
export const BUILTIN_ELSEWHERE_MATCHER: Matcher = {
  type: /^(?:ValueError|TypeError)$/,
  message:
    /Unknown (?<elsewhereKind>initializer|activation function|activation|regularizer|constraint|optimizer|loss function|loss|metric function|metric): ?'?(?<elsewhereName>[A-Za-z_]\w*)'?(?:[.,)\s]|$)/,
  weight: 0.5,
  means: "a name some Keras versions export, reported unknown: the file and the loader are likely different Keras",
};

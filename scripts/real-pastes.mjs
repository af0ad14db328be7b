// The real-paste corpus: what people posted in public threads when a Keras model would not load (third-party text,
// kept outside the repository; see its README). Read at run time only, never copied into the repository.
//
// Where it is: ../shared/real-pastes next to the repository, or the folder KERAS_FIX_REAL_PASTES names (a git worktree
// sits deeper than the main checkout). Split by a hash of each case's `source` into a tuning half and a sealed half:
// the sealed half is measured, never looked into while tuning.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The corpus folder, or null when neither place holds it. */
export function realPastesDir(root) {
  const candidates = [process.env.KERAS_FIX_REAL_PASTES, join(root, "..", "shared", "real-pastes")].filter(Boolean);
  return candidates.find((dir) => existsSync(dir)) ?? null;
}

/** "tuning" when the first byte of sha256(source) is even, else "sealed". */
export function realHalfOf(source) {
  return createHash("sha256").update(source).digest()[0] % 2 === 0 ? "tuning" : "sealed";
}

/** Every case of every era folder: { era, name, source, text, cause, culprit, half, cut }. */
export function realPasteCases(dir) {
  const cases = [];
  for (const era of readdirSync(dir, { withFileTypes: true })) {
    if (!era.isDirectory()) continue;
    for (const name of readdirSync(join(dir, era.name)).filter((n) => n.endsWith(".json")).sort()) {
      const data = JSON.parse(readFileSync(join(dir, era.name, name), "utf8"));
      cases.push({
        era: era.name,
        name: `${era.name}/${name}`,
        source: data.source,
        text: data.traceback,
        cause: data.cause,
        culprit: data.culprit ?? null,
        half: realHalfOf(data.source),
        cut: Boolean(data.cut),
      });
    }
  }
  return cases;
}

// A corpus label names the culprit and often describes it after the name: "my_model (SavedModel directory)",
// "tf-keras (Keras 2 package needed with TF 2.16)". The name is what a diagnosis can say: the label up to its first
// " (", compared without case, with - and _ alike (pip's names and import names), and a dotted name
// (tensorflow_hub.KerasLayer) also by its package and its last part (tensorflow_hub.keras_layer.KerasLayer).
const comparable = (text) => text.toLowerCase().replace(/-/g, "_").replace(/\\/g, "/");

/** Whether the diagnosis' culprit names the label's culprit (see above). */
export function culpritNames(label, got) {
  if (typeof got !== "string") return false;
  const name = comparable(label.split(" (")[0].trim());
  const said = comparable(got);
  if (name && said.includes(name)) return true;
  const parts = name.split(".");
  return parts.length > 1 && parts.every((part) => part !== "") && said.includes(parts[0]) && said.includes(parts[parts.length - 1]);
}

/** Classifies each paste on its text alone, as `explain` does without --model. */
export function scoreRealPastes(cases, { parseTraceback, classify, causes }) {
  return cases.map((entry) => {
    const diagnosis = classify(parseTraceback(entry.text), { file: null, env: null, load: null }, causes);
    const ranked = [diagnosis.cause, ...diagnosis.alternatives.map((alternative) => alternative.cause)];
    return {
      half: entry.half,
      source: entry.name,
      era: entry.era,
      form: "as posted",
      expected: entry.cause,
      ranked,
      top1: ranked[0] === entry.cause,
      top3: ranked.slice(0, 3).includes(entry.cause),
      culprit: entry.culprit,
      culpritNamed: entry.culprit === null ? null : culpritNames(entry.culprit, diagnosis.culprit),
      // The label's whole text found verbatim in the culprit: the comparison used before issue 22's second round.
      culpritVerbatim: entry.culprit === null ? null : typeof diagnosis.culprit === "string" && diagnosis.culprit.includes(entry.culprit),
      got: diagnosis.culprit,
    };
  });
}

// The real tracebacks the paste-form set is built from: every fixtures/tracebacks/<cause>/*.txt whose sidecar says
// "captured:" (produced here by a real Keras), with its expected cause and sidecar.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function pasteCases(root) {
  const base = join(root, "fixtures", "tracebacks");
  const cases = [];
  for (const cause of readdirSync(base, { withFileTypes: true })) {
    if (!cause.isDirectory() || cause.name.startsWith("_")) continue;
    for (const name of readdirSync(join(base, cause.name)).filter((n) => n.endsWith(".txt")).sort()) {
      const sidecar = JSON.parse(readFileSync(join(base, cause.name, name.replace(/\.txt$/, ".expect.json")), "utf8"));
      if (!String(sidecar.source).startsWith("captured:")) continue;
      const path = `fixtures/tracebacks/${cause.name}/${name}`;
      cases.push({ cause: cause.name, path, text: readFileSync(join(root, path), "utf8"), sidecar });
    }
  }
  return cases;
}

/**
 * The text-alone sets, each a folder of real failures with the cause it is scored against in its sidecar:
 * fixtures/tracebacks/_matrix (the cross-version matrix's failures, scripts/capture-matrix-pastes.mjs) and
 * fixtures/tracebacks/_scenarios (no Keras, no backend, no file: scripts/capture-scenario-pastes.mjs). The sidecar
 * handed on holds the culprit only: these pastes are classified on their text alone, as `explain` receives them.
 */
export function textAlonePasteCases(root, folder) {
  const base = join(root, "fixtures", "tracebacks", folder);
  return readdirSync(base)
    .filter((name) => name.endsWith(".txt"))
    .sort()
    .map((name) => {
      const sidecar = JSON.parse(readFileSync(join(base, name.replace(/\.txt$/, ".expect.json")), "utf8"));
      const path = `fixtures/tracebacks/${folder}/${name}`;
      return { cause: sidecar.cause, path, text: readFileSync(join(root, path), "utf8"), sidecar: sidecar.culprit ? { culprit: sidecar.culprit } : {} };
    });
}

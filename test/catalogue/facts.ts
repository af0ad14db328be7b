// Builds complete Facts from the partial ones a test or a fixture sidecar gives, so that a fixture only states
// what matters to it (format, size, versions) and the rest is the neutral default.
import { baseFacts } from "../../src/core/inspect/facts.js";
import type { EnvFacts, Facts, ModelFacts } from "../../src/core/types.js";

export function modelFacts(partial: Partial<ModelFacts> = {}): ModelFacts {
  return { ...baseFacts("model.h5", "h5-model", null), ...partial };
}

export function envFacts(partial: Partial<EnvFacts> = {}): EnvFacts {
  return {
    python: { path: "/usr/bin/python3", version: "3.11.9", source: "path" },
    packages: {},
    backend: null,
    legacyKeras: false,
    loader: null,
    importError: null,
    importSeconds: null,
    ...partial,
  };
}

export function facts(partial: { file?: Partial<ModelFacts> | null; env?: Partial<EnvFacts> | null } = {}): Facts {
  return {
    file: partial.file ? modelFacts(partial.file) : null,
    env: partial.env ? envFacts(partial.env) : null,
    load: null,
  };
}

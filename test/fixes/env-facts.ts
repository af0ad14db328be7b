// EnvFacts for the fix tests: the keras3 test env as the probe reports it, overridable per test.
import type { EnvFacts } from "../../src/core/types.js";

export function envFacts(partial: Partial<EnvFacts> = {}): EnvFacts {
  return {
    python: { path: "python", version: "3.11.7", source: "path" },
    packages: { keras: "3.15.1", tensorflow: "2.21.0" },
    backend: "tensorflow",
    legacyKeras: false,
    loader: "keras3",
    importError: null,
    importSeconds: null,
    ...partial,
  };
}

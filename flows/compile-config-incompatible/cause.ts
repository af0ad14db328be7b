// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const compileConfigIncompatible: Cause = {
  id: "compile-config-incompatible",
  title: "compile-config-incompatible",
  summary: () => paragraphs("compile-config-incompatible"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "compile-config-incompatible", body: () => paragraphs("compile-config-incompatible") }],
};

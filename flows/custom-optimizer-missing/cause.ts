// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const customOptimizerMissing: Cause = {
  id: "custom-optimizer-missing",
  title: "custom-optimizer-missing",
  summary: () => paragraphs("custom-optimizer-missing"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "custom-optimizer-missing", body: () => paragraphs("custom-optimizer-missing") }],
};

// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const customLayerMissing: Cause = {
  id: "custom-layer-missing",
  title: "custom-layer-missing",
  summary: () => paragraphs("custom-layer-missing"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "custom-layer-missing", body: () => paragraphs("custom-layer-missing") }],
};

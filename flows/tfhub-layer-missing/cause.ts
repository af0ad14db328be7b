// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const tfhubLayerMissing: Cause = {
  id: "tfhub-layer-missing",
  title: "tfhub-layer-missing",
  summary: () => paragraphs("tfhub-layer-missing"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "tfhub-layer-missing", body: () => paragraphs("tfhub-layer-missing") }],
};

// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const customMetricMissing: Cause = {
  id: "custom-metric-missing",
  title: "custom-metric-missing",
  summary: () => paragraphs("custom-metric-missing"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "custom-metric-missing", body: () => paragraphs("custom-metric-missing") }],
};

// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const customLossMissing: Cause = {
  id: "custom-loss-missing",
  title: "custom-loss-missing",
  summary: () => paragraphs("custom-loss-missing"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "custom-loss-missing", body: () => paragraphs("custom-loss-missing") }],
};

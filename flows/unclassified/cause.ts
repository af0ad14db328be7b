// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const unclassified: Cause = {
  id: "unclassified",
  title: "unclassified",
  summary: () => paragraphs("unclassified"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "unclassified", body: () => paragraphs("unclassified") }],
};

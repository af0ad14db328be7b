// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const registeredNameMismatch: Cause = {
  id: "registered-name-mismatch",
  title: "registered-name-mismatch",
  summary: () => paragraphs("registered-name-mismatch"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "registered-name-mismatch", body: () => paragraphs("registered-name-mismatch") }],
};

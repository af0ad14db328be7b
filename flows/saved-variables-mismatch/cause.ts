// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const savedVariablesMismatch: Cause = {
  id: "saved-variables-mismatch",
  title: "saved-variables-mismatch",
  summary: () => paragraphs("saved-variables-mismatch"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "saved-variables-mismatch", body: () => paragraphs("saved-variables-mismatch") }],
};

// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const customFunctionMissing: Cause = {
  id: "custom-function-missing",
  title: "custom-function-missing",
  summary: () => paragraphs("custom-function-missing"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "custom-function-missing", body: () => paragraphs("custom-function-missing") }],
};

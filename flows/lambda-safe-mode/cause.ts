// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const lambdaSafeMode: Cause = {
  id: "lambda-safe-mode",
  title: "lambda-safe-mode",
  summary: () => paragraphs("lambda-safe-mode"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "lambda-safe-mode", body: () => paragraphs("lambda-safe-mode") }],
};

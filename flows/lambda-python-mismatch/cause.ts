// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const lambdaPythonMismatch: Cause = {
  id: "lambda-python-mismatch",
  title: "lambda-python-mismatch",
  summary: () => paragraphs("lambda-python-mismatch"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "lambda-python-mismatch", body: () => paragraphs("lambda-python-mismatch") }],
};

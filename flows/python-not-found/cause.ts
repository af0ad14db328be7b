// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const pythonNotFound: Cause = {
  id: "python-not-found",
  title: "python-not-found",
  summary: () => paragraphs("python-not-found"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "python-not-found", body: () => paragraphs("python-not-found") }],
};

// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const truncatedFile: Cause = {
  id: "truncated-file",
  title: "truncated-file",
  summary: () => paragraphs("truncated-file"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "truncated-file", body: () => paragraphs("truncated-file") }],
};

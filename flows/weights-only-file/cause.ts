// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const weightsOnlyFile: Cause = {
  id: "weights-only-file",
  title: "weights-only-file",
  summary: () => paragraphs("weights-only-file"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "weights-only-file", body: () => paragraphs("weights-only-file") }],
};

// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const weightsArchitectureMismatch: Cause = {
  id: "weights-architecture-mismatch",
  title: "weights-architecture-mismatch",
  summary: () => paragraphs("weights-architecture-mismatch"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "weights-architecture-mismatch", body: () => paragraphs("weights-architecture-mismatch") }],
};

// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const notAModelFile: Cause = {
  id: "not-a-model-file",
  title: "not-a-model-file",
  summary: () => paragraphs("not-a-model-file"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "not-a-model-file", body: () => paragraphs("not-a-model-file") }],
};

// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const savedmodelInKeras3: Cause = {
  id: "savedmodel-in-keras3",
  title: "savedmodel-in-keras3",
  summary: () => paragraphs("savedmodel-in-keras3"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "savedmodel-in-keras3", body: () => paragraphs("savedmodel-in-keras3") }],
};

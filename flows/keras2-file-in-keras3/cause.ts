// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const keras2FileInKeras3: Cause = {
  id: "keras2-file-in-keras3",
  title: "keras2-file-in-keras3",
  summary: () => paragraphs("keras2-file-in-keras3"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "keras2-file-in-keras3", body: () => paragraphs("keras2-file-in-keras3") }],
};

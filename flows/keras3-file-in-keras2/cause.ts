// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const keras3FileInKeras2: Cause = {
  id: "keras3-file-in-keras2",
  title: "keras3-file-in-keras2",
  summary: () => paragraphs("keras3-file-in-keras2"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "keras3-file-in-keras2", body: () => paragraphs("keras3-file-in-keras2") }],
};

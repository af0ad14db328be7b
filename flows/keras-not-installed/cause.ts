// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const kerasNotInstalled: Cause = {
  id: "keras-not-installed",
  title: "keras-not-installed",
  summary: () => paragraphs("keras-not-installed"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "keras-not-installed", body: () => paragraphs("keras-not-installed") }],
};

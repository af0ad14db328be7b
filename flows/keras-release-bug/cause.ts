// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const kerasReleaseBug: Cause = {
  id: "keras-release-bug",
  title: "keras-release-bug",
  summary: () => paragraphs("keras-release-bug"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "keras-release-bug", body: () => paragraphs("keras-release-bug") }],
};

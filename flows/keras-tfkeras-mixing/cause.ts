// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const kerasTfkerasMixing: Cause = {
  id: "keras-tfkeras-mixing",
  title: "keras-tfkeras-mixing",
  summary: () => paragraphs("keras-tfkeras-mixing"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "keras-tfkeras-mixing", body: () => paragraphs("keras-tfkeras-mixing") }],
};

// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const customObjectConfig: Cause = {
  id: "custom-object-config",
  title: "custom-object-config",
  summary: () => paragraphs("custom-object-config"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "custom-object-config", body: () => paragraphs("custom-object-config") }],
};

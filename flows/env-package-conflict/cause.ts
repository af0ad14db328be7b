// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const envPackageConflict: Cause = {
  id: "env-package-conflict",
  title: "env-package-conflict",
  summary: () => paragraphs("env-package-conflict"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "env-package-conflict", body: () => paragraphs("env-package-conflict") }],
};

// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const fileFromNewerKeras: Cause = {
  id: "file-from-newer-keras",
  title: "file-from-newer-keras",
  summary: () => paragraphs("file-from-newer-keras"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "file-from-newer-keras", body: () => paragraphs("file-from-newer-keras") }],
};

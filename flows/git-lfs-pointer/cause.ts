// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const gitLfsPointer: Cause = {
  id: "git-lfs-pointer",
  title: "git-lfs-pointer",
  summary: () => paragraphs("git-lfs-pointer"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "git-lfs-pointer", body: () => paragraphs("git-lfs-pointer") }],
};

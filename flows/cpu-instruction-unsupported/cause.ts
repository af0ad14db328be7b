// SCAFFOLD: replace with the real cause (matchers, detect/when, steps). The catalogue test fails until then.
import { paragraphs } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const cpuInstructionUnsupported: Cause = {
  id: "cpu-instruction-unsupported",
  title: "cpu-instruction-unsupported",
  summary: () => paragraphs("cpu-instruction-unsupported"),
  matchers: [],
  start: "end",
  steps: [{ kind: "end", id: "end", outcome: "escalate", title: "cpu-instruction-unsupported", body: () => paragraphs("cpu-instruction-unsupported") }],
};

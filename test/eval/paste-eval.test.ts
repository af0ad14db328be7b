// The floor under explain on the SEALED half of the paste-form set: every real (captured) fixture turned into the
// shapes people paste (scripts/paste-forms.mjs), split by a hash of the source fixture into a tuning half (tuned on)
// and a sealed half (only measured). `npm run eval` prints both halves per cause.
// Sealed half measured once before any change (commit "Eval: paste-form generator"): top-1 68.5%, top-3 69.7%,
// culprit named 64.0% (n=796). After the paste repair, the mined wordings and the kind reading: 95.8 / 96.4 / 95.2
// (n=852). After the message-table triage: 97.2 / 97.7 / 96.1 (n=880). Then two new sets of real failures were tuned
// on (their tuning halves only, below), and this set's sealed half, never looked into, rose to 98.3 / 99.3 / 97.5:
// the target (95 / 99 / 95) is now the floor. A new form came after a user trial refused an exception written
// inside a sentence ("fails with ValueError: ... when I run it"); with it (parser fixed first, so not a blind
// measurement) the sealed half reads 97.9 / 99.3 / 96.1 (n=941).
import { beforeAll, describe, expect, it } from "vitest";
import { pasteCases, textAlonePasteCases } from "../../scripts/paste-cases.mjs";
import { scorePasteForms, summarise, type ScoredPaste } from "../../scripts/paste-forms.mjs";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { factsFor } from "../catalogue/sidecar.js";
import { repoRoot } from "../helpers/envs.js";

const FLOOR = { top1: 0.95, top3: 0.99, culpritNamed: 0.95 };

let sealed: ScoredPaste[] = [];
let tuning: ScoredPaste[] = [];
beforeAll(async () => {
  const scored = await scorePasteForms(pasteCases(repoRoot), { parseTraceback, classify, causes, factsFor });
  sealed = scored.filter((entry) => entry.half === "sealed");
  tuning = scored.filter((entry) => entry.half === "tuning");
});

describe("explain on the paste forms of the real tracebacks", () => {
  it("has both halves, each with every form", () => {
    expect(sealed.length).toBeGreaterThan(500);
    expect(tuning.length).toBeGreaterThan(500);
    expect(new Set(sealed.map((entry) => entry.form)).size).toBeGreaterThanOrEqual(15);
  });

  it(`keeps the sealed half at or above its floor (top-1 ${FLOOR.top1}, top-3 ${FLOOR.top3}, culprit ${FLOOR.culpritNamed})`, () => {
    const figures = summarise(sealed);
    expect({ top1: figures.top1 >= FLOOR.top1, top3: figures.top3 >= FLOOR.top3, culprit: figures.culpritNamed >= FLOOR.culpritNamed, figures })
      .toMatchObject({ top1: true, top3: true, culprit: true });
  });
});

// The third and fourth sets are real failures classified on their TEXT ALONE (no file, no env: what `explain` gets),
// each labelled independently of the paste: the matrix's failures (fixtures/tracebacks/_matrix, made by
// scripts/capture-matrix-pastes.mjs) by what keras-fix says with the file and the env in hand, kept only where the
// matrix's rule agrees; the scenarios (fixtures/tracebacks/_scenarios, scripts/capture-scenario-pastes.mjs) by how
// each failure was set up. Both are split by source like the first set.
// Matrix, sealed half before any change that looked at it: 83.8 / 92.3 / 93.3 (n=907); after tuning on its tuning
// half (and the scenarios'): 92.7 / 95.2 / 93.6; with the exception-in-a-sentence form, 92.0 / 95.2 / 92.4
// (n=969). Below the target: some labels cannot be read from the text (a Keras 3
// subclassed model's "Unknown layer: 'X'" in Keras 2 is a custom layer by its words and a Keras 3 file by the file;
// Keras 3's legacy-H5 loss TypeError never prints the loss's name), so the floor is what was reached.
// Scenarios, sealed before any change: 82.6 / 82.6 / 84.1 (n=195, the first 27 failures); 55 failures after adding
// custom functions and training configs, measured before tuning on the additions: 95.6 / 97.7 / 96.8 (n=433); then
// 97.0 / 99.3 / 98.3; with the exception-in-a-sentence form 95.9 / 99.4 / 97.0 (n=462): floor at the target.
const TEXT_ALONE_FLOORS = {
  _matrix: { top1: 0.91, top3: 0.95, culpritNamed: 0.92 },
  _scenarios: { top1: 0.95, top3: 0.99, culpritNamed: 0.95 },
} as const;

for (const [folder, floor] of Object.entries(TEXT_ALONE_FLOORS) as [keyof typeof TEXT_ALONE_FLOORS, { top1: number; top3: number; culpritNamed: number }][]) {
  describe(`explain on the paste forms of ${folder === "_matrix" ? "the matrix's real failures" : "the scenarios' real failures"} (text alone)`, () => {
    let textSealed: ScoredPaste[] = [];
    beforeAll(async () => {
      const scored = await scorePasteForms(textAlonePasteCases(repoRoot, folder), { parseTraceback, classify, causes, factsFor });
      textSealed = scored.filter((entry) => entry.half === "sealed");
    });

    it(`keeps the sealed half at or above its floor (top-1 ${floor.top1}, top-3 ${floor.top3}, culprit ${floor.culpritNamed})`, () => {
      expect(textSealed.length).toBeGreaterThan(300);
      const figures = summarise(textSealed);
      expect({ top1: figures.top1 >= floor.top1, top3: figures.top3 >= floor.top3, culprit: figures.culpritNamed >= floor.culpritNamed, figures })
        .toMatchObject({ top1: true, top3: true, culprit: true });
    });
  });
}

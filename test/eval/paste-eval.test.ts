// The floor under explain on the SEALED half of the paste-form set: every real (captured) fixture turned into the
// shapes people paste (scripts/paste-forms.mjs), split by a hash of the source fixture into a tuning half (tuned on)
// and a sealed half (only measured). `npm run eval` prints both halves per cause.
// Sealed half measured once before any change (commit "Eval: paste-form generator"): top-1 68.5%, top-3 69.7%,
// culprit named 64.0% (n=796). After the paste repair, the mined wordings and the kind reading: top-1 95.8%, top-3
// 96.4%, culprit 95.2% (n=852). After the message-table triage and the tuning-half work of issue 11's last round
// (cut pastes, bare last lines with their readings, fences, short wraps; tuned on the tuning half only): top-1 97.2%,
// top-3 97.8%, culprit named 96.0% (n=852). The target is 95 / 99 / 95: top-3 still falls short, so the
// floor is what was reached, not the target. The mined-table set's sealed half has its own floor (mined-eval.test.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { pasteCases, textAlonePasteCases } from "../../scripts/paste-cases.mjs";
import { scorePasteForms, summarise, type ScoredPaste } from "../../scripts/paste-forms.mjs";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify.js";
import { parseTraceback } from "../../src/core/traceback.js";
import { factsFor } from "../catalogue/sidecar.js";
import { repoRoot } from "../helpers/envs.js";

const FLOOR = { top1: 0.97, top3: 0.975, culpritNamed: 0.955 };

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

// The third set: the cross-version matrix's real failures (fixtures/tracebacks/_matrix, made by
// scripts/capture-matrix-pastes.mjs), classified on their text alone as `explain` gets them, split the same way.
// Sealed half measured before any change that looked at this set: MATRIX_SEALED_BEFORE.
const MATRIX_FLOOR = { top1: 0, top3: 0, culpritNamed: 0 };

describe("explain on the paste forms of the matrix's real failures (text alone)", () => {
  let matrixSealed: ScoredPaste[] = [];
  beforeAll(async () => {
    const scored = await scorePasteForms(textAlonePasteCases(repoRoot, "_matrix"), { parseTraceback, classify, causes, factsFor });
    matrixSealed = scored.filter((entry) => entry.half === "sealed");
  });

  it(`keeps the sealed half at or above its floor (top-1 ${MATRIX_FLOOR.top1}, top-3 ${MATRIX_FLOOR.top3}, culprit ${MATRIX_FLOOR.culpritNamed})`, () => {
    expect(matrixSealed.length).toBeGreaterThan(300);
    const figures = summarise(matrixSealed);
    expect({ top1: figures.top1 >= MATRIX_FLOOR.top1, top3: figures.top3 >= MATRIX_FLOOR.top3, culprit: figures.culpritNamed >= MATRIX_FLOOR.culpritNamed, figures })
      .toMatchObject({ top1: true, top3: true, culprit: true });
  });
});

// The floor under explain on the SEALED half of the real-paste corpus: what people posted in public threads
// (third-party text, read at run time from ../shared/real-pastes or $KERAS_FIX_REAL_PASTES, never copied into the
// repository), each paste as posted, text alone, split by sha256(source) into a tuning half and a sealed half
// (scripts/real-pastes.mjs). A clone without the corpus cannot have it (it is not ours to ship): there these tests
// are not defined, and `npm test` says so above its count. Figures: docs/evaluation.md.
import { beforeAll, describe, expect, it } from "vitest";
import { realPasteCases, realPastesDir } from "../../scripts/real-pastes.mjs";
import { culpritNames, scoreRealPastes } from "../../scripts/real-pastes.mjs";
import { summarise, type ScoredPaste } from "../../scripts/paste-forms.mjs";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { repoRoot } from "../helpers/envs.js";

// Sealed half measured before issue 22's work: top-1 45.3 %, top-3 47.4 %, culprit named 27.2 % (n = 95); after its
// first round 57.9 / 60.0 / 34.8; after the second, measured once at the end: 60.0 / 62.1 / 45.7 (the culprit compared
// by the label's name, scripts/real-pastes.mjs culpritNames; 38.0 with the whole label verbatim as before); after the
// third, at the end: 60.0 / 62.1 / 47.8 (40.2 verbatim). Tuning half 40.3 / 46.8 / 30.7 -> 77.9 / 83.1 / 44.0 -> 85.7 /
// 87.0 / 57.3 -> 89.6 / 90.9 / 73.3. The floor sits just under the figures reached.
const FLOOR = { top1: 0.59, top3: 0.61, culpritNamed: 0.47 };

const dir = realPastesDir(repoRoot);
let sealed: ScoredPaste[] = [];
let tuning: ScoredPaste[] = [];
beforeAll(() => {
  if (!dir) return;
  const scored = scoreRealPastes(realPasteCases(dir), { parseTraceback, classify, causes });
  sealed = scored.filter((entry) => entry.half === "sealed");
  tuning = scored.filter((entry) => entry.half === "tuning");
});

describe("the culprit a corpus label names", () => {
  it("is the label's name before its description, without case, - and _ alike, a dotted name by its ends", () => {
    expect(culpritNames("exported_model (SavedModel directory)", "exported_model")).toBe(true);
    expect(culpritNames("tf-keras (Keras 2 package)", "tf_keras")).toBe(true);
    expect(culpritNames("some_hub.FancyLayer", "some_hub.fancy_layer.FancyLayer")).toBe(true);
    expect(culpritNames("C:\\models\\net.h5", "c:/models/net.h5")).toBe(true);
    expect(culpritNames("AVX", "tensorflow")).toBe(false);
    expect(culpritNames("keras 2.4", "keras / tensorflow")).toBe(false);
    expect(culpritNames("net.h5", null)).toBe(false);
  });
});

if (dir) describe("explain on the real-paste corpus", () => {
  it("splits the corpus into two halves by thread", () => {
    expect(sealed.length).toBeGreaterThan(50);
    expect(tuning.length).toBeGreaterThan(50);
  });

  it(`keeps the sealed half at or above its floor (top-1 ${FLOOR.top1}, top-3 ${FLOOR.top3}, culprit ${FLOOR.culpritNamed})`, () => {
    const figures = summarise(sealed);
    expect({ top1: figures.top1 >= FLOOR.top1, top3: figures.top3 >= FLOOR.top3, culprit: figures.culpritNamed >= FLOOR.culpritNamed, figures })
      .toMatchObject({ top1: true, top3: true, culprit: true });
  });
});

// The floor under explain on the SEALED half of the second paste-form set: synthetic tracebacks written from the
// mined message table (scripts/paste-mined.mjs: every template mapped to a cause, its holes filled with several
// plausible names, the user's load_model frame and the frame the table says raises it), turned into the paste forms
// (scripts/paste-forms.mjs) and split by template into a tuning half and a sealed half. Only the sealed half is
// scored here (the tuning half is `npm run eval`'s), which keeps the test cheap.
// Sealed half measured once before any tuning (classifier of commit 1c707e8, the generator as it is now): top-1
// 96.9%, top-3 96.9%, culprit named 93.8% (n=2188). (The very first run, with a generator that also expected a
// culprit where the class name is only context, read 96.9 / 96.9 / 87.9, n=2192.) After tuning on the tuning halves:
// 99.8 / 99.8 / 99.6 (n=2188), so the floor is the figures.
import { beforeAll, describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { scorePasteForms, summarise, type ScoredPaste } from "../../scripts/paste-forms.mjs";
import { minedCases } from "../../scripts/paste-mined.mjs";
import { classify } from "../../src/core/classify/classify.js";
import * as messages from "../../src/core/classify/messages.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { factsFor } from "../catalogue/sidecar.js";
import { repoRoot } from "../helpers/envs.js";

const FLOOR = { top1: 0.95, top3: 0.99, culpritNamed: 0.95 };

let sealed: ScoredPaste[] = [];
let tuningCases = 0;
beforeAll(async () => {
  const cases = minedCases(repoRoot, messages);
  tuningCases = cases.filter((entry) => entry.half === "tuning").length;
  sealed = await scorePasteForms(cases.filter((entry) => entry.half === "sealed"), { parseTraceback, classify, causes, factsFor });
});

describe("explain on the paste forms of the mined table's templates", () => {
  it("has both halves, the sealed one with every form and most causes", () => {
    expect(tuningCases).toBeGreaterThan(100);
    expect(sealed.length).toBeGreaterThan(1500);
    expect(new Set(sealed.map((entry) => entry.form)).size).toBeGreaterThanOrEqual(15);
    expect(new Set(sealed.map((entry) => entry.expected)).size).toBeGreaterThanOrEqual(12);
  });

  it("is the same set on every run (seeded)", () => {
    const again = minedCases(repoRoot, messages).filter((entry) => entry.half === "sealed");
    expect(again.map((entry) => entry.text)).toEqual(minedCases(repoRoot, messages).filter((entry) => entry.half === "sealed").map((entry) => entry.text));
    expect(new Set(again.map((entry) => entry.path.split("#")[0])).size * 2).toBe(again.length);
  });

  it(`keeps the sealed half at or above its floor (top-1 ${FLOOR.top1}, top-3 ${FLOOR.top3}, culprit ${FLOOR.culpritNamed})`, () => {
    const figures = summarise(sealed);
    expect({ top1: figures.top1 >= FLOOR.top1, top3: figures.top3 >= FLOOR.top3, culprit: figures.culpritNamed >= FLOOR.culpritNamed, figures })
      .toMatchObject({ top1: true, top3: true, culprit: true });
  });
});

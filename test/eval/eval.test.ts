// The floor under the classifier's accuracy on the held-out set (fixtures/tracebacks/_eval): right cause first on
// at least 90% of the cases, in the top three on at least 97%, and no near-miss mistaken for its look-alike. A
// regression that trades real-world generality for one fixture fails here. `node scripts/eval-classifier.mjs` shows
// the per-cause table and the misses.
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { evalDir, scoreEvalSet, type Scored } from "./eval-set.js";

let scored: Scored[] = [];
beforeAll(async () => {
  scored = await scoreEvalSet();
});

const positives = () => scored.filter((entry) => entry.notCause === undefined);
const describeMiss = (entry: Scored) => `${entry.name}: expected ${entry.cause}, got ${entry.ranked.slice(0, 3).join(", ")}`;

describe("the held-out evaluation set", () => {
  it("is large enough to measure, and every .txt has a valid sidecar", () => {
    const texts = readdirSync(evalDir).filter((name) => name.endsWith(".txt"));
    expect(scored).toHaveLength(texts.length);
    expect(positives().length).toBeGreaterThanOrEqual(80);
    expect(scored.length - positives().length).toBeGreaterThanOrEqual(15);
  });

  it("names the right cause first on at least 90% of the cases", () => {
    const misses = positives().filter((entry) => entry.ranked[0] !== entry.cause);
    const top1 = 1 - misses.length / positives().length;
    expect({ top1: top1 >= 0.9, misses: misses.map(describeMiss) }).toMatchObject({ top1: true });
  });

  it("has the right cause in the top three on at least 97% of the cases", () => {
    const misses = positives().filter((entry) => !entry.ranked.slice(0, 3).includes(entry.cause!));
    const top3 = 1 - misses.length / positives().length;
    expect({ top3: top3 >= 0.97, misses: misses.map(describeMiss) }).toMatchObject({ top3: true });
  });

  it("mistakes no near-miss for its look-alike", () => {
    const fooled = scored.filter((entry) => entry.notCause !== undefined && entry.ranked[0] === entry.notCause);
    expect(fooled.map((entry) => `${entry.name}: classified as ${entry.notCause}`)).toEqual([]);
  });
});

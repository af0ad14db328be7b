// Runs every traceback fixture through the real parser and classifier with the real catalogue: a fixture in
// fixtures/tracebacks/<id>/ must rank <id> first (and name the sidecar's culprit); a near-miss must not rank its
// look-alike first. Facts fixtures (<name>.facts.json) classify without a traceback.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { fixturesDir } from "../helpers/envs.js";
import { expectSidecar, factsFixture, factsFor, nearMissSidecar } from "./sidecar.js";

const tracebacksDir = join(fixturesDir, "tracebacks");
const NEAR_MISSES = "_near-misses";
const causeDirs = readdirSync(tracebacksDir, { withFileTypes: true })
  // `_`-prefixed folders are not causes: _near-misses (below) and _eval (the held-out set, test/eval/eval.test.ts).
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith("_"))
  .map((entry) => entry.name)
  .sort();
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));
const sidecarOf = (txtPath: string) => txtPath.replace(/\.txt$/, ".expect.json");

it("has a folder of traceback fixtures per registered cause only", () => {
  const ids = new Set(causes.map((cause) => cause.id));
  expect(causeDirs.filter((dir) => !ids.has(dir))).toEqual([]);
});

for (const id of causeDirs) {
  describe(id, () => {
    const dir = join(tracebacksDir, id);
    const files = readdirSync(dir).sort();
    for (const name of files.filter((file) => file.endsWith(".txt"))) {
      it(`${name} classifies as ${id}`, async () => {
        const sidecarPath = sidecarOf(join(dir, name));
        expect(existsSync(sidecarPath), `${name} needs a sidecar ${name.replace(/\.txt$/, ".expect.json")}`).toBe(true);
        const sidecar = expectSidecar.parse(readJson(sidecarPath));
        const chain = parseTraceback(readFileSync(join(dir, name), "utf8"));
        expect(chain.length).toBeGreaterThan(0);
        const diagnosis = classify(chain, await factsFor(sidecar), causes);
        expect({ cause: diagnosis.cause, evidence: diagnosis.evidence }).toMatchObject({ cause: id });
        if (sidecar.culprit !== undefined) expect(diagnosis.culprit).toBe(sidecar.culprit);
      });
    }
    for (const name of files.filter((file) => file.endsWith(".facts.json"))) {
      it(`${name} (facts alone) classifies as ${id}`, async () => {
        const fixture = factsFixture.parse(readJson(join(dir, name)));
        const diagnosis = classify(null, await factsFor(fixture), causes);
        expect({ cause: diagnosis.cause, evidence: diagnosis.evidence }).toMatchObject({ cause: id });
        if (fixture.culprit !== undefined) expect(diagnosis.culprit).toBe(fixture.culprit);
      });
    }
    it("holds only fixtures and their sidecars", () => {
      const stray = files.filter(
        (file) =>
          !file.endsWith(".facts.json") &&
          !(file.endsWith(".txt") && files.includes(file.replace(/\.txt$/, ".expect.json"))) &&
          !(file.endsWith(".expect.json") && files.includes(file.replace(/\.expect\.json$/, ".txt"))),
      );
      expect(stray).toEqual([]);
    });
  });
}

describe("near-misses", () => {
  const dir = join(tracebacksDir, NEAR_MISSES);
  const files = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith(".txt")).sort() : [];
  it("exist", () => expect(files.length).toBeGreaterThan(0));
  for (const name of files) {
    it(`${name} is not mistaken for its look-alike`, async () => {
      const sidecar = nearMissSidecar.parse(readJson(sidecarOf(join(dir, name))));
      expect(causes.map((cause) => cause.id)).toContain(sidecar.notCause);
      const diagnosis = classify(parseTraceback(readFileSync(join(dir, name), "utf8")), await factsFor(sidecar), causes);
      expect(diagnosis.cause).not.toBe(sidecar.notCause);
      if (sidecar.cause !== undefined) expect(diagnosis.cause).toBe(sidecar.cause);
    });
  }
});

// Reads the held-out evaluation set (fixtures/tracebacks/_eval: tracebacks written the way users paste them, by
// someone who had not read the matchers) and scores parse + classify on it, for eval.test.ts. The same scoring runs
// against dist/ in scripts/eval-classifier.mjs, which prints the per-cause table and the misses.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { factsFor } from "../catalogue/sidecar.js";
import { fixturesDir } from "../helpers/envs.js";

export const evalDir = join(fixturesDir, "tracebacks", "_eval");

const factsFields = {
  model: z.string().startsWith("fixtures/models/").optional(),
  file: z.record(z.string(), z.unknown()).optional(),
  env: z.record(z.string(), z.unknown()).nullable().optional(),
  sources: z
    .array(z.strictObject({ name: z.string(), file: z.string(), line: z.number(), kind: z.enum(["class", "function", "assignment"]), registeredKey: z.string().nullable() }))
    .optional(),
};
// Every case is a template: the source says which real-world report shape it follows.
const source = z.string().regex(/^template: .+/, 'source is "template: <report shape, versions>"');
const causeIds = causes.map((cause) => cause.id) as [string, ...string[]];

/** A case the classifier must name (`cause`), or a near-miss it must not mistake for `notCause`. */
export const evalSidecar = z.union([
  z.strictObject({ source, cause: z.enum(causeIds), culprit: z.string().optional(), ...factsFields }),
  z.strictObject({ source, notCause: z.enum(causeIds), cause: z.enum(causeIds).optional(), ...factsFields }),
]);

export interface Scored {
  name: string;
  /** The diagnosis first, then its alternatives. */
  ranked: string[];
  cause?: string;
  notCause?: string;
}

export async function scoreEvalSet(): Promise<Scored[]> {
  const names = readdirSync(evalDir).filter((name) => name.endsWith(".txt")).sort();
  const scored: Scored[] = [];
  for (const name of names) {
    const sidecar = evalSidecar.parse(JSON.parse(readFileSync(join(evalDir, name.replace(/\.txt$/, ".expect.json")), "utf8")));
    const diagnosis = classify(parseTraceback(readFileSync(join(evalDir, name), "utf8")), await factsFor(sidecar), causes);
    scored.push({
      name,
      ranked: [diagnosis.cause, ...diagnosis.alternatives.map((alternative) => alternative.cause)],
      cause: sidecar.cause,
      notCause: "notCause" in sidecar ? sidecar.notCause : undefined,
    });
  }
  return scored;
}

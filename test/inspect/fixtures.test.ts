// Runs inspectModel on every model in fixtures/models/*/MANIFEST.json (real files made by real Keras) and checks
// the facts each entry expects, plus the facts that hold for a whole set (Keras line, custom classes vs objects).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectModel } from "../../src/core/inspect/index.js";
import { modelsDir } from "../helpers/envs.js";
import { modelFactsSchema } from "./schema.js";

interface Entry {
  file: string;
  expect: Record<string, unknown>;
}

const sets = readdirSync(modelsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .filter((name) => {
    try {
      readFileSync(join(modelsDir, name, "MANIFEST.json"));
      return true;
    } catch {
      return false;
    }
  });

/** The Keras line a stored version belongs to, spelled out independently of src/core/inspect/facts.ts. */
function expectedLine(version: string): string {
  if (version.startsWith("3.")) return "keras3";
  if (version.startsWith("1.")) return "keras1";
  if (version.endsWith("-tf")) return "tf-keras2";
  return ["2.0", "2.1", "2.2", "2.3"].some((v) => version.startsWith(`${v}.`)) ? "keras2" : "tf-keras2";
}

describe("every manifest fixture", () => {
  it("finds the four fixture sets", () => {
    expect(sets).toEqual(expect.arrayContaining(["bad", "keras2", "keras3", "tf21"]));
  });

  for (const set of sets) {
    const manifest = JSON.parse(readFileSync(join(modelsDir, set, "MANIFEST.json"), "utf8")) as { files: Entry[] };
    describe(set, () => {
      for (const entry of manifest.files) {
        it(`${entry.file}: ${Object.keys(entry.expect).join(", ")}`, async () => {
          const facts = await inspectModel(join(modelsDir, set, entry.file));
          modelFactsSchema.parse(facts);
          const got: Record<string, unknown> = {
            ...facts,
            customObjects: facts.customObjects.map(({ kind, className, registeredName, module, key }) => ({
              kind, className, registeredName, module, key,
            })),
          };
          for (const [key, value] of Object.entries(entry.expect)) expect(got[key], key).toEqual(value);
          // Facts that follow from the others, whatever the manifest lists.
          expect(facts.customClasses).toEqual(
            [...new Set(facts.customObjects.filter((o) => o.kind === "layer" || o.kind === "model").map((o) => o.className))].sort(),
          );
          if (facts.format === "h5-model" || facts.format === "keras-zip") {
            expect(facts.problem).toBeNull();
            expect(facts.layers?.className).toBe(facts.topClass);
            if (facts.kerasVersion) expect(facts.kerasLine).toBe(expectedLine(facts.kerasVersion));
          }
          if (set === "bad") expect(facts.problem?.message.length).toBeGreaterThan(20);
          expect(facts.hasLambda).toBe(facts.lambdas.length > 0);
        });
      }
    });
  }
});

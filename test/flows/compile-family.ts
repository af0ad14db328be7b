// What the loss, metric and optimizer causes share in their tests: the file's facts naming one custom object of a
// kind, and the --auto walk that proves compile=False and shows (without --write-loaders, never writes) a loader
// keeping it.
import { expect } from "vitest";
import { walkAutomatically } from "../../src/engine/auto-walk.js";
import type { Cause, CustomObjectKind, Facts } from "../../src/core/types.js";
import { facts } from "../catalogue/facts.js";
import { baseFor, ok, plainWalk, scriptedRunner } from "../catalogue/walk.js";

export function factsNaming(kind: CustomObjectKind, name: string, path = "model.h5"): Facts {
  return facts({ file: { path, customObjects: [{ kind, className: name, registeredName: null, module: null, key: name, config: null, where: [] }] } });
}

export async function expectAutoProvesCompileFalse(cause: Cause, kind: CustomObjectKind, name: string, traceback: string): Promise<void> {
  const base = baseFor(factsNaming(kind, name, "/m/x.keras"), traceback);
  const runner = scriptedRunner([
    { expect: (r) => r.kind === "find-sources", result: ok({ matches: [] }) },
    { expect: (r) => r.kind === "verify-load" && r.fix.compile === false && !r.fix.customObjectsModule, result: ok({ fix: { compile: false } }) },
  ]);
  const walk = await walkAutomatically(cause, base, {}, runner.run);
  expect(walk.outcome).toBe("fixed");
  expect(runner.seen.map((r) => r.kind)).toEqual(["find-sources", "verify-load"]);
  const text = plainWalk(walk);
  expect(text).toContain("model.compile(");
  expect(text).toContain("The loader script (not written)");
  expect(text).toContain('model = keras.models.load_model(MODEL_PATH, compile=False)');
  // Asked with --write-loaders, the same walk writes it.
  const writer = scriptedRunner([
    { expect: (r) => r.kind === "find-sources", result: ok({ matches: [] }) },
    { expect: (r) => r.kind === "verify-load" && r.fix.compile === false, result: ok({ fix: { compile: false } }) },
    { expect: (r) => r.kind === "write-loader" && r.fix.compile === false, result: ok({ path: "/cwd/load_x.py" }) },
  ]);
  expect((await walkAutomatically(cause, base, { writeLoaders: "yes" }, writer.run)).outcome).toBe("fixed");
  expect(writer.seen.map((r) => r.kind)).toEqual(["find-sources", "verify-load", "write-loader"]);
}

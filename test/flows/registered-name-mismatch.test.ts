// registered-name-mismatch: claimed only when the user's code is known to register the class under another key;
// the fix maps the key the file stores (OldPkg>Gate2) to the class, which importing alone does not do.
import { describe, expect, it } from "vitest";
import { findSources } from "../../src/core/fixes/find-sources.js";
import type { Facts } from "../../src/core/types.js";
import { facts } from "../catalogue/facts.js";
import { baseFor, causeOf, ok, walkWith } from "../catalogue/walk.js";
import { join } from "node:path";
import { modelsDir } from "../helpers/envs.js";

const R1 =
  "TypeError: Could not locate class 'Gate2'. Make sure custom classes and functions are decorated with `@keras.saving.register_keras_serializable()`. Full object config: {'module': 'fixture_registered_renamed', 'class_name': 'Gate2', 'config': {'name': 'gate2'}, 'registered_name': 'OldPkg>Gate2'}";

describe("registered-name-mismatch", () => {
  it("is named when the statically read source registers NewPkg>Gate2 while the file stores OldPkg>Gate2", async () => {
    const sources = await findSources(["Gate2"], [join(modelsDir, "sources")]);
    const known: Facts = { ...facts(), sources } as Facts;
    expect(baseFor(known, R1).diagnosis).toMatchObject({
      cause: "registered-name-mismatch",
      culprit: "Gate2 (stored as OldPkg>Gate2); code registers NewPkg>Gate2",
    });
    // Without knowing the code, the same text is a missing class.
    expect(baseFor(facts(), R1).diagnosis.cause).toBe("custom-layer-missing");
  });

  it("verifies with the class under the stored key and notes the other registration", () => {
    const cause = causeOf("registered-name-mismatch");
    const matches = [{ name: "Gate2", file: "/src/fixture_registered_renamed.py", line: 11, kind: "class", registeredKey: "NewPkg>Gate2" }];
    const base = baseFor({ ...facts(), sources: matches } as Facts, R1);
    const walk = walkWith(cause, base, { choose: "use-found", loaded: "done" }, { find: ok({ matches }), "verify-found": ok({ fix: { customObjectsModule: "/src/fixture_registered_renamed.py", customObjects: { "OldPkg>Gate2": "Gate2" } } }) });
    expect(walk.requests[1]).toEqual({ kind: "verify-load", fix: { customObjectsModule: "/src/fixture_registered_renamed.py", customObjects: { "OldPkg>Gate2": "Gate2" } } });
    expect(walk.text).toContain("registers `Gate2` as `NewPkg>Gate2`");
    expect(walk.state.outcome).toBe("fixed");
    expect(walk.text).toContain('"OldPkg>Gate2": fixture_registered_renamed.Gate2,');
  });
});

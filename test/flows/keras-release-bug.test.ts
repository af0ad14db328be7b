// keras-release-bug: an HDF5 file with a .keras name (checked through a temporary copy, never a rename), and
// Keras 3.0–3.2 dropping custom_objects for .h5, claimed only when the versions and the calling line say so.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { kerasReleaseBug } from "../../flows/keras-release-bug/cause.js";
import { walkAutomatically } from "../../src/engine/auto-walk.js";
import { classify } from "../../src/core/classify/classify.js";
import { contentToPlain, paragraphs } from "../../src/core/content.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import type { ActionRequest } from "../../src/core/types.js";
import { facts } from "../catalogue/facts.js";
import { factsFor } from "../catalogue/sidecar.js";
import { fixturesDir } from "../helpers/envs.js";

const tracebacks = join(fixturesDir, "tracebacks");
const chainOf = (path: string) => parseTraceback(readFileSync(join(tracebacks, path), "utf8"));
const keras3Env = { loader: "keras3" as const, packages: { keras: "3.15.1", tensorflow: "2.21.0" } };

describe("keras-release-bug", () => {
  it("claims 'File not found' for an HDF5 file named .keras, and asks for a copy loaded as .h5", async () => {
    const given = await factsFor({ model: "fixtures/models/keras2/h5_named_dot_keras.keras", env: keras3Env });
    const diagnosis = classify(chainOf("keras-release-bug/keras-3.15.1--h5-named-dot-keras.txt"), given, causes);
    expect(diagnosis.cause).toBe("keras-release-bug");
    const requests: ActionRequest[] = [];
    const walk = await walkAutomatically(kerasReleaseBug, { ...given, diagnosis, modelPath: "m.keras" }, {}, async (request) => {
      requests.push(request);
      return { ok: false, summary: paragraphs("still failing") };
    });
    expect(requests).toEqual([{ kind: "verify-load", fix: { loadAs: ".h5" } }]);
    expect(walk.outcome).toBe("not-fixed");
    expect(contentToPlain(walk.steps.at(-1)!.content)).toContain('cp "m.keras" "m.h5"');
  });

  it("leaves a really missing file to file-not-found", () => {
    const given = facts({ file: { format: "missing", path: "/x/best.keras" }, env: keras3Env });
    expect(classify(chainOf("keras-release-bug/keras-3.15.1--h5-named-dot-keras.txt"), given, causes).cause).not.toBe("keras-release-bug");
  });

  it("claims Unknown layer with custom_objects= only in Keras 3.0–3.2", () => {
    const chain = chainOf("keras-release-bug/keras-3.1.1--h5-custom-objects-dropped-template.txt");
    const h5 = { format: "h5-model" as const, kerasVersion: "2.15.0", kerasLine: "tf-keras2" as const };
    expect(classify(chain, facts({ file: h5, env: { loader: "keras3", packages: { keras: "3.1.1" } } }), causes).cause).toBe("keras-release-bug");
    expect(classify(chain, facts({ file: h5, env: { loader: "keras3", packages: { keras: "3.3.3" } } }), causes).cause).not.toBe("keras-release-bug");
  });
});

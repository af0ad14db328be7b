// compile-config-incompatible: the training-config messages across Keras versions, the compile=False fix, and the
// compile() call rebuilt from what the file stored.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { compileConfigIncompatible } from "../../flows/compile-config-incompatible/cause.js";
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

describe("compile-config-incompatible", () => {
  it("claims the `lr` argument of a Keras 2.2 optimizer and names it", () => {
    expect(classify(chainOf("compile-config-incompatible/keras-3.15.1--lr-argument-h5.txt"), facts(), causes)).toMatchObject({
      cause: "compile-config-incompatible",
      culprit: "{'lr': 0.001}",
    });
  });

  it("leaves a missing custom loss to the custom-object causes", async () => {
    const given = await factsFor({ model: "fixtures/models/keras3/custom_loss.h5", env: keras3Env });
    expect(classify(chainOf("_near-misses/compile-config-incompatible--custom-loss-missing.txt"), given, causes).cause).not.toBe(
      "compile-config-incompatible",
    );
  });

  it("verifies compile=False and prints the compile() call with the stored loss", async () => {
    const given = await factsFor({ model: "fixtures/models/keras3/compiled_mse_alias.h5", env: keras3Env });
    const diagnosis = classify(chainOf("compile-config-incompatible/keras-3.15.1--mse-alias-h5.txt"), given, causes);
    const requests: ActionRequest[] = [];
    const walk = await walkAutomatically(compileConfigIncompatible, { ...given, diagnosis, modelPath: "m.h5" }, {}, async (request) => {
      requests.push(request);
      return { ok: true, summary: paragraphs("loads"), data: { fix: request.kind === "verify-load" ? request.fix : undefined } };
    });
    // The proven fix; --auto writes no loader unless asked (--write-loaders), it shows the one it would write.
    expect(requests).toEqual([{ kind: "verify-load", fix: { compile: false } }]);
    expect(walk.outcome).toBe("fixed");
    expect(contentToPlain(walk.steps.find((s) => s.id === "keep-loader-preview")!.content)).toContain("compile=False");
    const shown = contentToPlain(walk.steps.at(-1)!.content);
    expect(shown).toContain('keras.models.load_model("m.h5", compile=False)');
    expect(shown).toContain('loss="mean_squared_error"');
  });
});

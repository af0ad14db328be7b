// keras2-file-in-keras3 on its real fixtures: which messages it claims (and leaves to mixing / newer-file), and the
// fix its walk asks the probe for: the DepthwiseConv2D shim for `groups` alone, tf_keras otherwise.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { keras2FileInKeras3 } from "../../flows/keras2-file-in-keras3/cause.js";
import { keepFixSteps } from "../../flows/_shared/keep-fix.js";
import { walkAutomatically } from "../../src/engine/auto-walk.js";
import { classify } from "../../src/core/classify/classify.js";
import { contentToPlain, paragraphs } from "../../src/core/content.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import type { ActionRequest, ChoiceOption, Facts, StepContext } from "../../src/core/types.js";
import { facts } from "../catalogue/facts.js";
import { factsFor } from "../catalogue/sidecar.js";
import { jsonOf, runCli } from "../helpers/cli.js";
import { fixturesDir, modelsDir, pythonFor } from "../helpers/envs.js";

const dir = join(fixturesDir, "tracebacks", "keras2-file-in-keras3");
const keras3Env = { loader: "keras3" as const, packages: { keras: "3.15.1", tensorflow: "2.21.0", tf_keras: "2.21.0" } };
const chainOf = (name: string) => parseTraceback(readFileSync(join(dir, name), "utf8"));

async function walk(name: string, given: Facts, ok: (request: ActionRequest) => boolean) {
  const diagnosis = classify(chainOf(name), given, causes);
  const requests: ActionRequest[] = [];
  const result = await walkAutomatically(keras2FileInKeras3, { ...given, diagnosis, modelPath: "model.h5" }, {}, async (request) => {
    requests.push(request);
    return { ok: ok(request), summary: paragraphs(ok(request) ? "loads" : "fails"), data: { fix: request.kind === "verify-load" ? request.fix : undefined } };
  });
  return { diagnosis, requests, result };
}

describe("keras2-file-in-keras3", () => {
  it("claims TFOpLambda with or without facts, naming the layer", async () => {
    const withFacts = classify(chainOf("keras-3.15.1--tfoplambda-h5.txt"), await factsFor({ model: "fixtures/models/keras2/tfoplambda.h5", env: keras3Env }), causes);
    expect(withFacts).toMatchObject({ cause: "keras2-file-in-keras3", culprit: "TFOpLambda" });
    expect(classify(chainOf("keras-3.15.1--tfoplambda-h5.txt"), facts(), causes).cause).toBe("keras2-file-in-keras3");
  });

  it("steps aside when tf_keras wrote the file (mixing) or the file is a newer Keras 3 one", () => {
    const chain = chainOf("keras-3.15.1--tfoplambda-h5.txt");
    const byTfKeras = facts({ file: { kerasVersion: "2.21.0", kerasLine: "tf-keras2" }, env: keras3Env });
    expect(classify(chain, byTfKeras, causes).cause).toBe("keras-tfkeras-mixing");
    expect(keras2FileInKeras3.when!({ keyword: "groups" }, facts({ file: { kerasVersion: "3.15.1", kerasLine: "keras3" }, env: { loader: "keras3", packages: { keras: "3.5.0" } } }))).toBe(false);
  });

  it("tries the DepthwiseConv2D shim for `groups` and reports it fixed when the load succeeds", async () => {
    const given = await factsFor({ model: "fixtures/models/keras2/depthwise.h5", env: keras3Env });
    const { requests, result } = await walk("keras-3.15.1--depthwise-groups-h5.txt", given, () => true);
    // No loader written unless asked (--write-loaders): the walk shows the one it would write, with the shim.
    expect(requests).toEqual([{ kind: "verify-load", fix: { shims: ["depthwise-conv2d-groups"] } }]);
    expect(result.outcome).toBe("fixed");
    expect(result.steps.map((s) => contentToPlain(s.content)).join("\n")).toContain("class DepthwiseConv2D(keras.layers.DepthwiseConv2D):");
    expect(contentToPlain(result.steps.at(-1)!.content)).toContain('custom_objects={"DepthwiseConv2D": DepthwiseConv2D}');
  });

  it("tries tf_keras for TFOpLambda, and when that fails shows the version set instead of installing", async () => {
    const given = await factsFor({ model: "fixtures/models/keras2/tfoplambda.h5", env: { ...keras3Env, python: { path: "/venv/bin/python", version: "3.11.7", source: "path" } } });
    const { requests, result } = await walk("keras-3.15.1--tfoplambda-h5.txt", given, () => false);
    expect(requests).toEqual([{ kind: "verify-load", fix: { legacyKeras: true } }]);
    expect(result.outcome).toBe("not-fixed");
    const shown = result.steps.map((step) => contentToPlain(step.content)).join("\n");
    expect(shown).toContain("TF_USE_LEGACY_KERAS=1");
    expect(result.steps.some((step) => step.kind === "action" && step.id === "install")).toBe(false);
  });

  it("says honestly that re-saving through tf_keras does not migrate the file", async () => {
    const given = await factsFor({ model: "fixtures/models/keras2/tfoplambda.h5", env: keras3Env });
    const { result } = await walk("keras-3.15.1--tfoplambda-h5.txt", given, () => true);
    expect(contentToPlain(result.steps.at(-1)!.content)).toMatch(/Keras 3 cannot read it either/);
  });

  it("a TF 1.15 .h5 in real Keras 3: the initializers' saved dtype is a Keras 2 file's, and tf_keras loads it", () => {
    const run = runCli([join(modelsDir, "matrix", "tf115-py36", "plain.h5"), "--auto", "--json", "--python", pythonFor("keras3")], { timeoutMs: 300_000 });
    const report = jsonOf(run);
    expect(report.diagnosis).toMatchObject({ cause: "keras2-file-in-keras3", culprit: "GlorotUniform(dtype=...)" });
    expect(report.walk.outcome).toBe("fixed");
    expect(report.walk.steps.some((step: { action: string | null; ok: boolean }) => step.action === "verify-load" && step.ok)).toBe(true);
    expect(run.status).toBe(0);
  }, 300_000);

  it("after the tf_keras route, a Keras 3 environment is offered a Keras 3 copy instead of a tf_keras re-save", () => {
    const [keep] = keepFixSteps({ id: "keep", fixedId: "fixed" });
    const shown = (loader: "keras3" | "tf.keras", fix: Record<string, unknown>) => {
      const ctx = { ...facts({ env: { ...keras3Env, loader } }), diagnosis: {}, inputs: {}, modelPath: "old.h5", results: { t: { ok: true, summary: [], data: { fix } } } } as unknown as StepContext;
      return (keep as { options: ChoiceOption[] }).options.filter((o) => !o.when || o.when(ctx)).map((o) => o.id);
    };
    expect(shown("keras3", { legacyKeras: true })).toEqual(["write-loader", "bring-home", "done"]);
    expect(shown("keras3", { compile: false })).toEqual(["write-loader", "resave", "done"]);
    expect(shown("tf.keras", { legacyKeras: true })).toEqual(["write-loader", "resave", "done"]);
  });
});

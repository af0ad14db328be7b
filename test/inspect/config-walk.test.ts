// What the config walk finds inside real configs: wrappers and nested models become children, a custom layer
// holding another layer's config keeps it as its child, and built-in names are judged per Keras line.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinsFor } from "../../src/core/versions/builtins.js";
import { inspectModel } from "../../src/core/inspect/index.js";
import type { LayerNode } from "../../src/core/types.js";
import { modelsDir } from "../helpers/envs.js";

const find = (node: LayerNode | null, className: string): LayerNode | undefined => {
  if (!node) return undefined;
  if (node.className === className) return node;
  for (const child of node.children) {
    const hit = find(child, className);
    if (hit) return hit;
  }
  return undefined;
};

describe("config walk", () => {
  for (const file of [join("keras2", "functional_nested.h5"), join("keras3", "functional_nested.keras")]) {
    it(`puts wrapped and nested layers under their parents (${file})`, async () => {
      const facts = await inspectModel(join(modelsDir, file));
      expect(find(facts.layers, "TimeDistributed")?.children.map((c) => c.className)).toEqual(["Dense"]);
      expect(find(facts.layers, "Bidirectional")?.children.length).toBeGreaterThanOrEqual(1);
      const inner = find(facts.layers, "Sequential");
      expect(inner?.children.some((c) => c.className === "Dense")).toBe(true);
      expect(facts.layerClasses).toEqual(expect.arrayContaining(["Bidirectional", "Dense", "Sequential", "TimeDistributed"]));
      expect(facts.layerClasses).toEqual([...new Set(facts.layerClasses)].sort());
      expect(facts.customObjects).toEqual([]);
    });
  }

  it("keeps a custom layer's nested Dense config as its child, and where names the custom layer's parents", async () => {
    const facts = await inspectModel(join(modelsDir, "keras3", "custom_layer_nested_object.keras"));
    const holder = find(facts.layers, "HolderLayer");
    expect(holder?.custom).toBe(true);
    expect(holder?.children.map((c) => c.className)).toEqual(["Dense"]);
    expect(facts.customObjects[0].where).toEqual(["sequential"]);
    expect(facts.customObjects[0].config).toEqual(expect.objectContaining({ name: "holder_layer" }));
  });

  it("judges TFOpLambda built-in for a Keras 2 file, and the catalogues know it is not Keras 3", async () => {
    const facts = await inspectModel(join(modelsDir, "keras2", "tfoplambda.h5"));
    expect(facts.layerClasses).toEqual(expect.arrayContaining(["TFOpLambda", "SlicingOpLambda"]));
    expect(facts.customClasses).toEqual([]);
    expect(builtinsFor("tf-keras2").has("layers", "TFOpLambda")).toBe(true);
    expect(builtinsFor("keras3").has("layers", "TFOpLambda")).toBe(false);
    expect(builtinsFor(null).has("layers", "TFOpLambda")).toBe(true);
    // Functional appeared with TF 2.3; multi-backend Keras 2.3.1 does not know it (`Unknown layer: Functional`).
    expect(builtinsFor("keras2").has("layers", "Functional")).toBe(false);
    expect(builtinsFor("keras3").has("layers", "Functional")).toBe(true);
  });

  it("describes how each Lambda stored its function", async () => {
    const bytecode = await inspectModel(join(modelsDir, "keras3", "lambda_layer.keras"));
    expect(bytecode.lambdas).toEqual([expect.objectContaining({ functionType: "lambda", hasBytecode: true })]);
    const named = await inspectModel(join(modelsDir, "keras3", "lambda_named_function.h5"));
    expect(named.lambdas).toEqual([expect.objectContaining({ functionType: "function", functionName: "double_it", hasBytecode: false })]);
    expect(named.layers?.children.find((c) => c.lambda)?.className).toBe("Lambda");
  });

  it("reads compile facts from training_config and compile_config alike", async () => {
    const h5 = await inspectModel(join(modelsDir, "keras3", "custom_metric.h5"));
    const zip = await inspectModel(join(modelsDir, "keras3", "custom_metric.keras"));
    for (const facts of [h5, zip]) {
      expect(facts.metrics).toEqual(["mean_abs_gap"]);
      expect(facts.customObjects.map((o) => [o.kind, o.key])).toEqual([["metric", "mean_abs_gap"]]);
    }
  });
});

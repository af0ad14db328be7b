// custom-layer-missing: the key the file stores reaches custom_objects unchanged; --auto never imports code it
// found on its own, only the file named with --custom-objects; the wizard's "Use <module>" verifies with it.
import { describe, expect, it } from "vitest";
import { walkAutomatically } from "../../src/engine/auto-walk.js";
import { contentToPlain } from "../../src/core/content.js";
import type { ActionRequest, CustomObjectRef } from "../../src/core/types.js";
import { facts } from "../catalogue/facts.js";
import { baseFor, causeOf, failed, ok, plainWalk, scriptedRunner, walkWith } from "../catalogue/walk.js";

const cause = causeOf("custom-layer-missing");
const gate: CustomObjectRef = { kind: "layer", className: "Gate", registeredName: "FixturePkg>Gate", module: "fixture_registered", key: "FixturePkg>Gate", config: {}, where: ["gate"] };
const R1 =
  "TypeError: Could not locate class 'Gate'. Make sure custom classes and functions are decorated with `@keras.saving.register_keras_serializable()`. Full object config: {'module': 'fixture_registered', 'class_name': 'Gate', 'config': {'name': 'gate', 'trainable': True}, 'registered_name': 'FixturePkg>Gate', 'build_config': {'input_shape': [None, 4]}}";
const modelFacts = facts({ file: { path: "/m/gate.keras", format: "keras-zip", customObjects: [gate], customClasses: ["Gate"] } });
const found = { matches: [{ name: "Gate", file: "/m/layers.py", line: 9, kind: "class", registeredKey: "FixturePkg>Gate" }] };

describe("custom-layer-missing", () => {
  it("names the class and the registered key the file stores, from R1's full config", () => {
    const base = baseFor(facts(), R1);
    expect(base.diagnosis).toMatchObject({ cause: "custom-layer-missing", culprit: "Gate (stored as FixturePkg>Gate)" });
  });

  it("says what is missing without a name when only R8's first line around a model was pasted", () => {
    const line = "TypeError: <class 'keras.src.models.sequential.Sequential'> could not be deserialized properly. Please ensure that components that are Python object instances (layers, models, etc.) returned by `get_config()` are explicitly deserialized in the model's `from_config()` method.";
    const base = baseFor(facts(), line);
    expect(base.diagnosis).toMatchObject({ cause: "custom-layer-missing", culprit: "a layer inside the Sequential model" });
    const summary = contentToPlain(cause.summary({ ...base, results: {}, inputs: {} }));
    expect(summary).toContain("a layer inside the Sequential model");
    expect(summary).not.toContain("``");
  });

  it("--auto looks for the code but does not import what it found: it stops with the exact command", async () => {
    const runner = scriptedRunner([
      { expect: (r) => r.kind === "find-sources" && r.names.includes("Gate"), result: ok(found) },
      { expect: (r) => r.kind === "find-sources" && r.names.length === 0, result: failed },
    ]);
    const walk = await walkAutomatically(cause, baseFor(modelFacts, R1), {}, runner.run);
    expect(walk.outcome).toBe("not-fixed");
    expect(runner.seen.some((r: ActionRequest) => r.kind === "verify-load")).toBe(false);
    expect(plainWalk(walk)).toContain('--auto --custom-objects "/m/layers.py"');
  });

  it("--auto with --custom-objects verifies with that file under the stored key, and shows the loader without writing it", async () => {
    const fix = { customObjectsModule: "/work/my_layers.py", customObjects: { "FixturePkg>Gate": "Gate" } };
    const runner = scriptedRunner([
      { expect: (r) => r.kind === "find-sources", result: failed },
      { expect: (r) => r.kind === "verify-load" && JSON.stringify(r.fix) === JSON.stringify(fix), result: ok({ fix }) },
    ]);
    const walk = await walkAutomatically(cause, baseFor(modelFacts, R1), { customObjectsModule: "/work/my_layers.py" }, runner.run);
    expect(walk.outcome).toBe("fixed");
    expect(runner.seen.some((r) => r.kind === "write-loader")).toBe(false);
    const preview = plainWalk(walk);
    expect(preview).toContain("The loader script (not written)");
    expect(preview).toContain("--write-loaders");
    expect(preview).toContain('CUSTOM_OBJECTS_FILE = "/work/my_layers.py"');
    expect(preview).toContain('"FixturePkg>Gate": custom.Gate,');
  });

  it("--auto --write-loaders writes the loader under the stored key, and the end says how to run it", async () => {
    const fix = { customObjectsModule: "/work/my_layers.py", customObjects: { "FixturePkg>Gate": "Gate" } };
    const runner = scriptedRunner([
      { expect: (r) => r.kind === "find-sources", result: failed },
      { expect: (r) => r.kind === "verify-load" && JSON.stringify(r.fix) === JSON.stringify(fix), result: ok({ fix }) },
      { expect: (r) => r.kind === "write-loader" && r.fix.customObjectsModule === fix.customObjectsModule, result: ok({ path: "/cwd/load_gate.py" }) },
    ]);
    const inputs = { customObjectsModule: "/work/my_layers.py", writeLoaders: "yes" };
    const walk = await walkAutomatically(cause, baseFor(modelFacts, R1), inputs, runner.run);
    expect(walk.outcome).toBe("fixed");
    expect(plainWalk(walk)).toContain("python /cwd/load_gate.py");
  });

  it("in the wizard, choosing the found module verifies with it; a new error escalates", () => {
    const walk = walkWith(cause, baseFor(modelFacts, R1), { choose: "use-found" }, { find: ok(found), "verify-found": failed });
    expect(walk.requests[1]).toEqual({ kind: "verify-load", fix: { customObjectsModule: "/m/layers.py", customObjects: { "FixturePkg>Gate": "Gate" } } });
    expect(walk.state.outcome).toBe("escalate");
  });

  it("leaves Keras-2-only built-ins, tensorflow_hub and R12 layer names to other causes", () => {
    for (const text of [
      "ValueError: Unknown layer: 'TFOpLambda'. Please ensure you are using a `keras.utils.custom_object_scope` and that this object is included in the scope.",
      "ValueError: Unknown layer: Functional",
      "ValueError: Unknown layer: KerasLayer",
      "ValueError: Unknown layer: dense_7",
    ]) {
      expect(baseFor(facts(), text).diagnosis.cause).not.toBe("custom-layer-missing");
    }
  });
});

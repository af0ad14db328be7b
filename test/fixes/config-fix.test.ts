// The change shown for each custom-object-config error shape names the class, the offending argument and the
// arguments the file stores; the shapes are read from the captures of real fixtures.
import { describe, expect, it } from "vitest";
import { argumentNames, configChange, configProblemFrom } from "../../src/core/fixes/config-fix.js";
import type { CustomObjectRef } from "../../src/core/types.js";

const ref = (className: string, config: Record<string, unknown>): CustomObjectRef => ({
  kind: "layer",
  className,
  registeredName: null,
  module: "fixture_bad_config",
  key: className,
  config,
  where: [],
});

describe("configProblemFrom + configChange", () => {
  it("adds **kwargs when the base keys (name) reach an __init__ without them", () => {
    const problem = configProblemFrom({ className: "NoKwargsLayer", keyword: "name" })!;
    expect(problem.shape).toBe("no-kwargs");
    const change = configChange(problem, ref("NoKwargsLayer", { name: "n", trainable: true, dtype: "float32", units: 2 }));
    expect(change.code).toContain("+    def __init__(self, units, **kwargs):");
    expect(change.code).toContain("+        super().__init__(**kwargs)");
  });

  it("adds the missing arguments to get_config and says the file lacks their value", () => {
    const problem = configProblemFrom({ className: "IncompleteConfigLayer", missing: "'factor'" })!;
    const change = configChange(problem, ref("IncompleteConfigLayer", { name: "n", units: 2 }));
    expect(change.title).toBe("Add factor to IncompleteConfigLayer.get_config()");
    expect(change.code).toContain('config.update({"units": self.units, "factor": self.factor})');
    expect(change.why).toMatch(/default equal to the value the model was trained with/);
  });

  it("deserializes the nested layer the stored config holds in from_config", () => {
    const problem = configProblemFrom({ attribute: "build", className: "HolderLayer" })!;
    const change = configChange(problem, ref("HolderLayer", { name: "h", inner: { module: "keras.layers", class_name: "Dense", config: {} } }));
    expect(change.code).toContain('config["inner"] = keras.saving.deserialize_keras_object(config["inner"])');
  });

  it("keeps a class' own keywords out of the base Layer, and tells a non-base unexpected keyword apart", () => {
    const unrecognized = configChange(configProblemFrom({ className: "Block", kwargs: "{'heads': 4}" })!, ref("Block", { heads: 4 }));
    expect(unrecognized.code).toContain("def __init__(self, heads=4, **kwargs):");
    expect(configProblemFrom({ className: "Block", keyword: "heads" })!.shape).toBe("unknown-argument");
  });

  it("reads Python's lists of missing argument names", () => {
    expect(argumentNames("'a' and 'b'")).toEqual(["a", "b"]);
    expect(argumentNames("'a', 'b', and 'c'")).toEqual(["a", "b", "c"]);
  });
});

// custom-object-config: the inner error of R9/R8 wrappers decides the change; built-in classes with foreign
// keywords are version problems; with --custom-objects the walk verifies the changed class.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { walkAutomatically } from "../../src/engine/auto-walk.js";
import { facts } from "../catalogue/facts.js";
import { autoWalk, baseFor, causeOf, ok, plainWalk, scriptedRunner } from "../catalogue/walk.js";
import { fixturesDir } from "../helpers/envs.js";

const cause = causeOf("custom-object-config");
const fixture = (name: string) => readFileSync(join(fixturesDir, "tracebacks", "custom-object-config", name), "utf8");
const noKwargsFacts = facts({
  file: { customObjects: [{ kind: "layer", className: "NoKwargsLayer", registeredName: null, module: "fixture_bad_config", key: "NoKwargsLayer", config: { name: "n", trainable: true, dtype: "float32", units: 2 }, where: [] }] },
});

describe("custom-object-config", () => {
  it("shows the **kwargs change for the real Keras 3 no-kwargs traceback", async () => {
    const base = baseFor(noKwargsFacts, fixture("keras-3.15.1--no-kwargs-keras.txt"));
    expect(base.diagnosis).toMatchObject({ cause: "custom-object-config", culprit: "NoKwargsLayer.__init__ rejects 'name'" });
    const walk = await autoWalk(cause, base);
    expect(walk.outcome).toBe("not-fixed");
    expect(plainWalk(walk)).toContain("+    def __init__(self, units, **kwargs):");
  });

  it("verifies the changed class when the user names the file", async () => {
    const base = baseFor(noKwargsFacts, fixture("tf-keras-2.15.1--no-kwargs-h5.txt"));
    const fix = { customObjectsModule: "/src/fixed.py", customObjects: { NoKwargsLayer: "NoKwargsLayer" } };
    const runner = scriptedRunner([{ expect: (r) => r.kind === "verify-load" && JSON.stringify(r.fix) === JSON.stringify(fix), result: ok({ fix }) },
      { expect: (r) => r.kind === "write-loader" && JSON.stringify(r.fix) === JSON.stringify(fix), result: ok({ path: "/cwd/load_m.py" }) },
    ]);
    const inputs = { customObjectsModule: "/src/fixed.py", writeLoaders: "yes" };
    const state = await walkAutomatically({ ...cause, steps: cause.steps.map((s) => (s.kind === "choice" && s.id === "choose" ? { ...s, auto: "retry" } : s)) }, base, inputs, runner.run);
    expect(state.outcome).toBe("fixed");
    expect(runner.seen.map((r) => r.kind)).toEqual(["verify-load", "write-loader"]);
  });

  it("does not claim built-in layers with unknown keywords (a Keras version problem)", () => {
    const text = "ValueError: Unrecognized keyword arguments passed to DepthwiseConv2D: {'groups': 1}";
    expect(baseFor(facts(), text).diagnosis.cause).not.toBe("custom-object-config");
    expect(baseFor(facts(), "ValueError: Unrecognized keyword arguments passed to AttentionBlock: {'heads': 4}").diagnosis).toMatchObject({
      cause: "custom-object-config",
      culprit: "AttentionBlock passes heads to Layer",
    });
  });
});

describe("custom-object-config: a Functional subclass rebuilt without its graph (issue 22)", () => {
  it("claims Functional.__init__ missing inputs and outputs, which Python names for a subclass that inherits it", () => {
    // Python 3.10+ wording for a Functional subclass (a task model of a model library) whose from_config called
    // cls(**config) on a config without the graph.
    const text = [
      "Traceback (most recent call last):",
      '  File "/venv/lib/python3.11/site-packages/keras/src/saving/legacy/serialization.py", line 470, in deserialize_keras_object',
      "    deserialized_obj = cls.from_config(cls_config)",
      '  File "/venv/lib/python3.11/site-packages/keras/src/engine/training.py", line 3112, in from_config',
      "    return cls(**config)",
      "TypeError: Functional.__init__() missing 2 required positional arguments: 'inputs' and 'outputs'",
    ].join("\n");
    expect(baseFor(facts(), text).diagnosis).toMatchObject({
      cause: "custom-object-config",
      culprit: "a Functional subclass whose config lacks inputs, outputs",
    });
    // Any other built-in's missing argument stays a version matter (vetoed here).
    const dense = text.replace("Functional.__init__() missing 2 required positional arguments: 'inputs' and 'outputs'", "Dense.__init__() missing 1 required positional argument: 'units'");
    expect(baseFor(facts(), dense).diagnosis.cause).not.toBe("custom-object-config");
  });
});

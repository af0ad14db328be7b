// keras-tfkeras-mixing: where the boundary with keras2-file-in-keras3 lies (who wrote the file), the in-program
// signals, and TF_USE_LEGACY_KERAS without tf_keras.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { kerasTfkerasMixing } from "../../flows/keras-tfkeras-mixing/cause.js";
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
const keras3Env = { loader: "keras3" as const, packages: { keras: "3.15.1", tensorflow: "2.21.0", tf_keras: "2.21.0" } };

describe("keras-tfkeras-mixing", () => {
  it("claims a tf_keras-written file read by Keras 3 and walks to a verified tf_keras load", async () => {
    const given = await factsFor({ model: "fixtures/models/keras3-extra/tf_keras_functional.keras", env: keras3Env });
    const diagnosis = classify(chainOf("keras-tfkeras-mixing/keras-3.15.1--tf-keras-functional-keras.txt"), given, causes);
    expect(diagnosis).toMatchObject({ cause: "keras-tfkeras-mixing", culprit: "tf_keras.src.engine.functional.Functional" });
    const requests: ActionRequest[] = [];
    const walk = await walkAutomatically(kerasTfkerasMixing, { ...given, diagnosis, modelPath: "m.keras" }, {}, async (request) => {
      requests.push(request);
      return { ok: true, summary: paragraphs("loads"), data: { fix: request.kind === "verify-load" ? request.fix : undefined } };
    });
    // No loader written unless asked (--write-loaders): the walk shows the one it would write, through tf_keras.
    expect(requests).toEqual([{ kind: "verify-load", fix: { legacyKeras: true } }]);
    expect(walk.outcome).toBe("fixed");
    expect(walk.steps.map((s) => contentToPlain(s.content)).join("\n")).toContain("import tf_keras as keras");
  });

  it("detects a tf_keras file from the facts alone (keras_version after 2.15)", () => {
    const found = kerasTfkerasMixing.detect!(facts({ file: { kerasVersion: "2.21.0", kerasLine: "tf-keras2" }, env: keras3Env }));
    expect(found?.evidence.join(" ")).toContain("only tf_keras writes Keras 2 versions after 2.15");
    expect(kerasTfkerasMixing.detect!(facts({ file: { kerasVersion: "2.15.0", kerasLine: "tf-keras2" }, env: keras3Env }))).toBeNull();
  });

  it("leaves TFOpLambda from a TF 2.15 file to keras2-file-in-keras3", async () => {
    const given = await factsFor({ model: "fixtures/models/keras2/tfoplambda.h5", env: keras3Env });
    expect(classify(chainOf("keras2-file-in-keras3/keras-3.15.1--tfoplambda-h5.txt"), given, causes).cause).toBe("keras2-file-in-keras3");
  });

  it("reads 'Keras cannot be imported' as TF_USE_LEGACY_KERAS without tf_keras only when Keras itself is installed", () => {
    const chain = chainOf("keras-tfkeras-mixing/tf-2.21--legacy-keras-without-tf-keras.txt");
    const withKeras = classify(chain, facts({ env: { loader: "keras3", packages: { keras: "3.15.1", tensorflow: "2.21.0", tf_keras: null } } }), causes);
    expect(withKeras.cause).toBe("keras-tfkeras-mixing");
    const noKeras = classify(chain, facts({ env: { loader: null, packages: { keras: null, tensorflow: "2.21.0", tf_keras: null } } }), causes);
    expect(noKeras.cause).not.toBe("keras-tfkeras-mixing");
  });

  it("names the foreign class in Sequential.add errors of both libraries", () => {
    expect(classify(chainOf("keras-tfkeras-mixing/keras-3.15.1--sequential-add-tf-keras-layer.txt"), facts(), causes).culprit).toBe(
      "tf_keras.src.layers.core.dense.Dense",
    );
    expect(classify(chainOf("keras-tfkeras-mixing/tf-keras-2.21--sequential-add-keras3-layer.txt"), facts(), causes).culprit).toBe(
      "keras.src.layers.core.dense.Dense",
    );
  });
  it("`Unknown layer: Functional`: a mix-up among the top three with no facts, first with standalone keras beside TF >= 2.3", () => {
    const bare = parseTraceback("ValueError: Unknown layer: Functional");
    const alone = classify(bare, facts(), causes);
    expect([alone.cause, ...alone.alternatives.map((a) => a.cause)].slice(0, 3)).toContain("keras-tfkeras-mixing");
    const standalone = (tensorflow: string) => facts({ env: { loader: "keras2", packages: { keras: "2.3.1", tensorflow } } });
    expect(classify(bare, standalone("2.4.0"), causes)).toMatchObject({ cause: "keras-tfkeras-mixing", culprit: "standalone keras reading tf.keras' Functional" });
    // TF 2.1's own tf.keras cannot read Functional either: there the file is simply newer than both.
    const old = classify(bare, standalone("2.1.0"), causes);
    expect(old.cause).not.toBe("keras-tfkeras-mixing");
    expect(old.alternatives.map((a) => a.cause)).not.toContain("keras-tfkeras-mixing");
  });
});

describe("keras-tfkeras-mixing: a tf.keras library on Keras 3 (issue 22)", () => {
  const frames = (keras: string[]) =>
    [
      "Traceback (most recent call last):",
      '  File "run.py", line 4, in <module>',
      '    model = TFBertModel.from_pretrained("bert-base-uncased")',
      '  File "/usr/lib/python3.11/site-packages/transformers/modeling_tf_utils.py", line 2900, in from_pretrained',
      "    model.build()",
      ...keras,
      '  File "/usr/lib/python3.11/site-packages/transformers/modeling_tf_utils.py", line 1130, in build',
      "    if self.built or call_context().in_call:",
      "TypeError: 'NoneType' object is not callable",
    ].join("\n");

  it("claims a traceback with the library's frames and Keras 3's own, and names the library", () => {
    const keras3 = ['  File "/usr/lib/python3.11/site-packages/keras/src/layers/layer.py", line 223, in build_wrapper', "    original_build_method(*args, **kwargs)"];
    expect(classify(parseTraceback(frames(keras3)), facts(), causes)).toMatchObject({ cause: "keras-tfkeras-mixing", culprit: "transformers on Keras 3" });
  });

  it("leaves the same library on Keras 2 (keras/src/engine, TF 2.13-2.15) alone", () => {
    const keras2 = ['  File "/usr/lib/python3.11/site-packages/keras/src/engine/base_layer.py", line 1100, in __call__', "    outputs = call_fn(inputs, *args, **kwargs)"];
    expect(classify(parseTraceback(frames(keras2)), facts(), causes).cause).not.toBe("keras-tfkeras-mixing");
  });

  it("names the Keras 2 API that TensorFlow 2.16+ no longer has", () => {
    expect(classify(parseTraceback("ModuleNotFoundError: No module named 'tensorflow.compat.v1.keras'"), facts(), causes).culprit).toBe(
      "tensorflow.compat.v1.keras (a Keras 2 API) while tf.keras is Keras 3",
    );
  });
});

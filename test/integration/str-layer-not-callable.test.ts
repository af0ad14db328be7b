// Keras 2.13-2.15 reading a functional `.keras` whose custom layer it cannot resolve keeps the class name in place of
// the layer and calls it: `TypeError: 'str' object is not callable` in functional.process_node, naming nothing. The
// file names the layer: keras-fix reads it as the missing custom layer, in a real load and from the pasted text.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { facts } from "../catalogue/facts.js";
import { jsonOf, runCli } from "../helpers/cli.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";

describe("a str called in process_node (Keras 2.15, functional .keras without the layer's code)", () => {
  it("the real load names the file's custom layer as the missing one", () => {
    const model = join(modelsDir, "matrix-two", "keras2", "custom_layer_and_tf_op.keras");
    const doc = jsonOf(runCli([model, "--json", "--python", pythonFor("keras2")]));
    expect(doc.load.ok).toBe(false);
    expect(doc.diagnosis.cause).toBe("custom-layer-missing");
    expect(doc.diagnosis.culprit).toContain("TwoScale");
  }, 180_000);

  it("the pasted traceback alone reads as a custom layer left unresolved; the same error elsewhere does not", () => {
    const frames = (file: string, fn: string) => [
      "Traceback (most recent call last):",
      '  File "serve.py", line 5, in <module>',
      '    net = tf.keras.models.load_model("net.keras")',
      '  File "/srv/env/lib/python3.10/site-packages/keras/src/saving/serialization_lib.py", line 728, in deserialize_keras_object',
      "    instance = cls.from_config(inner_config)",
      `  File "/srv/env/lib/python3.10/site-packages/keras/src/engine/${file}", line 1445, in ${fn}`,
      "    output_tensors = layer(input_tensors, **kwargs)",
      "TypeError: 'str' object is not callable",
    ].join("\n");
    expect(classify(parseTraceback(frames("functional.py", "process_node")), facts(), causes).cause).toBe("custom-layer-missing");
    const userCode = ["Traceback (most recent call last):", '  File "train.py", line 9, in <module>', "    name()", "TypeError: 'str' object is not callable"].join("\n");
    expect(classify(parseTraceback(userCode), facts(), causes).cause).not.toBe("custom-layer-missing");
  });
});

// savedmodel-in-keras3: real Keras 3 refuses a real Keras 2 SavedModel, the classifier names this cause, and the
// --auto walk proves the TFSMLayer route by really loading the folder through the probe.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasKerasMetadata } from "../../flows/savedmodel-in-keras3/cause.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { autoWalk, baseFor, causeOf, ok, plainWalk, walkWith, failed } from "../catalogue/walk.js";
import { facts } from "../catalogue/facts.js";

const cause = causeOf("savedmodel-in-keras3");

describe("savedmodel-in-keras3", () => {
  it("loads a real Keras 2 SavedModel in Keras 3 through TFSMLayer on the --auto path", async () => {
    const folder = join(modelsDir, "keras2", "savedmodel_keras");
    const session = createDiagnoseSession({ modelPath: folder, python: pythonFor("keras3"), timeoutSeconds: 300, outputDir: mkdtempSync(join(tmpdir(), "keras-fix-tfsm-")) });
    try {
      const result = await session.diagnose(() => {});
      expect(result.diagnosis?.cause).toBe("savedmodel-in-keras3");
      const walk = await autoWalk(
        cause,
        { file: result.file, env: result.env, load: result.load, diagnosis: result.diagnosis!, modelPath: folder },
        (request) => session.runAction(request),
      );
      expect(walk.steps.map((s) => s.id)).toEqual(["explain", "route", "try-tfsm", "keep-tfsm", "keep-tfsm-loader-preview", "keep-tfsm-more", "tfsm-works"]);
      expect(walk.outcome).toBe("fixed");
      expect(plainWalk(walk)).toContain('call_endpoint="serving_default"');
    } finally {
      await session.close();
    }
  });

  it("falls back to the 'serve' endpoint, then to code, and offers tf_keras only with Keras metadata", () => {
    const withMetadata = baseFor(
      facts({ file: { format: "savedmodel", path: "export", kerasVersion: "2.15.0" }, env: { loader: "keras3", backend: "tensorflow", packages: { tensorflow: "2.21.0", tf_keras: "2.21.0" } } }),
      "ValueError: File format not supported: filepath=export. Keras 3 only supports V3 `.keras` files, legacy H5 format files (`.h5` extension). ... use `keras.layers.TFSMLayer(export, call_endpoint='serving_default')`",
    );
    expect(withMetadata.diagnosis.cause).toBe("savedmodel-in-keras3");
    const serve = walkWith(cause, withMetadata, { "keep-tfsm": "done" }, { "try-tfsm": failed, "try-serve": ok() });
    expect(serve.requests.map((r) => r.kind === "verify-load" && r.fix.tfsmLayer?.callEndpoint)).toEqual(["serving_default", "serve"]);
    expect(serve.text).toContain('call_endpoint="serve"');
    const legacy = walkWith(cause, withMetadata, { route: "legacy" }, { "try-legacy": failed });
    expect(legacy.requests).toEqual([{ kind: "verify-load", fix: { legacyKeras: true } }]);
    expect(legacy.text).toContain('pip install "tf_keras==2.21.*"');

    const plain = baseFor(facts({ file: { format: "savedmodel", path: "export", kerasVersion: null, topClass: null } }), null);
    expect(hasKerasMetadata(plain)).toBe(false);
    const route = cause.steps.find((s) => s.id === "route");
    expect(route?.kind === "choice" && route.options.find((o) => o.id === "legacy")?.when?.({ ...plain, results: {}, inputs: {} })).toBe(false);
  });

  it("offers each route only where it can work: tf_keras where tf_keras and TensorFlow are installed, TFSMLayer on the TensorFlow backend", () => {
    const route = cause.steps.find((s) => s.id === "route");
    if (route?.kind !== "choice") throw new Error("no route choice");
    const offered = (env: Record<string, unknown>) => {
      const base = baseFor(facts({ file: { format: "savedmodel", path: "export", kerasVersion: "2.15.0" }, env }), null);
      const ctx = { ...base, results: {}, inputs: {} };
      return route.options.filter((o) => !o.when || o.when(ctx)).map((o) => o.id);
    };
    expect(offered({ loader: "keras3", backend: "tensorflow", packages: { tensorflow: "2.21.0", tf_keras: "2.21.0" } })).toEqual(["tfsm", "legacy", "show"]);
    expect(offered({ loader: "keras3", backend: "tensorflow", packages: { tensorflow: "2.21.0" } })).toEqual(["tfsm", "show"]);
    expect(offered({ loader: "keras3", backend: "jax", packages: { jax: "0.4.31" } })).toEqual(["show"]);
  });

  it("leaves 'File format not supported' for a non-SavedModel file to not-a-model-file", () => {
    const text = "ValueError: File format not supported: filepath=model.onnx. Keras 3 only supports V3 `.keras` files ... TFSMLayer(model.onnx, call_endpoint='serving_default')";
    expect(baseFor(facts({ file: { format: "not-a-model", path: "model.onnx" } }), text).diagnosis.cause).toBe("not-a-model-file");
    expect(baseFor(facts(), text).diagnosis.cause).toBe("not-a-model-file");
  });
});

describe("savedmodel-in-keras3: a TFSMLayer that cannot be called (issue 22)", () => {
  it("claims Keras 3's call wrapper around TFSMLayer and names the folder typed at the REPL", () => {
    // The REPL prints no source line for <stdin>: the command typed at >>> is the line that failed.
    const text = [
      ">>> layer = keras.layers.TFSMLayer('exported/two_inputs', call_endpoint='serving_default')",
      ">>> layer([a, b])",
      "Traceback (most recent call last):",
      '  File "<stdin>", line 1, in <module>',
      '  File "/venv/lib/python3.11/site-packages/keras/src/utils/traceback_utils.py", line 122, in error_handler',
      "    raise e.with_traceback(filtered_tb) from None",
      '  File "/venv/lib/python3.11/site-packages/tensorflow/python/eager/polymorphic_function/function_type_utils.py", line 442, in bind_function_inputs',
      "    raise TypeError(",
      "TypeError: Exception encountered when calling TFSMLayer.call().",
      "",
      "Binding inputs to tf.function failed due to `too many positional arguments`. Received args: ([<tf.Tensor: shape=(1, 4), dtype=float32>, <tf.Tensor: shape=(1, 2), dtype=float32>],) and kwargs: {} for signature: (*, a: TensorSpec(shape=(None, 4), dtype=tf.float32, name='a'), b: TensorSpec(shape=(None, 2), dtype=tf.float32, name='b')).",
      "",
      "Arguments received by TFSMLayer.call():",
      "  • inputs=['tf.Tensor(shape=(1, 4), dtype=float32)', 'tf.Tensor(shape=(1, 2), dtype=float32)']",
      "  • training=False",
    ].join("\n");
    expect(baseFor(facts(), text).diagnosis).toMatchObject({ cause: "savedmodel-in-keras3" });
    // The last command typed is the <stdin> frame's line; the TFSMLayer path is on the command before it.
    const oneLine = text.replace(">>> layer = keras.layers.TFSMLayer('exported/two_inputs', call_endpoint='serving_default')\n>>> layer([a, b])", ">>> keras.layers.TFSMLayer('exported/two_inputs', call_endpoint='serving_default')([a, b])");
    expect(baseFor(facts(), oneLine).diagnosis).toMatchObject({ cause: "savedmodel-in-keras3", culprit: "exported/two_inputs" });
  });

  it("names the folder a sentence names when the error gives no path", () => {
    const text = 'Running the predict script on the model I get "Expected a model.weights.h5 or model.weights.npz file." and there is no .h5 in the pet_ct_v2 folder.';
    expect(baseFor(facts(), text).diagnosis).toMatchObject({ cause: "savedmodel-in-keras3", culprit: "pet_ct_v2" });
  });
});

// env-package-conflict: names the pair from the installed versions and gives the one pin that restores it; the
// captured NumPy-2 and protobuf-4 import failures (fixtures) classify here; pip runs only with consent.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compiledModule, pinFor } from "../../flows/env-package-conflict/pins.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { fixturesDir } from "../helpers/envs.js";
import { baseFor, causeOf, ok, walkWith } from "../catalogue/walk.js";
import { facts } from "../catalogue/facts.js";

const cause = causeOf("env-package-conflict");
const fixture = (name: string) => readFileSync(join(fixturesDir, "tracebacks", "env-package-conflict", name), "utf8");

describe("env-package-conflict", () => {
  it("turns the captured NumPy 2 failure into the numpy<2 pin, and installs it only with consent", () => {
    const base = baseFor(
      facts({ env: { python: { path: "/venv/bin/python", version: "3.11.7", source: "virtualenv" }, packages: { numpy: "2.1.3", tensorflow: "2.15.1" } } }),
      fixture("tf-keras-2.15.0--numpy2-abi.txt"),
    );
    expect(base.diagnosis).toMatchObject({ cause: "env-package-conflict", culprit: "numpy 2.1.3 / tensorflow 2.15.1" });
    const shown = walkWith(cause, base, {});
    expect(shown.state.outcome).toBe("not-fixed");
    expect(shown.text).toContain('/venv/bin/python -m pip install "numpy<2"');
    expect(shown.requests).toEqual([]);
    const installed = walkWith(cause, base, { route: "install" }, { install: ok() });
    expect(installed.requests).toEqual([{ kind: "run-command", argv: ["/venv/bin/python", "-m", "pip", "install", "numpy<2"] }]);
    const route = cause.steps.find((s) => s.id === "route");
    expect(route?.kind === "choice" && route.options.find((o) => o.id === "install")?.needsConsent).toBeTruthy();
  });

  it("pins protobuf for the captured TF 2.1 + protobuf 4 failure", () => {
    const base = baseFor(facts({ env: { packages: { protobuf: "4.21.12", tensorflow: "2.1.4" } } }), fixture("tf-keras-2.2.4-tf--protobuf4.txt"));
    expect(base.diagnosis.cause).toBe("env-package-conflict");
    expect(walkWith(cause, base, {}).text).toContain("protobuf==3.20.3");
  });

  it("gives the pin for each pair", () => {
    expect(pinFor("keras-tf-mismatch", { keras: "3.3.3", tensorflow: "2.15.1" }).install).toEqual(["keras==2.15.*"]);
    expect(pinFor("keras-tf-mismatch", { keras: "2.13.1", tensorflow: "2.12.0" }).install).toEqual(["keras==2.12.*"]);
    expect(pinFor("numpy-abi", { numpy: "2.0.0", tensorflow: "2.19.0", h5py: "3.9.0" }, parseTraceback(
      'Traceback (most recent call last):\n  File "/v/lib/python3.11/site-packages/h5py/__init__.py", line 25, in <module>\n    from . import _errors\nImportError: numpy.core.multiarray failed to import',
    )).install).toEqual(["--upgrade", "h5py"]);
    expect(pinFor("protobuf-too-new", { protobuf: "5.27.0" }).alternative).toMatch(/PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python/);
    expect(compiledModule(null)).toBeNull();
  });

  it("is detected from the probe's import error alone", () => {
    const base = baseFor(
      facts({ env: { packages: { numpy: "2.0.2", tensorflow: "2.15.1" }, importError: [{ type: "ImportError", message: "numpy.core._multiarray_umath failed to import", frames: [] }] } }),
      null,
    );
    expect(base.diagnosis).toMatchObject({ cause: "env-package-conflict", culprit: "numpy 2.0.2 / tensorflow 2.15.1" });
  });

  it("does not blame the environment for a TF attribute error raised in the user's own code", () => {
    const text =
      'Traceback (most recent call last):\n  File "/home/u/train.py", line 4, in <module>\n    tf.Session()\nAttributeError: module \'tensorflow\' has no attribute \'Session\'';
    expect(baseFor(facts(), text).diagnosis.cause).not.toBe("env-package-conflict");
  });
});

describe("env-package-conflict culprit from a paste alone (issue 22)", () => {
  const culpritOf = (text: string) => {
    const { diagnosis } = baseFor(facts(), text);
    expect(diagnosis.cause).toBe("env-package-conflict");
    return diagnosis.culprit;
  };

  it("names the installed package whose import of a Keras module failed", () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "train.py", line 2, in <module>',
      "    import segmentation_kit",
      '  File "/opt/conda/lib/python3.10/site-packages/segmentation_kit/blocks.py", line 4, in <module>',
      "    from keras.src.legacy.backend import int_shape",
      "ModuleNotFoundError: No module named 'keras.src.legacy'",
    ].join("\n");
    expect(culpritOf(text)).toBe("segmentation_kit (written for another Keras than the installed one) / keras");
  });

  it("names the Keras release whose own guard speaks (keras 2.4's __init__, mined)", () => {
    expect(culpritOf("ImportError: Keras requires TensorFlow 2.2 or higher. Install TensorFlow via `pip install tensorflow`")).toBe(
      "keras 2.4 (needs TensorFlow 2.2 or higher) / an older tensorflow",
    );
  });

  it("names TensorFlow 2 when a TF 1 name is missing from `tensorflow`", () => {
    expect(culpritOf("AttributeError: module 'tensorflow' has no attribute 'placeholder'")).toMatch(/^tensorflow 2\.x \(no TF 1 placeholder\)/);
    // Any name TF 1.15's top level had and TF 2's has not (mined from the installs), not a list of usual suspects.
    expect(culpritOf("AttributeError: module 'tensorflow' has no attribute 'to_int32'")).toMatch(/^tensorflow 2\.x \(no TF 1 to_int32\)/);
    // A name TF 2 still has is no TF 1 leftover.
    expect(baseFor(facts(), "AttributeError: module 'tensorflow' has no attribute 'keras'").diagnosis.culprit ?? "").not.toMatch(/^tensorflow 2\.x/);
  });

  it("names tf_keras when the paste shows it", () => {
    const text = "After `pip install tf_keras`, `import tf_keras` fails:\nAttributeError: module 'tensorflow._api.v2.compat.v2.__internal__' has no attribute 'register_load_context_function'";
    expect(culpritOf(text)).toBe("tf_keras / tensorflow (another release)");
    // Without anything more, the pair stays generic.
    expect(culpritOf("AttributeError: module 'tensorflow._api.v2.compat.v2.__internal__' has no attribute 'register_load_context_function'")).toBe("keras / tensorflow");
  });
});

// Classes of real-world failures met on the way to a model (issue 22): a backend of multi-backend Keras missing,
// older h5py and TensorFlow file-system wordings of a missing file, NumPy / TensorFlow / Keras skews pasted without
// frames, the two Keras libraries' tensors meeting, a pickled pointer or web page. Synthetic pastes written from the
// releases' own wordings (keras/backend/__init__.py, h5py 2.x, numpy/__init__.py, tf.keras engine), text alone.
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { facts } from "../catalogue/facts.js";

const diagnose = (text: string) => classify(parseTraceback(text), facts(), causes);
const ranked = (text: string) => {
  const d = diagnose(text);
  return [d.cause, ...d.alternatives.map((a) => a.cause)];
};

const multiBackend = (backend: string, quote: string) =>
  [
    `Using ${backend === "cntk" ? "CNTK" : "Theano"} backend.`,
    "Traceback (most recent call last):",
    '  File "predict.py", line 2, in <module>',
    "    from keras.models import load_model",
    '  File "/opt/venv/lib/python3.6/site-packages/keras/backend/__init__.py", line 81, in <module>',
    `    from .${backend}_backend import *`,
    `  File "/opt/venv/lib/python3.6/site-packages/keras/backend/${backend}_backend.py", line 4, in <module>`,
    `    import ${backend}`,
    `ImportError: No module named ${quote}${backend}${quote}`,
  ].join("\n");

describe("a backend of multi-backend Keras that is not installed", () => {
  it.each([
    ["theano", "'"],
    ["cntk", ""],
  ])("reads a missing %s under keras/backend/ as the configured backend missing", (backend, quote) => {
    expect(diagnose(multiBackend(backend, quote))).toMatchObject({ cause: "keras-backend-unavailable", culprit: expect.stringContaining(backend) });
  });

  it("reads the bare line of a Keras-only backend the same way", () => {
    expect(diagnose("ModuleNotFoundError: No module named 'theano'").cause).toBe("keras-backend-unavailable");
  });
});

describe("a missing file in older and other wordings", () => {
  it("reads HDF5 1.8's capitalised inner message (h5py 2.x)", () => {
    const line = "IOError: Unable to open file (Unable to open file: name = 'weights/best.hdf5', errno = 2, error message = 'no such file or directory', flags = 0, o_flags = 0)";
    expect(diagnose(line)).toMatchObject({ cause: "file-not-found", culprit: "weights/best.hdf5" });
  });

  it("reads TensorFlow's file system NotFoundError", () => {
    const line = "tensorflow.python.framework.errors_impl.NotFoundError: exported/variables/variables.index; No such file or directory";
    expect(diagnose(line)).toMatchObject({ cause: "file-not-found", culprit: "exported/variables/variables.index" });
  });
});

describe("package skews pasted without their frames", () => {
  it("reads NumPy's run-time alias message (np.object) as an environment conflict", () => {
    const text = [
      "AttributeError: module 'numpy' has no attribute 'object'.",
      "`np.object` was a deprecated alias for the builtin `object`. To avoid this error in existing code, use `object` by itself. Doing this will not modify any behavior and is safe. ",
    ].join("\n");
    expect(diagnose(text)).toMatchObject({ cause: "env-package-conflict", culprit: expect.stringContaining("numpy") });
  });

  it.each([
    "ValueError: numpy.ndarray size changed, may indicate binary incompatibility. Expected 16 from C header, got 96 from PyObject",
    "TypeError: Unable to convert function return value to a Python type! The signature was\n\t() -> handle",
  ])("reads a compiled package built for another NumPy: %s", (text) => {
    expect(diagnose(text)).toMatchObject({ cause: "env-package-conflict", culprit: expect.stringContaining("numpy") });
  });

  it.each([
    "AttributeError: module 'tensorflow.compat.v2.__internal__' has no attribute 'some_new_hook'",
    "AttributeError: module 'tensorflow.python.framework.ops' has no attribute '_SomePrivateName'",
    "AttributeError: module 'keras.utils.generic_utils' has no attribute 'some_helper'",
  ])("reads a private TensorFlow or Keras module missing a name as a Keras / TensorFlow skew: %s", (text) => {
    expect(diagnose(text).cause).toBe("env-package-conflict");
  });

  it("still leaves the user's own np.int with frames of their code alone", () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "/home/me/project/train.py", line 9, in <module>',
      "    labels = labels.astype(np.int)",
      "AttributeError: module 'numpy' has no attribute 'int'.",
    ].join("\n");
    expect(diagnose(text).cause).not.toBe("env-package-conflict");
  });
});

describe("tensors of one Keras library met by the other", () => {
  it.each([
    "AttributeError: 'Tensor' object has no attribute '_keras_history'",
    "AttributeError: 'KerasTensor' object has no attribute '_keras_shape'",
    "ValueError: Layer conv2d_1 was called with an input that isn't a symbolic tensor. Received type: <class 'tensorflow.python.framework.ops.EagerTensor'>. Full input: [<tf.Tensor ...>]",
    "TypeError: Keras symbolic inputs/outputs do not implement `__len__`. You may be trying to pass Keras symbolic inputs/outputs to a TF API that does not register dispatching.",
  ])("reads %s as the two libraries mixed", (text) => {
    expect(diagnose(text).cause).toBe("keras-tfkeras-mixing");
  });
});

describe("a pickled model that is no model", () => {
  it("reads a first byte 'v' as a Git LFS pointer and '<' as a web page", () => {
    expect(diagnose("_pickle.UnpicklingError: invalid load key, 'v'.").cause).toBe("git-lfs-pointer");
    expect(diagnose("_pickle.UnpicklingError: invalid load key, '<'.").cause).toBe("not-a-model-file");
  });
});

describe("h5py's 'file signature not found' with no file at hand", () => {
  it("puts the Git LFS pointer first for the line quoted alone, and a non-HDF5 file first under a whole traceback", () => {
    const bare = "OSError: Unable to open file (file signature not found)";
    expect(ranked(bare).slice(0, 2)).toEqual(["git-lfs-pointer", "not-a-model-file"]);
    const whole = [
      "Traceback (most recent call last):",
      '  File "app.py", line 4, in <module>',
      "    model = load_model('net.h5')",
      '  File "/usr/lib/python3/site-packages/h5py/_hl/files.py", line 173, in make_fid',
      "    fid = h5f.open(name, flags, fapl=fapl)",
      bare,
    ].join("\n");
    expect(ranked(whole)[0]).toBe("not-a-model-file");
    expect(ranked(whole).slice(0, 3)).toContain("git-lfs-pointer");
  });
});

describe("more shapes of real reports", () => {
  it("reads an error quoted after a REPL prompt ('>>> cannot import name ...') before the prose that follows", () => {
    const text = [
      "After installing the package I import its helpers:",
      "```",
      ">>> cannot import name 'some_tf_api' from 'tensorflow.compat.v2.experimental'",
      "```",
      "### Workaround",
      "Pinning an older keras made it go away.",
    ].join("\n");
    expect(diagnose(text).cause).toBe("env-package-conflict");
  });

  it("tells the Keras 3.0 Bidirectional cells bug (unscoped names) from a stale Keras 2 file (scoped names)", () => {
    const cells = (names: string) =>
      [
        "Traceback (most recent call last):",
        '  File "serve.py", line 3, in <module>',
        '    model = keras.saving.load_model("tagger.keras")',
        '  File "/srv/env/lib/python3.11/site-packages/keras/src/saving/saving_lib.py", line 192, in load_model',
        "    _raise_loading_failure(error_msgs)",
        "ValueError: A total of 2 objects could not be loaded. Example error message for object <GRUCell name=gru_cell, built=True>:",
        "",
        `Layer 'gru_cell' expected 3 variables, but received 0 variables during loading. Expected: [${names}]`,
      ].join("\n");
    expect(diagnose(cells("'kernel', 'recurrent_kernel', 'bias'")).cause).toBe("keras-release-bug");
    const stale = "Layer 'gru_cell' expected 3 variables, but received 0 variables during loading. Expected: ['gru/gru_cell/kernel:0', 'gru/gru_cell/recurrent_kernel:0', 'gru/gru_cell/bias:0']";
    expect(diagnose(stale).cause).toBe("saved-variables-mismatch");
  });

  it("reads Keras 3 finding no weights file in a folder as a SavedModel folder handed to Keras 3", () => {
    expect(diagnose("ValueError: Expected a model.weights.h5 or model.weights.npz file.").cause).toBe("savedmodel-in-keras3");
  });

  it("reads a cut R9 around DepthwiseConv2D whose config holds groups as a Keras 2 file in Keras 3", () => {
    const text = "rror when deserializing class 'DepthwiseConv2D' using config={'name': 'dw_1', 'trainable': True, 'kernel_size': [3, 3], 'groups': 1, 'depth_multiplier': 1, 'activation': 'linear'";
    expect(diagnose(text)).toMatchObject({ cause: "keras2-file-in-keras3", culprit: expect.stringContaining("DepthwiseConv2D") });
  });
});

describe("culprits read from the frames when the message names none", () => {
  it("names the file a frame's source line loads when h5py's message does not print it", () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "serve.py", line 7, in <module>',
      "    net = load_model('checkpoints/best_net.h5')",
      '  File "/usr/lib/python3/site-packages/h5py/_hl/files.py", line 173, in make_fid',
      "    fid = h5f.open(name, flags, fapl=fapl)",
      "OSError: Unable to open file (file signature not found)",
    ].join("\n");
    expect(diagnose(text)).toMatchObject({ cause: "not-a-model-file", culprit: "checkpoints/best_net.h5" });
  });

  it("names the code outside Keras and TensorFlow that handed a KerasTensor to TensorFlow", () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "/srv/env/lib/python3.12/site-packages/facekit/builder.py", line 40, in make_backbone',
      "    x = tf.pad(inputs, paddings)",
      '  File "/srv/env/lib/python3.12/site-packages/tensorflow/python/util/traceback_utils.py", line 153, in error_handler',
      "    raise e.with_traceback(filtered_tb) from None",
      '  File "/srv/env/lib/python3.12/site-packages/keras/src/backend/common/keras_tensor.py", line 138, in __tf_tensor__',
      "    raise ValueError(",
      "ValueError: A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a symbolic placeholder for a shape and dtype.",
    ].join("\n");
    expect(diagnose(text)).toMatchObject({ cause: "keras-tfkeras-mixing", culprit: expect.stringContaining("builder.make_backbone") });
  });
});

describe("older and other platforms' words for the same causes", () => {
  it.each([
    "ImportError: No module named keras",
    "ImportError: No module named tensorflow",
  ])("reads Python 2's unquoted %s as the package not installed", (line) => {
    expect(diagnose(line).cause).toBe("keras-not-installed");
  });

  it.each([
    "Process finished with exit code -1073741795 (0xC000001D)",
    "2019-02-03 10:00:00.000000: F tensorflow/core/platform/cpu_feature_guard.cc:37] The TensorFlow library was compiled to use AVX instructions, but these aren't available on your machine.\nAborted (core dumped)",
  ])("reads Windows' illegal-instruction exit and TF 1.x's CPU guard as an unsupported CPU: %s", (text) => {
    expect(diagnose(text).cause).toBe("cpu-instruction-unsupported");
  });

  it("reads a class whose saved module only Keras 3 has as a Keras 3 file in Keras 2", () => {
    const line = "TypeError: Could not locate class 'Functional'. Make sure custom classes are decorated with `@keras.saving.register_keras_serializable()`. Full object config: {'module': 'keras.src.models.functional', 'class_name': 'Functional', 'config': {}}";
    expect(diagnose(line).cause).toBe("keras3-file-in-keras2");
  });

  it("reads a TensorFlow add-on's version guard as an environment conflict", () => {
    expect(diagnose("ImportError: This version of TensorFlow Addons requires TensorFlow version >= 2.13; Detected an installation of version 2.11.0. Please upgrade TensorFlow to proceed.").cause).toBe("env-package-conflict");
  });
});

describe("Windows' and old loaders' wordings", () => {
  it("reads Windows' 'cannot find the path specified' and TensorFlow's Windows file-system error as a missing file", () => {
    expect(diagnose("FileNotFoundError: [WinError 3] The system cannot find the path specified: 'D:\\\\nets\\\\cls'")).toMatchObject({ cause: "file-not-found", culprit: "D:\\\\nets\\\\cls" });
    const tf = "tensorflow.python.framework.errors_impl.NotFoundError: NewRandomAccessFile failed to Create/Open: nets/cls.h5 : The system cannot find the file specified.\r\n; No such file or directory";
    expect(diagnose(tf)).toMatchObject({ cause: "file-not-found", culprit: "nets/cls.h5" });
  });

  it("reads a loader's missing model_config attribute as a weights-only file", () => {
    expect(diagnose(`KeyError: "Can't open attribute (can't locate attribute: 'model_config')"`).cause).toBe("weights-only-file");
    const decode = [
      "Traceback (most recent call last):",
      '  File "run.py", line 4, in <module>',
      "    net = tf.keras.models.load_model('ckpt/weights_only.h5')",
      '  File "/usr/lib/python3/site-packages/tensorflow/python/keras/saving/hdf5_format.py", line 166, in load_model_from_hdf5',
      "    model_config = json.loads(model_config.decode('utf-8'))",
      "AttributeError: 'NoneType' object has no attribute 'decode'",
    ].join("\n");
    expect(diagnose(decode)).toMatchObject({ cause: "weights-only-file", culprit: "ckpt/weights_only.h5" });
  });
});

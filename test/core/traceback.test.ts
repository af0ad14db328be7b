// Proves the traceback reader on the shapes users paste: plain Python (captured from the real envs), chained
// blocks, Jupyter/IPython (old and new), ANSI colour, Windows paths, headless fragments, tuple messages and noise.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTraceback, stripAnsi, unwrapChain, wrapperCaptures } from "../../src/core/classify/traceback.js";
import { fixturesDir } from "../helpers/envs.js";

const fixture = (relative: string) => readFileSync(join(fixturesDir, "tracebacks", relative), "utf8");

describe("parseTraceback on captured Python output", () => {
  it("reads a Keras 3 h5py failure past the TF/absl log lines", () => {
    const chain = parseTraceback(fixture("git-lfs-pointer/keras-3.15.1--lfs-pointer-h5.txt"));
    expect(chain).toHaveLength(1);
    expect(chain[0].type).toBe("OSError");
    expect(chain[0].message).toBe("Unable to synchronously open file (file signature not found)");
    expect(chain[0].frames[0]).toMatchObject({ file: "<string>", line: 1, function: "<module>" });
    const h5f = chain[0].frames.find((frame) => frame.function === "make_fid");
    expect(h5f?.file).toMatch(/h5py\/_hl\/files\.py$/);
    expect(h5f?.code).toBe("fid = h5f.open(name, flags, fapl=fapl)");
    expect(chain[0].frames.at(-1)).toMatchObject({ file: "h5py/h5f.pyx", function: "h5py.h5f.open" });
  });

  it("keeps a chained 'During handling' pair in the order Python printed it", () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "/site-packages/keras/src/ops/operation.py", line 356, in from_config',
      "    return cls(**config)",
      "           ^^^^^^^^^^^^^",
      "ValueError: Unrecognized keyword arguments passed to DepthwiseConv2D: {'groups': 1}",
      "",
      "During handling of the above exception, another exception occurred:",
      "",
      "Traceback (most recent call last):",
      '  File "<stdin>", line 1, in <module>',
      '  File "/site-packages/keras/src/ops/operation.py", line 359, in from_config',
      "    raise TypeError(",
      "TypeError: Error when deserializing class 'DepthwiseConv2D' using config={'name': 'dw', 'groups': 1}.",
      "",
      "Exception encountered: Unrecognized keyword arguments passed to DepthwiseConv2D: {'groups': 1}",
    ].join("\n");
    const chain = parseTraceback(text);
    expect(chain.map((e) => e.type)).toEqual(["ValueError", "TypeError"]);
    expect(chain[0].frames).toHaveLength(1);
    expect(chain[1].frames.map((f) => f.function)).toEqual(["<module>", "from_config"]);
    // The blank line inside the R9 message is part of it.
    expect(chain[1].message.split("\n")).toEqual([
      "Error when deserializing class 'DepthwiseConv2D' using config={'name': 'dw', 'groups': 1}.",
      "",
      "Exception encountered: Unrecognized keyword arguments passed to DepthwiseConv2D: {'groups': 1}",
    ]);
  });

  it("reads 'direct cause' chains and qualified exception types", () => {
    const text = [
      "Traceback (most recent call last):",
      '  File "a.py", line 3, in <module>',
      "    f()",
      "KeyError: 'model_config'",
      "",
      "The above exception was the direct cause of the following exception:",
      "",
      "Traceback (most recent call last):",
      '  File "a.py", line 5, in <module>',
      "tensorflow.python.framework.errors_impl.NotFoundError: Op type not registered 'IO>DecodeJSON'",
    ].join("\n");
    const chain = parseTraceback(text);
    expect(chain.map((e) => e.type)).toEqual(["KeyError", "tensorflow.python.framework.errors_impl.NotFoundError"]);
    expect(chain[1].message).toBe("Op type not registered 'IO>DecodeJSON'");
  });
});

describe("parseTraceback on Jupyter and IPython", () => {
  const ipython8 = [
    "\u001b[0;31m---------------------------------------------------------------------------\u001b[0m",
    "\u001b[0;31mValueError\u001b[0m                                Traceback (most recent call last)",
    "Cell \u001b[0;32mIn[3], line 2\u001b[0m",
    "\u001b[1;32m      1\u001b[0m \u001b[38;5;28;01mimport\u001b[39;00m \u001b[38;5;21;01mkeras\u001b[39;00m",
    "\u001b[0;32m----> 2\u001b[0m model \u001b[38;5;241m=\u001b[39m keras\u001b[38;5;241m.\u001b[39mmodels\u001b[38;5;241m.\u001b[39mload_model(\u001b[38;5;124m\"\u001b[39m\u001b[38;5;124mm.h5\u001b[39m\u001b[38;5;124m\"\u001b[39m)",
    "",
    "File \u001b[0;32m~/venv/lib/python3.11/site-packages/keras/src/saving/saving_api.py:196\u001b[0m, in \u001b[0;36mload_model\u001b[0;34m(filepath, custom_objects, compile, safe_mode)\u001b[0m",
    "\u001b[1;32m    194\u001b[0m     \u001b[38;5;28;01mreturn\u001b[39;00m saving_lib\u001b[38;5;241m.\u001b[39mload_model(",
    "\u001b[0;32m--> 196\u001b[0m     \u001b[38;5;28;01mreturn\u001b[39;00m legacy_h5_format\u001b[38;5;241m.\u001b[39mload_model_from_hdf5(",
    "\u001b[1;32m    197\u001b[0m         filepath, custom_objects\u001b[38;5;241m=\u001b[39mcustom_objects, \u001b[38;5;28mcompile\u001b[39m\u001b[38;5;241m=\u001b[39m\u001b[38;5;28mcompile\u001b[39m",
    "",
    "File \u001b[0;32m~/venv/lib/python3.11/site-packages/keras/src/legacy/saving/serialization.py:486\u001b[0m, in \u001b[0;36mclass_and_config_for_serialized_keras_object\u001b[0;34m(config, module_objects, custom_objects, printable_module_name)\u001b[0m",
    "\u001b[0;32m--> 486\u001b[0m     \u001b[38;5;28;01mraise\u001b[39;00m \u001b[38;5;167;01mValueError\u001b[39;00m(",
    "",
    "\u001b[0;31mValueError\u001b[0m: Unknown layer: 'MyDense'. Please ensure you are using a `keras.utils.custom_object_scope` and that this object is included in the scope. See https://www.tensorflow.org/guide/keras/save_and_serialize#registering_the_custom_object for details.",
  ].join("\n");

  it("reads IPython 8 cells, file frames, arrows and strips the colours", () => {
    const chain = parseTraceback(ipython8);
    expect(chain).toHaveLength(1);
    const [error] = chain;
    expect(error.type).toBe("ValueError");
    expect(error.message).toMatch(/^Unknown layer: 'MyDense'\. Please ensure/);
    expect(error.frames.map((f) => [f.file, f.line, f.function])).toEqual([
      ["Cell In[3]", 2, null],
      ["~/venv/lib/python3.11/site-packages/keras/src/saving/saving_api.py", 196, "load_model"],
      [
        "~/venv/lib/python3.11/site-packages/keras/src/legacy/saving/serialization.py",
        486,
        "class_and_config_for_serialized_keras_object",
      ],
    ]);
    expect(error.frames[0].code).toBe('model = keras.models.load_model("m.h5")');
    expect(error.frames[1].code).toBe("return legacy_h5_format.load_model_from_hdf5(");
  });

  it("reads IPython 7 / Colab frames (path in function, line from the arrow) and chained cells", () => {
    const text = [
      "---------------------------------------------------------------------------",
      "OSError                                   Traceback (most recent call last)",
      "<ipython-input-4-8a2b9c> in <module>()",
      "      1 from keras.models import load_model",
      "----> 2 model = load_model('model.h5')",
      "",
      "/usr/local/lib/python3.7/dist-packages/keras/engine/saving.py in load_model(filepath, custom_objects, compile)",
      "    490     opened_new_file = not isinstance(filepath, h5py.Group)",
      "--> 492     f = h5dict(filepath, 'r')",
      "",
      "OSError: Unable to open file (file signature not found)",
      "",
      "During handling of the above exception, another exception occurred:",
      "",
      "---------------------------------------------------------------------------",
      "ValueError                                Traceback (most recent call last)",
      "<ipython-input-4-8a2b9c> in <module>()",
      "----> 2 model = load_model('model.h5')",
      "",
      "ValueError: not a model",
    ].join("\n");
    const chain = parseTraceback(text);
    expect(chain.map((e) => e.type)).toEqual(["OSError", "ValueError"]);
    expect(chain[0].frames).toEqual([
      { file: "<ipython-input-4-8a2b9c>", line: 2, function: "<module>", code: "model = load_model('model.h5')" },
      {
        file: "/usr/local/lib/python3.7/dist-packages/keras/engine/saving.py",
        line: 492,
        function: "load_model",
        code: "f = h5dict(filepath, 'r')",
      },
    ]);
    expect(chain[0].message).toBe("Unable to open file (file signature not found)");
  });

  it("reads IPython 8.0-8.4 'Input In [n]' frames", () => {
    const chain = parseTraceback(
      [
        "Input In [7], in <cell line: 1>()",
        "----> 1 keras.models.load_model('x.keras')",
        "",
        "ValueError: File not found: filepath=x.keras. Please ensure the file is an accessible `.keras` zip file.",
      ].join("\n"),
    );
    expect(chain[0].frames[0]).toMatchObject({ file: "Cell In [7]", function: "<cell line: 1>" });
    expect(chain[0].type).toBe("ValueError");
  });
});

describe("parseTraceback on an exception written inside a sentence", () => {
  it("takes a quoted exception up to its closing quote, quotes inside the message kept", () => {
    const chain = parseTraceback(`I get "ModuleNotFoundError: No module named 'torch'" when I import keras`);
    expect(chain[chain.length - 1]).toEqual({ type: "ModuleNotFoundError", message: "No module named 'torch'", frames: [] });
  });

  it("takes an unquoted one without the sentence that goes on after it", () => {
    const chain = parseTraceback("Keras says ValueError: Unknown layer: MyBlock, when trying to load my model");
    expect(chain[chain.length - 1]).toMatchObject({ type: "ValueError", message: "Unknown layer: MyBlock" });
    expect(chain[0].type).toBe("");
  });

  it("keeps a Keras message that itself says 'when'", () => {
    const chain = parseTraceback("Loading fails with TypeError: Error when deserializing class 'Dense' using config={'units': 2}");
    expect(chain[chain.length - 1].message).toBe("Error when deserializing class 'Dense' using config={'units': 2}");
  });

  it("finds nothing in prose without an exception", () => {
    expect(parseTraceback("my model does not load, any idea?").every((entry) => entry.type === "")).toBe(true);
  });
});

describe("parseTraceback on fragments and noise", () => {
  it("keeps Windows paths as printed", () => {
    const chain = parseTraceback(
      [
        "Traceback (most recent call last):",
        '  File "C:\\Users\\ana\\proj\\run.py", line 4, in <module>',
        "    model = tf.keras.models.load_model(r'C:\\models\\m.h5')",
        '  File "C:\\Users\\ana\\AppData\\Roaming\\Python\\Python37\\site-packages\\tensorflow_core\\python\\keras\\saving\\hdf5_format.py", line 166, in load_model_from_hdf5',
        "    model_config = json.loads(model_config.decode('utf-8'))",
        "AttributeError: 'str' object has no attribute 'decode'",
      ].join("\r\n"),
    );
    expect(chain[0].frames[1].file).toContain("tensorflow_core\\python\\keras\\saving\\hdf5_format.py");
    expect(chain[0].frames[1].code).toBe("model_config = json.loads(model_config.decode('utf-8'))");
    expect(chain[0].message).toBe("'str' object has no attribute 'decode'");
  });

  it("reads a lone final line, and frames pasted without their header", () => {
    expect(parseTraceback("ValueError: Unknown layer: Functional\n")).toEqual([
      { type: "ValueError", message: "Unknown layer: Functional", frames: [] },
    ]);
    const chain = parseTraceback(
      '  File "/x/keras/engine/saving.py", line 419, in load_model\n    model = _deserialize_model(f, custom_objects, compile)\nValueError: Unknown layer: Functional',
    );
    expect(chain[0].frames).toHaveLength(1);
    expect(chain[0].frames[0].function).toBe("load_model");
  });

  it("keeps tuple-printed messages as Python printed them", () => {
    const [error] = parseTraceback("TypeError: ('Keyword argument not understood:', 'groups')");
    expect(error).toMatchObject({ type: "TypeError", message: "('Keyword argument not understood:', 'groups')" });
  });

  it("keeps messages that span many lines, and drops logging lines around them", () => {
    const text = [
      "2024-03-01 10:00:00.123456: W tensorflow/core/framework/op_kernel.cc:1839] OP_REQUIRES failed",
      "WARNING:absl:Compiled the loaded model, but the compiled metrics have yet to be built.",
      "/venv/lib/python3.10/site-packages/keras/src/layers/layer.py:361: UserWarning: `build()` was called on layer",
      "  warnings.warn(",
      "Traceback (most recent call last):",
      '  File "t.py", line 2, in <module>',
      "ValueError: A total of 1 objects could not be loaded. Example error message for object <Dense name=dense, built=True>:",
      "",
      "Layer 'dense' expected 2 variables, but received 0 variables during loading. Expected: ['kernel', 'bias']",
      "",
      "List of objects that could not be loaded:",
      "[<Dense name=dense, built=True>]",
      "E0000 00:00:1700000000.000000   123 some_file.cc:12] trailing absl line",
      "Process finished with exit code 1",
    ].join("\n");
    const chain = parseTraceback(text);
    expect(chain).toHaveLength(1);
    expect(chain[0].message.split("\n")).toHaveLength(6);
    expect(chain[0].message).not.toMatch(/absl|Process finished|warnings\.warn/);
  });

  it("keeps ESC-less colour remains out, and returns text without any exception as one untyped entry", () => {
    expect(stripAnsi("[0;31mValueError[0m: x")).toBe("ValueError: x");
    expect(parseTraceback("Illegal instruction (core dumped)\n")).toEqual([
      { type: "", message: "Illegal instruction (core dumped)", frames: [] },
    ]);
    expect(parseTraceback("   \n")).toEqual([]);
  });

  it("does not take a 'Note:' line for an exception when there is no traceback", () => {
    const chain = parseTraceback("Note: you may need to restart the kernel\nImportError: numpy.core.multiarray failed to import");
    // The line stays as text of unknown type before the error (issue 22: what precedes a bare error line is kept).
    expect(chain).toEqual([
      { type: "", message: "Note: you may need to restart the kernel", frames: [] },
      { type: "ImportError", message: "numpy.core.multiarray failed to import", frames: [] },
    ]);
  });
});

describe("unwrapChain", () => {
  it("finds the error inside R8 around R9 and keeps what each wrapper said", () => {
    const message = [
      "<class 'my_pkg.blocks.Block'> could not be deserialized properly. Please ensure that components that are Python object instances (layers, models, etc.) returned by `get_config()` are explicitly deserialized in the model's `from_config()` method.",
      "",
      "config={'module': 'my_pkg.blocks', 'class_name': 'Block'}.",
      "",
      "Exception encountered: Error when deserializing class 'Inner' using config={'units': 3}.",
      "",
      "Exception encountered: Inner.__init__() got an unexpected keyword argument 'trainable'",
    ].join("\n");
    const entries = unwrapChain([{ type: "TypeError", message, frames: [{ file: "f.py", line: 1, function: "g" }] }]);
    expect(entries.map((e) => [e.depth, e.type])).toEqual([
      [2, ""],
      [1, ""],
      [0, "TypeError"],
    ]);
    expect(entries[0].message).toBe("Inner.__init__() got an unexpected keyword argument 'trainable'");
    expect(entries[0].wrappers.map((w) => w.kind)).toEqual(["R8", "R9"]);
    expect(wrapperCaptures(entries[0])).toMatchObject({ wrapper: "R9", wrappedClass: "Inner", wrappedModule: "my_pkg.blocks" });
    expect(wrapperCaptures(entries[1])).toEqual({ wrapper: "R8", wrappedClass: "Block", wrappedModule: "my_pkg.blocks" });
    expect(entries[2].frames).toHaveLength(1);
  });

  it("unwraps the real Keras 3 R9 for a Keras 2 DepthwiseConv2D (captured)", () => {
    const chain = parseTraceback(fixture("_near-misses/keras-3.15.1--depthwise-groups-r9.txt"));
    const entries = unwrapChain(chain);
    const inner = entries.find((e) => e.depth === 1);
    expect(inner?.message).toBe("Unrecognized keyword arguments passed to DepthwiseConv2D: {'groups': 1}");
    expect(inner && wrapperCaptures(inner).wrappedClass).toBe("DepthwiseConv2D");
    expect(inner?.origin).toBe(chain.length - 1);
  });

  it("unwraps W9 (object list dropped), K2 and K3 call wrappers keeping the type", () => {
    const [w9] = unwrapChain(
      parseTraceback(
        "ValueError: A total of 2 objects could not be loaded. Example error message for object <Dense name=dense, built=True>:\n\nLayer 'dense' expected 2 variables, but received 0 variables during loading. Expected: ['kernel', 'bias']\n\nList of objects that could not be loaded:\n[<Dense name=dense, built=True>, <Adam>]",
      ),
    );
    expect(w9.message).toBe("Layer 'dense' expected 2 variables, but received 0 variables during loading. Expected: ['kernel', 'bias']");
    expect(wrapperCaptures(w9)).toMatchObject({ wrapper: "W9", wrappedCount: "2", wrappedObject: "<Dense name=dense, built=True>" });

    const [k2] = unwrapChain(
      parseTraceback(
        'NameError: Exception encountered when calling layer "lambda_1" (type Lambda).\n\nname \'tf\' is not defined\n\nCall arguments received by layer "lambda_1" (type Lambda):\n  • inputs=tf.Tensor(shape=(None, 4), dtype=float32)',
      ),
    );
    expect(k2).toMatchObject({ type: "NameError", message: "name 'tf' is not defined", depth: 1 });
    expect(wrapperCaptures(k2)).toMatchObject({ wrapper: "K2", wrappedLayer: "lambda_1", wrappedClass: "Lambda" });

    const [k3] = unwrapChain(
      parseTraceback(
        "NameError: Exception encountered when calling Lambda.call().\n\n\u001b[1mname 'tf' is not defined\u001b[0m\n\nArguments received by Lambda.call():\n  • args=('<KerasTensor shape=(None, 4)>',)",
      ),
    );
    expect(k3).toMatchObject({ type: "NameError", message: "name 'tf' is not defined" });
    expect(wrapperCaptures(k3)).toMatchObject({ wrapper: "K3", wrappedClass: "Lambda" });
  });

  it("leaves plain exceptions alone", () => {
    const chain = parseTraceback("ValueError: Unknown layer: Functional");
    expect(unwrapChain(chain)).toEqual([{ ...chain[0], origin: 0, depth: 0, wrappers: [] }]);
  });
});

describe("parseTraceback on what users paste around a traceback", () => {
  it("ends the message at the REPL prompt Python prints after a traceback", () => {
    const chain = parseTraceback(
      [
        ">>> model = model_from_json(open('m.json').read())",
        "Traceback (most recent call last):",
        '  File "<stdin>", line 1, in <module>',
        "ValueError: Unknown layer: CRF",
        ">>> ",
      ].join("\n"),
    );
    expect(chain).toEqual([{ type: "ValueError", message: "Unknown layer: CRF", frames: [expect.objectContaining({ file: "<stdin>" })] }]);
  });

  it("keeps what a pasted shell command printed after the traceback as an entry of its own", () => {
    const chain = parseTraceback(
      [
        "(venv) pi@box:~/app $ python predict.py",
        "Traceback (most recent call last):",
        '  File "predict.py", line 9, in <module>',
        "OSError: Unable to open file (file signature not found)",
        "$ cat weights/best.h5",
        "version https://git-lfs.github.com/spec/v1",
        "size 246112904",
      ].join("\n"),
    );
    expect(chain.map((entry) => entry.type)).toEqual(["OSError", ""]);
    expect(chain[0].message).toBe("Unable to open file (file signature not found)");
    expect(chain[1].message).toBe("version https://git-lfs.github.com/spec/v1\nsize 246112904");
  });

  it("does not take a line of '...' inside a Keras message for a prompt", () => {
    const chain = parseTraceback("ValueError: A KerasTensor cannot be used as input to a TensorFlow function.\n```\nx = Input(...)\n...\ntf_fn(x)  # Invalid.\n```");
    expect(chain).toHaveLength(1);
    expect(chain[0].message).toContain("tf_fn(x)  # Invalid.");
  });
});

describe("parseTraceback on fenced and short wrapped pastes", () => {
  const frames = [
    "Traceback (most recent call last):",
    '  File "/home/me/project/predict.py", line 12, in <module>',
    "    model = keras.models.load_model(MODEL_PATH)",
  ];

  it("ends the message at the closing fence: the prose after it is the user's, not Keras'", () => {
    const text = ["I tried load_model and got:", "", "```python", ...frames, "ValueError: Unknown layer: SqueezeExcite", "```", "", "I'm on Ubuntu 22.04. Any help?"].join("\n");
    const chain = parseTraceback(text);
    expect(chain.at(-1)).toMatchObject({ type: "ValueError", message: "Unknown layer: SqueezeExcite" });
  });

  it("keeps prose and fences alike when no fenced block holds an error", () => {
    const text = ["```", "pip install keras==2.15", "```", "ValueError: Unknown layer: SqueezeExcite"].join("\n");
    expect(parseTraceback(text).at(-1)).toMatchObject({ type: "ValueError", message: "Unknown layer: SqueezeExcite" });
  });

  it("joins a message a terminal cut at 80 columns even when only one line was that long", () => {
    const message = "('Could not interpret constraint identifier:', {'module': None, 'class_name': 'sine_activation', 'config': {}})";
    const line = `ValueError: ${message}`;
    const text = [...frames, line.slice(0, 80), line.slice(80)].join("\n");
    expect(parseTraceback(text).at(-1)?.message).toBe(message);
  });

  it("does not join a message line that ends its sentence at 80 characters with the line after it", () => {
    const first = `ValueError: ${"A sentence of Keras' own message that ends at the width".padEnd(79 - 12, "x")}.`;
    expect(first).toHaveLength(80);
    const chain = parseTraceback([...frames, first, "Exception encountered: Could not locate class 'Foo'."].join("\n"));
    expect(chain.at(-1)?.message.split("\n")).toHaveLength(2);
  });

  it("does not join a frame line that happens to be 80 characters long with the source line under it", () => {
    const prefix = '  File "/usr/lib/python3.11/site-packages/keras/saving_api.py", line 7, in ';
    const fn = "load_".padEnd(80 - prefix.length, "x");
    expect(prefix + fn).toHaveLength(80);
    const chain = parseTraceback([frames[0], prefix + fn, "    raise ValueError(msg)", "ValueError: Unknown layer: Foo"].join("\n"));
    expect(chain.at(-1)?.frames.at(-1)).toMatchObject({ function: fn, code: "raise ValueError(msg)" });
  });
});

// Issue 22: the dressing IDEs, notebooks, forums and bridges put around an error (texts written for these tests).
describe("parseTraceback undoes the dressing around a pasted error", () => {
  const last = (text: string) => parseTraceback(text).at(-1)!;

  it("decodes HTML entities and strips **emphasis** around the last line", () => {
    expect(last("**ValueError: Unknown layer: &#39;Foo&#39; &gt; here**")).toMatchObject({ type: "ValueError", message: "Unknown layer: 'Foo' > here" });
  });

  it("drops Colab's fold line and its markdown links around frame files", () => {
    const chain = parseTraceback(
      [
        "ValueError                                Traceback (most recent call last)",
        "<ipython-input-3-abc> in <cell line: 1>()",
        "----> 1 model = keras.models.load_model('m.keras')",
        "",
        "2 frames",
        "[/usr/local/lib/python3.10/dist-packages/keras/src/saving/saving_lib.py](https://localhost:8080/#) in load_model(filepath)",
        "    295         raise ValueError(msg)",
        "",
        "ValueError: Unknown layer: 'Foo'",
      ].join("\n"),
    );
    expect(chain.at(-1)!.frames.map((frame) => frame.function)).toEqual(["<cell line: 1>", "load_model"]);
    expect(chain.at(-1)!.frames[1].file).toMatch(/saving_lib\.py$/);
  });

  it("reads PyCharm's {Type}message and VS Code's exception box", () => {
    expect(last("{ValueError}Unknown layer: Foo")).toMatchObject({ type: "ValueError", message: "Unknown layer: Foo" });
    const box = last(
      [
        "Exception has occurred: OSError       (note: full exception trace is shown but execution is paused at: <module>)",
        "No file or directory found at m.h5",
        '  File "/app/run.py", line 3, in <module>',
        '    model = load_model("m.h5")',
      ].join("\n"),
    );
    expect(box).toMatchObject({ type: "OSError", message: "No file or directory found at m.h5" });
    expect(box.frames[0]).toMatchObject({ file: "/app/run.py", function: "<module>" });
  });

  it("unwraps R reticulate's py_call_impl error and its detailed traceback", () => {
    const entry = last(
      [
        "Error in py_call_impl(callable, dots$args, dots$keywords) : ",
        "  ValueError: Unknown layer: Foo",
        "",
        "Detailed traceback:",
        '  File "/r/keras/engine/saving.py", line 419, in load_model',
        "    model = _deserialize_model(f, custom_objects, compile)",
      ].join("\n"),
    );
    expect(entry).toMatchObject({ type: "ValueError", message: "Unknown layer: Foo" });
    expect(entry.frames[0].function).toBe("load_model");
  });

  it("unwraps .NET and Java bridges, turning <python> frames into Python frames, outermost first", () => {
    expect(last("Python.Runtime.PythonException: ValueError : Unknown layer: Foo\n   at Python.Runtime.PyObject.Invoke(PyTuple args) in C:\\src\\x.cs:line 4")).toMatchObject({
      type: "ValueError",
      message: "Unknown layer: Foo",
    });
    const entry = last(
      [
        "com.chaquo.python.PyException: OSError: No file or directory found at m.h5",
        "\tat <python>.keras.saving.save.load_model(save.py:201)",
        "\tat <python>.main.run(main.py:5)",
        "\tat com.chaquo.python.PyObject.callAttrThrows(Native Method)",
      ].join("\n"),
    );
    expect(entry).toMatchObject({ type: "OSError", message: "No file or directory found at m.h5" });
    expect(entry.frames.map((frame) => frame.function)).toEqual(["run", "load_model"]);
    expect(entry.frames[1].file).toBe("keras/saving/save.py");
  });
});

describe("parseTraceback: what surrounds a bare error line (issue 22)", () => {
  it("keeps the text before a bare error line as an entry of unknown type", () => {
    const chain = parseTraceback("model = load_model('nets/m.h5')\n\nOSError: Unable to open file (file signature not found)");
    expect(chain.map((e) => e.type)).toEqual(["", "OSError"]);
    expect(chain[0].message).toBe("model = load_model('nets/m.h5')");
  });

  it("gives a <stdin> frame the command typed at the REPL prompt as its source line", () => {
    const chain = parseTraceback(">>> keras.models.load_model('x/y')\nTraceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nValueError: boom");
    expect(chain[chain.length - 1].frames[0]).toMatchObject({ file: "<stdin>", code: "keras.models.load_model('x/y')" });
  });
});

// The commands and code shown after a fix proven for an earlier cause carry the environment it set (issue 21: the
// command shown after a backend switch lacked KERAS_BACKEND), and a wrapped row never ends in a space one column
// past the window (the blank line inside bullets).
import { describe, expect, it } from "vitest";
import { paragraphs, python, shell } from "../../src/core/content.js";
import { environmentOf, withEnvironment } from "../../src/engine/step-machine.js";
import { dropBreakSpace } from "../../src/ui/wrapped-text.js";

describe("the carried environment in what the wizard shows", () => {
  const env = environmentOf({ backend: "jax" });

  it("sets KERAS_BACKEND before Keras is imported in code that loads the model, and in front of Python runs", () => {
    const [[load], [run], [other]] = withEnvironment(
      paragraphs(
        [python('import keras\nmodel = keras.models.load_model("m.keras")')],
        [shell("python load_m.py\npython -m pip install jax")],
        [python('import tensorflow as tf\nloaded = tf.saved_model.load("sm")')],
      ),
      env,
    );
    expect(load.value).toBe('import os\nos.environ["KERAS_BACKEND"] = "jax"\nimport keras\nmodel = keras.models.load_model("m.keras")');
    expect(run.value).toBe("KERAS_BACKEND=jax python load_m.py\npython -m pip install jax");
    // Another route (plain TensorFlow) is not the load the fix was proven for: left as it is.
    expect(other.value).toBe('import tensorflow as tf\nloaded = tf.saved_model.load("sm")');
  });

  it("leaves code that already sets the variable alone", () => {
    const code = 'import os\nos.environ["KERAS_BACKEND"] = "torch"\nimport keras\nkeras.models.load_model("m.keras")';
    expect(withEnvironment(paragraphs([python(code)]), env)[0][0].value).toBe(code);
  });
});

describe("wrapped rows", () => {
  it("drop the space that ends a row, also inside a colour", () => {
    expect(dropBreakSpace("\u001b[2m  • the final exception says \u001b[22m", 0)).toBe("\u001b[2m  • the final exception says\u001b[22m");
    expect(dropBreakSpace(" next row ", 1)).toBe("next row");
  });
});

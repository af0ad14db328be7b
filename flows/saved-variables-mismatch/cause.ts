// Loading a `.keras` file rebuilt a layer whose variables differ from the ones saved for it (research W7/W8 inside
// W9): almost always a custom layer that does not recreate its state the way it had it when saved (a build()
// that depends on a setting get_config forgets, or state created outside build()). Proved by
// keras3-extra/forgetful_dense.keras (sources/fixture_lazy_build.py) in the keras3 env.
import { code, paragraphs, python, text } from "../../src/core/content.js";
import type { Cause, Facts, StepContext } from "../../src/core/types.js";
import { builtinsFor } from "../../src/core/versions/builtins.js";

/** `<ForgetfulDense name=forgetful_dense, built=True>` → ForgetfulDense (the W9 wrapper names the object). */
function classOf(captures: Record<string, string>): string | null {
  const match = /^<(?<className>[\w.]+) name=/.exec(captures.wrappedObject ?? "");
  return match?.groups?.className.split(".").pop() ?? null;
}

function isCustom(className: string | null, facts: Facts): boolean | null {
  if (!className) return null;
  if (facts.file?.customClasses.includes(className)) return true;
  return !builtinsFor(facts.file?.kerasLine ?? null).has("layers", className);
}

function culpritOf(captures: Record<string, string>): string | null {
  const className = classOf(captures);
  const layer = captures.layer ? `layer '${captures.layer}'${className ? ` (${className})` : ""}` : className;
  if (!layer) return null;
  return captures.expected ? `${layer}: builds ${captures.expected} variables, file has ${captures.found}` : `${layer}: never built, file has ${captures.found} variables`;
}

function fixCode(ctx: StepContext): string {
  const className = classOf(ctx.diagnosis.captures) ?? "MyLayer";
  return [
    `class ${className}(keras.layers.Layer):`,
    "    def __init__(self, ..., **kwargs):",
    "        super().__init__(**kwargs)",
    "        ...  # store EVERY constructor argument on self",
    "",
    "    def get_config(self):",
    "        # Return every argument build() depends on (units, use_bias, ...), or loading rebuilds other variables.",
    "        return {**super().get_config(), ...}",
    "",
    "    def build(self, input_shape):",
    "        # Create ALL variables here, including those of inner layers (call self.inner.build(input_shape)).",
    "        ...",
  ].join("\n");
}

export const savedVariablesMismatch: Cause = {
  id: "saved-variables-mismatch",
  title: "A layer rebuilt during loading has other variables than the file saved",
  summary: (ctx) =>
    paragraphs([text("Keras rebuilt "), code(culpritOf(ctx.diagnosis.captures) ?? "a layer"), text(" differently from how it was saved, so its weights have nowhere to go.")]),
  matchers: [
    {
      // W7 (Keras 3 layer.py, tf_keras base_layer.py) while loading a whole model.
      message: /Layer '(?<layer>[^']+)' expected (?<expected>\d+) variables, but received (?<found>\d+) variables during loading(?:\. Expected: \['(?<expectedName>[^']+)')?/,
      frame: /load_model/,
      weight: 0.88,
      means: "a layer rebuilt from the file's config has another number of variables than the file saved",
    },
    {
      // The same text pasted without frames: `when` weighs it by whether the layer class is custom.
      message: /Layer '(?<layer>[^']+)' expected (?<expected>\d+) variables, but received (?<found>\d+) variables during loading(?:\. Expected: \['(?<expectedName>[^']+)')?/,
      weight: 0.75,
      means: "a layer rebuilt from the file's config has another number of variables than the file saved",
    },
    {
      // W8 (Keras ≥ 3.3).
      message: /Layer '(?<layer>[^']+)' was never built and thus it doesn't have any variables\. However the weights file lists (?<found>\d+) variables for this layer/,
      weight: 0.9,
      means: "a layer was not built during loading, yet the file has variables for it",
    },
    {
      // Only the first line of Keras 3's W9 pasted: a layer's variables did not load (the reason was cut off).
      message: /^A total of \d+ objects? could not be loaded\.(?: Example error message for object <(?<layer>[^>]+)>| Example[^<]*<?[^>]*$|\s*$)/,
      weight: 0.4,
      means: "Keras could not load the variables of some layers (the error for them was not pasted)",
    },
  ],
  when: (captures, facts) => {
    // Keras 3's own RNN cell (lstm_cell, gru_cell) with none of its unscoped variables restored is the Keras 3.0
    // Bidirectional bug (catalogues/release-bugs.json) first; a Keras 2 file names them scoped ('lstm/lstm_cell/kernel:0').
    if (/^(?:lstm|gru|simple_rnn)_cell(?:_\d+)?$/.test(captures.layer ?? "") && captures.found === "0" && captures.expectedName && !captures.expectedName.includes("/")) return 0.85;
    const custom = isCustom(classOf(captures), facts);
    // A built-in layer with missing variables is an architecture mismatch (load_weights into other layers).
    if (custom === false && captures.expected) return 0.7;
    return custom ? 1.1 : true;
  },
  culprit: (captures) => culpritOf(captures),
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "The layer does not rebuild its own state",
      body: (ctx) =>
        paragraphs(
          [text("Loading a .keras file first builds every layer from its config, then fills the variables from the saved weights. "), code(culpritOf(ctx.diagnosis.captures) ?? "One layer"), text(" did not end up with the variables it had when saved.")],
          "This is a bug in the layer's code, not in the file: get_config() leaves out an argument that build() depends on, or the layer creates its state outside build() (on its first call, or in inner layers build() does not build). The weights in the file are intact.",
        ),
      next: "route",
    },
    {
      kind: "choice",
      id: "route",
      title: "How do you want to fix it?",
      options: [
        { id: "code", label: "Fix the layer's code (get_config / build)", next: "fix-code" },
        { id: "weights", label: "Build the model in code, then load the weights from the file", next: "load-weights" },
      ],
      auto: "code",
    },
    {
      kind: "end",
      id: "fix-code",
      outcome: "not-fixed",
      title: "Make the layer rebuild the state it saved",
      body: (ctx) =>
        paragraphs(
          "In the layer's class, return every constructor argument from get_config() and create all variables in build():",
          [python(fixCode(ctx))],
          "Files saved before the fix load once the class is fixed only if get_config already stored the argument; otherwise use the other route once, then save again.",
        ),
    },
    {
      kind: "end",
      id: "load-weights",
      outcome: "not-fixed",
      title: "Rebuild in code, then load the weights",
      body: (ctx) =>
        paragraphs(
          "Create the model with the same arguments as when it was saved, call it once so every layer builds, then read the weights from the .keras file:",
          [
            python(
              [
                "model = build_model()  # with the original arguments, e.g. use_bias=False",
                "model(example_batch)  # builds every layer",
                `model.load_weights(${JSON.stringify(ctx.modelPath ?? ctx.file?.path ?? "model.keras")})`,
              ].join("\n"),
            ),
          ],
        ),
    },
  ],
};

// The end screen asks the user to keep what an earlier cause's fix set (KERAS_BACKEND=jax got past a missing
// backend), except where the ending's own code sets that variable to something else: TFSMLayer's code chooses
// KERAS_BACKEND=tensorflow itself, and "keep jax" beside it would contradict it.
import React from "react";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { Summary } from "../../src/ui/summary.js";
import type { Content } from "../../src/core/types.js";
import { plain } from "./helpers.js";

const withCode = (code: string): Content => [[{ kind: "text", value: "Load it this way:" }], [{ kind: "codeblock", value: code, language: "python" }]];

const screen = (body: Content) =>
  plain(render(<Summary outcome="not-fixed" title="Load the SavedModel yourself" body={body} problem="a SavedModel" results={{}} environment={{ KERAS_BACKEND: "jax" }} />).lastFrame() ?? "").replace(/\s+/g, " ");

describe("the end screen's settings to keep", () => {
  it("asks to keep KERAS_BACKEND=jax when the ending's code does not set it", () => {
    expect(screen(withCode("import keras\nmodel = keras.models.load_model('m.keras')"))).toContain("Keep KERAS_BACKEND=jax set");
  });

  it("does not, when the ending's code sets KERAS_BACKEND to tensorflow itself", () => {
    const shown = screen(withCode('import os\nos.environ["KERAS_BACKEND"] = "tensorflow"\nimport keras\nlayer = keras.layers.TFSMLayer("m", call_endpoint="serving_default")'));
    expect(shown).toContain('os.environ["KERAS_BACKEND"] = "tensorflow"');
    expect(shown).not.toContain("Keep KERAS_BACKEND=jax");
  });
});

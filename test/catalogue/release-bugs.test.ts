// catalogues/release-bugs.json: every known release bug is complete, its wording compiles, and a last line written
// in its wording (text of our own, not a user's paste) is diagnosed as keras-release-bug naming the bug.
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { releaseBugs } from "../../flows/keras-release-bug/cause.js";
import { classify } from "../../src/core/classify/classify.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";

// One instance per entry, in the entry's wording.
const INSTANCES: Record<string, string> = {
  "lambda-closure-list": "TypeError: arg 5 (closure) must be tuple",
  "ndarray-dict-in-config": "TypeError: Expected float32, got {'type': 'ndarray', 'value': [1.0, 2.0, 3.0]} of type 'dict' instead.",
  "number-argument-stored-as-dict": "TypeError: float() argument must be a string or a number, not 'dict'",
  "keras3-bidirectional-rnn-cells":
    "ValueError: A total of 2 objects could not be loaded. Example error message for object <GRUCell name=gru_cell, built=True>:\n\nLayer 'gru_cell' expected 3 variables, but received 0 variables during loading. Expected: ['kernel', 'recurrent_kernel', 'bias']\n\nList of objects that could not be loaded:\n[<GRUCell name=gru_cell, built=True>, <GRUCell name=gru_cell, built=True>]",
  "keras3-sequential-reconfigured":
    "ValueError: Sequential model 'sequential_1' has already been configured to use input shape (None, 8, 2). You cannot build it with input_shape [None, 8, 2]",
};

describe("catalogues/release-bugs.json", () => {
  const bugs = releaseBugs();

  it("has complete entries with compiling patterns and a note on reproduction", () => {
    expect(bugs.length).toBeGreaterThanOrEqual(5);
    for (const bug of bugs) {
      for (const key of ["id", "title", "component", "package", "releases", "fixedIn", "type", "wording", "reproduced", "evidence"] as const) {
        expect(typeof bug[key], `${bug.id}.${key}`).toBe("string");
        expect((bug[key] as string).length, `${bug.id}.${key}`).toBeGreaterThan(0);
      }
      expect(() => new RegExp(bug.wording)).not.toThrow();
      if (bug.frames) expect(() => new RegExp(bug.frames!)).not.toThrow();
      expect(INSTANCES[bug.id], `an instance for ${bug.id}`).toBeDefined();
    }
  });

  for (const [id, text] of Object.entries(INSTANCES)) {
    it(`diagnoses ${id} as keras-release-bug`, () => {
      const diagnosis = classify(parseTraceback(text), { file: null, env: null, load: null }, causes);
      expect(diagnosis.cause).toBe("keras-release-bug");
      const bug = bugs.find((entry) => entry.id === id)!;
      expect(diagnosis.culprit).toContain(bug.component);
    });
  }

  it("leaves a Keras 2 file's scoped variable names to saved-variables-mismatch", () => {
    const text =
      "ValueError: A total of 1 objects could not be loaded. Example error message for object <LSTMCell name=lstm_cell, built=True>:\n\nLayer 'lstm_cell' expected 3 variables, but received 0 variables during loading. Expected: ['lstm/lstm_cell/kernel:0', 'lstm/lstm_cell/recurrent_kernel:0', 'lstm/lstm_cell/bias:0']";
    expect(classify(parseTraceback(text), { file: null, env: null, load: null }, causes).cause).not.toBe("keras-release-bug");
  });
});

// Proves the ranking rules of classify.ts with small causes made for the test: final over earlier, inner over
// wrapper, `when` vetoes and boosts, frames, file-only detect, and the unclassified fallback with the real error.
import { describe, expect, it } from "vitest";
import { classify, rankCauses } from "../../src/core/classify/classify.js";
import { paragraphs } from "../../src/core/content.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import type { Cause, Matcher } from "../../src/core/types.js";
import { facts } from "../catalogue/facts.js";

function cause(id: string, matchers: Matcher[], extra: Partial<Cause> = {}): Cause {
  return {
    id,
    title: `title of ${id}`,
    summary: () => paragraphs(id),
    matchers,
    start: "end",
    steps: [{ kind: "end", id: "end", outcome: "not-fixed", title: id, body: () => paragraphs(id) }],
    ...extra,
  };
}

const unclassified = cause("unclassified", []);

// Shaped like the real owners' causes: a generic custom-layer regex, and a version cause whose `when` claims the
// names that only a Keras-version mismatch produces (research §1f).
const customLayer = cause("custom-layer", [
  { type: /^ValueError$/, message: /Unknown layer: '?(?<name>[\w>.]+)'?/, means: "a layer class was not found" },
  {
    type: /^TypeError$/,
    message: /Could not locate class '(?<name>\w+)'[\s\S]*?'module': '(?<module>[\w.]+)'/,
    means: "a class could not be located",
  },
]);
const versionMismatch = cause(
  "version-mismatch",
  [
    { type: /^ValueError$/, message: /Unknown layer: '?(?<name>\w+)'?/, weight: 0.6, means: "a layer class was not found" },
    {
      type: /^TypeError$/,
      message: /Could not locate class '(?<name>\w+)'[\s\S]*?'module': '(?<module>[\w.]+)'/,
      weight: 0.6,
    },
  ],
  {
    when: (captures) =>
      captures.name === "Functional" || /^keras\.src\.engine\./.test(captures.module ?? "") ? 1.6 : false,
  },
);
const fileSignature = cause(
  "lfs",
  [{ type: /^OSError$/, message: /\((?:file signature not found)\)/, weight: 0.5 }],
  {
    when: (_c, f) => (f.file ? f.file.format === "git-lfs-pointer" : 1),
    detect: (f) =>
      f.file?.format === "git-lfs-pointer"
        ? { confidence: 0.9, captures: { path: f.file.path }, evidence: ["the file is a Git LFS pointer"] }
        : null,
  },
);
const notModel = cause(
  "not-a-model",
  [{ type: /^OSError$/, message: /\((?:file signature not found)\)/, weight: 0.5 }],
  { when: (_c, f) => (f.file ? f.file.format === "html" || f.file.format === "not-a-model" : 1) },
);
const all = [customLayer, fileSignature, notModel, unclassified, versionMismatch];

describe("classify reasons with the facts", () => {
  it("gives `Unknown layer: Functional` to the version cause and a user class to the custom-layer cause", () => {
    const functional = classify(parseTraceback("ValueError: Unknown layer: Functional"), facts(), all);
    expect(functional.cause).toBe("version-mismatch");
    expect(functional.culprit).toBe("Functional");
    expect(functional.alternatives[0].cause).toBe("custom-layer");
    // No file and no environment: the boost came from the name, and the evidence says so.
    expect(functional.evidence.join(" ")).toMatch(/what the wording and the names say agrees with it/);

    const mine = classify(parseTraceback("ValueError: Unknown layer: 'MyDense'. Please ensure ..."), facts(), all);
    expect(mine.cause).toBe("custom-layer");
    expect(mine.captures.name).toBe("MyDense");
    expect(mine.alternatives.map((a) => a.cause)).not.toContain("version-mismatch");
  });

  it("reads the module of a 'Could not locate class' to tell a Keras 2 path from a user class", () => {
    const keras2 = "TypeError: Could not locate class 'Functional'. Make sure ... Full object config: {'module': 'keras.src.engine.functional', 'class_name': 'Functional'}";
    expect(classify(parseTraceback(keras2), facts(), all).cause).toBe("version-mismatch");
    const user = "TypeError: Could not locate class 'Block'. Make sure ... Full object config: {'module': 'my_pkg.blocks', 'class_name': 'Block'}";
    const diagnosis = classify(parseTraceback(user), facts(), all);
    expect(diagnosis.cause).toBe("custom-layer");
    expect(diagnosis.captures).toMatchObject({ name: "Block", module: "my_pkg.blocks" });
  });

  it("tells an LFS pointer from an HTML page behind the same h5py error, and guesses without a file", () => {
    const chain = parseTraceback("OSError: Unable to synchronously open file (file signature not found)");
    const lfs = classify(chain, facts({ file: { format: "git-lfs-pointer", fileSize: 133, path: "m.h5" } }), all);
    expect(lfs.cause).toBe("lfs");
    expect(lfs.confidence).toBeGreaterThan(0.9);
    expect(lfs.evidence).toContain("the file is a Git LFS pointer");
    expect(lfs.alternatives.map((a) => a.cause)).not.toContain("not-a-model");

    const html = classify(chain, facts({ file: { format: "html" } }), all);
    expect(html.cause).toBe("not-a-model");

    const blind = classify(chain, facts(), all);
    expect(["lfs", "not-a-model"]).toContain(blind.cause);
    expect(blind.alternatives.length).toBeGreaterThan(0);
  });

  it("detects from the file alone when there is no traceback", () => {
    const diagnosis = classify(null, facts({ file: { format: "git-lfs-pointer", path: "big.h5" } }), all);
    expect(diagnosis).toMatchObject({ cause: "lfs", culprit: "big.h5", confidence: 0.9 });
  });

  it("trusts file-only detection less when a traceback exists and says something else", () => {
    const chain = parseTraceback("KeyError: 'weird'");
    const [ranked] = rankCauses(chain, facts({ file: { format: "git-lfs-pointer" } }), all);
    expect(ranked.confidence).toBeCloseTo(0.9 * 0.85);
    expect(ranked.evidence.at(-1)).toMatch(/shows nothing this cause recognises/);
  });
});

describe("classify ranks by where the match is", () => {
  const inner = cause("inner", [{ message: /Unrecognized keyword arguments passed to (?<name>\w+)/, weight: 0.7 }]);
  const wrapper = cause("wrapper", [{ type: /^TypeError$/, message: /Error when deserializing class '(?<cls>\w+)'/, weight: 0.7 }]);
  const earlier = cause("earlier", [{ type: /^KeyError$/, message: /./ }]);
  const final = cause("final", [{ type: /^ValueError$/, message: /./ }]);

  it("ranks the error inside a wrapper above the wrapper, and gives it the wrapper's class", () => {
    const chain = parseTraceback(
      "TypeError: Error when deserializing class 'DepthwiseConv2D' using config={'groups': 1}.\n\nException encountered: Unrecognized keyword arguments passed to DepthwiseConv2D: {'groups': 1}",
    );
    const diagnosis = classify(chain, facts(), [inner, wrapper]);
    expect(diagnosis.cause).toBe("inner");
    expect(diagnosis.captures).toMatchObject({ name: "DepthwiseConv2D", wrappedClass: "DepthwiseConv2D", wrapper: "R9" });
    expect(diagnosis.evidence[0]).toMatch(/wrapped inside the final exception \(class DepthwiseConv2D\)/);
    expect(diagnosis.alternatives).toEqual([{ cause: "wrapper", confidence: expect.any(Number) }]);
  });

  it("ranks the final exception of a chain above an earlier one of equal weight", () => {
    const chain = parseTraceback(
      "Traceback (most recent call last):\nKeyError: 'x'\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\nValueError: y",
    );
    const ranked = rankCauses(chain, facts(), [earlier, final]);
    expect(ranked.map((r) => r.cause.id)).toEqual(["final", "earlier"]);
    expect(ranked[1].evidence[0]).toMatch(/exception 1 of the chain/);
  });

  it("matches the type on its last dotted part", () => {
    const notFound = cause("nf", [{ type: /^NotFoundError$/, message: /Op type not registered '(?<op>[^']+)'/ }]);
    const diagnosis = classify(
      parseTraceback("tensorflow.python.framework.errors_impl.NotFoundError: Op type not registered 'IO>DecodeJSON' in binary"),
      facts(),
      [notFound],
    );
    expect(diagnosis).toMatchObject({ cause: "nf", culprit: "IO>DecodeJSON" });
  });

  it("requires frame evidence when a matcher asks for it, on Windows paths and source lines too", () => {
    const decode = cause("decode", [
      { type: /^AttributeError$/, message: /'str' object has no attribute 'decode'/, frame: /keras\/saving\/hdf5_format\.py$/ },
    ]);
    const withFrame = parseTraceback(
      'Traceback (most recent call last):\n  File "C:\\py\\tensorflow_core\\python\\keras\\saving\\hdf5_format.py", line 166, in load_model_from_hdf5\n    model_config = json.loads(model_config.decode(\'utf-8\'))\nAttributeError: \'str\' object has no attribute \'decode\'',
    );
    const diagnosis = classify(withFrame, facts(), [decode]);
    expect(diagnosis.cause).toBe("decode");
    expect(diagnosis.evidence[1]).toMatch(/a frame agrees: C:\/py\/tensorflow_core\/python\/keras\/saving\/hdf5_format\.py/);
    const byCode = cause("by-code", [{ message: /decode/, frame: /model_config\.decode\(/ }]);
    expect(classify(withFrame, facts(), [byCode]).cause).toBe("by-code");
    expect(classify(parseTraceback("AttributeError: 'str' object has no attribute 'decode'"), facts(), [decode, unclassified]).cause).toBe(
      "unclassified",
    );
  });

  it("uses the cause's culprit function over the first capture", () => {
    const named = cause("named", [{ message: /layer (?<first>\w+) of (?<second>\w+)/ }], { culprit: (c) => c.second });
    expect(classify(parseTraceback("ValueError: layer a of b"), facts(), [named]).culprit).toBe("b");
  });
});

describe("classify falls back to unclassified", () => {
  it("names the real error and keeps the weak candidates as alternatives", () => {
    const weak = cause("weak", [{ message: /disk/, weight: 0.2 }]);
    const diagnosis = classify(parseTraceback("RuntimeError: disk quota exceeded\nmore detail"), facts(), [weak, unclassified]);
    expect(diagnosis.cause).toBe("unclassified");
    expect(diagnosis.title).toBe("title of unclassified");
    expect(diagnosis.confidence).toBeLessThan(0.3);
    expect(diagnosis.evidence[0]).toBe("the final error was RuntimeError: disk quota exceeded");
    expect(diagnosis.captures).toEqual({ exceptionType: "RuntimeError", exceptionMessage: "disk quota exceeded\nmore detail" });
    expect(diagnosis.alternatives).toEqual([{ cause: "weak", confidence: 0.2 }]);
  });

  it("says there was nothing to go on without a traceback or telling facts", () => {
    const diagnosis = classify(null, facts({ file: { format: "h5-model" } }), all);
    expect(diagnosis.cause).toBe("unclassified");
    expect(diagnosis.evidence[0]).toMatch(/no traceback/);
    expect(diagnosis.alternatives).toEqual([]);
  });

  it("never lets the unclassified cause match on its own", () => {
    const greedy = cause("unclassified", [{ message: /./, weight: 1 }]);
    expect(rankCauses(parseTraceback("ValueError: x"), facts(), [greedy])).toEqual([]);
  });
});

describe("classify tells `when` whether the frames show a load", () => {
  const seen: string[] = [];
  const spy = cause("spy", [{ message: /Unknown layer: (?<name>\w+)/ }], {
    when: (captures) => {
      seen.push(captures.stackShows);
      return captures.stackShows !== "other";
    },
  });
  const load = 'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n    model = load_model("m.h5")\nValueError: Unknown layer: X';
  const builder =
    'Traceback (most recent call last):\n  File "train.py", line 3, in <module>\n    model = build(cfg)\n  File "nas/builder.py", line 9, in make_layer\n    raise ValueError(msg)\nValueError: Unknown layer: X';

  it("says load, other or nothing, and keeps it out of the diagnosis' captures", () => {
    seen.length = 0;
    const loaded = classify(parseTraceback(load), facts(), [spy, unclassified]);
    const built = classify(parseTraceback(builder), facts(), [spy, unclassified]);
    const bare = classify(parseTraceback("ValueError: Unknown layer: X"), facts(), [spy, unclassified]);
    expect(seen).toEqual(["load", "other", "nothing"]);
    expect([loaded.cause, built.cause, bare.cause]).toEqual(["spy", "unclassified", "spy"]);
    // The frames add what they show (the path loaded, the calling code), never stackShows.
    expect(loaded.captures).toEqual({ name: "X", loadedPath: "m.h5", callingCode: "app" });
  });

  it("shows a frame to a pattern as file:function too, so a pattern can ask for the user's own from_config", () => {
    const userFromConfig = cause("user-from-config", [{ message: /^(?<detail>.+)/, frame: /^(?!.*site-packages).*\.py:from_config$/ }]);
    const text = (file: string) =>
      `Traceback (most recent call last):\n  File "${file}", line 88, in from_config\n    vocab = config.pop("vocabulary_file")\nKeyError: 'vocabulary_file'`;
    expect(classify(parseTraceback(text("C:\\code\\layers\\text.py")), facts(), [userFromConfig, unclassified]).cause).toBe("user-from-config");
    expect(classify(parseTraceback(text("/venv/lib/python3.11/site-packages/keras/src/layers/layer.py")), facts(), [userFromConfig, unclassified]).cause).toBe(
      "unclassified",
    );
  });
});

// How a chain carries proven fixes into the next cause's loads: combined, never silently dropping one, and refusing
// to combine two different modules of custom objects (LoadFix holds one).
import { describe, expect, it } from "vitest";
import { describeFix, lastTried, mergeFix, standingNext, withCarriedFix } from "../../src/engine/fix-chain.js";

describe("mergeFix", () => {
  it("keeps the earlier fix and adds the later one", () => {
    expect(mergeFix({ loadAs: ".h5" }, { compile: false })).toEqual({ loadAs: ".h5", compile: false });
  });

  it("joins custom objects and shims from the same module", () => {
    const earlier = { customObjectsModule: "/p/layers.py", customObjects: { A: "A" }, shims: ["depthwise-conv2d-groups"] };
    const later = { customObjectsModule: "/p/layers.py", customObjects: { B: "B" }, shims: ["depthwise-conv2d-groups"] };
    expect(mergeFix(earlier, later)).toEqual({ customObjectsModule: "/p/layers.py", customObjects: { A: "A", B: "B" }, shims: ["depthwise-conv2d-groups"] });
  });

  it("lets a later route (tf_keras, TFSMLayer) replace an earlier one instead of stacking both", () => {
    expect(mergeFix({ tfsmLayer: { callEndpoint: "serving_default" }, compile: false }, { legacyKeras: true })).toEqual({ compile: false, legacyKeras: true });
    expect(mergeFix({ legacyKeras: true, loadAs: ".h5" }, { tfsmLayer: { callEndpoint: "serve" } })).toEqual({ loadAs: ".h5", tfsmLayer: { callEndpoint: "serve" } });
    expect(mergeFix({ legacyKeras: true }, { compile: false })).toEqual({ legacyKeras: true, compile: false });
  });

  it("ignores a later key left undefined, and refuses two different modules", () => {
    expect(mergeFix({ compile: false }, { compile: undefined, safeMode: true })).toEqual({ compile: false, safeMode: true });
    expect(mergeFix({ customObjectsModule: "/p/a.py" }, { customObjectsModule: "/p/b.py" })).toBeNull();
  });
});

describe("withCarriedFix", () => {
  it("folds the carried fix into loads, loader scripts and re-saves, and leaves other actions alone", () => {
    const carried = { loadAs: ".h5" as const };
    expect(withCarriedFix({ kind: "verify-load", fix: { compile: false } }, carried)).toEqual({ kind: "verify-load", fix: { loadAs: ".h5", compile: false } });
    expect(withCarriedFix({ kind: "write-loader", fix: {} }, carried)).toEqual({ kind: "write-loader", fix: { loadAs: ".h5" } });
    expect(withCarriedFix({ kind: "find-sources", names: ["X"] }, carried)).toEqual({ kind: "find-sources", names: ["X"] });
  });

  it("describes a combined fix in a few words", () => {
    expect(describeFix({ loadAs: ".h5", compile: false })).toBe("a temporary copy named *.h5 + compile=False");
    expect(describeFix({})).toBe("no change");
  });
});

describe("the cause behind the first one", () => {
  const standing = (cause: string, hitFirst: boolean) => ({ cause, title: cause, culprit: null, confidence: 0.6, hitFirst, evidence: [], captures: {} });
  const first = {
    cause: "custom-layer-missing",
    title: "A custom layer's code is missing",
    culprit: "BackendDense",
    confidence: 0.88,
    evidence: [],
    captures: {},
    alternatives: [],
    causes: [standing("custom-layer-missing", true), standing("keras2-file-in-keras3", false), standing("custom-loss-missing", false)],
  };

  it("is the first listed cause no link walked yet, as a diagnosis its flow reads", () => {
    expect(standingNext(first, [first])?.diagnosis).toMatchObject({ cause: "keras2-file-in-keras3", captures: {}, alternatives: [] });
    expect(standingNext(first, [first, { ...first, cause: "keras2-file-in-keras3" }])?.cause.id).toBe("custom-loss-missing");
    expect(standingNext({ ...first, causes: undefined }, [first])).toBeNull();
  });

  it("carries the last fix a walk tried and failed with, not one that loaded or one without a load", () => {
    const tried = { customObjectsModule: "/p/layers.py", customObjects: { BackendDense: "BackendDense" } };
    const failed = { ok: false, summary: [], data: { fix: tried, attempt: { ok: false, seconds: 0, chain: [], warnings: [] } } };
    expect(lastTried({ find: { ok: true, summary: [] }, verify: failed })).toEqual(tried);
    expect(lastTried({ verify: { ok: false, summary: [], data: { fix: tried, moduleProblem: {} } } })).toBeNull();
  });
});

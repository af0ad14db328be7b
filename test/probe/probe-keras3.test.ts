// The real probe in the keras3 env (TF 2.21, Keras 3.15.1, tf_keras 2.21) on real models: loads that work and
// fail, every LoadFix, the legacy worker, TFSMLayer and resave-compare; one warm worker serves them all.
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProbe, type ProbeSession } from "../../src/core/probe/probe.js";
import { envPython, isAlive, makeTempDir, sha256, testModels } from "./helpers.js";

let session: ProbeSession;
let k3: string;
let k2: string;
let layersModule: string;
const scaleFix = () => ({ customObjectsModule: layersModule, customObjects: { ScaleLayer: "ScaleLayer" } });

beforeAll(async () => {
  k3 = testModels("keras3");
  k2 = testModels("keras2");
  layersModule = join(k3, "sources", "custom_layers.py");
  session = await startProbe({ python: envPython("keras3"), timeoutSeconds: 300 });
});

afterAll(async () => {
  const pids = session.pids();
  await session.close();
  expect(pids.filter(isAlive)).toEqual([]);
});

const types = (chain: { type: string }[]) => chain.map((e) => e.type);

describe("probe in the keras3 env", () => {
  it("reports Keras 3 on TensorFlow, with tf_keras installed but not in effect", () => {
    expect(session.env).toMatchObject({
      python: { version: expect.stringMatching(/^3\.11\./), source: "flag" },
      loader: "keras3",
      backend: "tensorflow",
      legacyKeras: false,
      importError: null,
      packages: { keras: "3.15.1", tensorflow: "2.21.0", tf_keras: "2.21.0", jax: null, torch: null },
    });
    expect(session.env.packages.numpy).toMatch(/^\d+\.\d+/);
    expect(session.env.packages.h5py).toMatch(/^\d+\.\d+/);
    expect(session.env.importSeconds).toBeGreaterThan(0);
  });

  it("loads a good model, and loads it again warm without importing Keras a second time", async () => {
    const first = await session.load(join(k3, "plain.keras"));
    const second = await session.load(join(k3, "plain.keras"));
    expect(first).toMatchObject({ ok: true, chain: [], model: { className: "Functional", params: 15 }, stage: null });
    expect(second.ok).toBe(true);
    expect(second.worker.pid).toBe(first.worker.pid);
    expect([first.worker.kerasImports, second.worker.kerasImports]).toEqual([1, 1]);
    expect((await session.refreshEnv()).importSeconds).toBe(session.env.importSeconds);
    console.info(
      `keras3 timings: import ${session.env.importSeconds?.toFixed(2)} s, first load ${first.seconds.toFixed(3)} s, ` +
        `warm second load ${second.seconds.toFixed(3)} s`,
    );
  });

  it("returns the whole chain of an unknown custom layer, first raised first, with Keras' own frames", async () => {
    const attempt = await session.load(join(k3, "custom.keras"));
    expect(attempt.ok).toBe(false);
    expect(attempt.stage).toBe("load");
    expect(attempt.chain.length).toBeGreaterThanOrEqual(2);
    const locate = attempt.chain.findIndex((e) => /Could not locate class 'ScaleLayer'/.test(e.message));
    expect(locate).toBeGreaterThanOrEqual(0);
    expect(locate).toBeLessThan(attempt.chain.length - 1);
    expect(types(attempt.chain)).toContain("TypeError");
    // Traceback filtering is off: the raising frame inside keras/src/saving is present.
    expect(attempt.chain[locate].frames.some((f) => /keras[\\/]src[\\/]saving[\\/]/.test(f.file))).toBe(true);
    expect(attempt.chain.flatMap((e) => e.frames).some((f) => /(keras_probe|probe_\w+)\.py$/.test(f.file))).toBe(false);
  });

  it("loads it with the layer imported by path (its sibling import works) and leaves no __pycache__ behind", async () => {
    const attempt = await session.load(join(k3, "custom.keras"), scaleFix());
    expect(attempt).toMatchObject({ ok: true, model: { className: "Functional", params: 18 } });
    expect(readdirSync(join(k3, "sources")).sort()).toEqual(["custom_layers.py", "scale_helpers.py"]);
  });

  it("reports a custom-objects module that raises as a failed fix, pointing at that module", async () => {
    const broken = join(makeTempDir(), "broken_layers.py");
    writeFileSync(broken, "import keras\nraise RuntimeError('half-written module')\n");
    const attempt = await session.load(join(k3, "custom.keras"), { customObjectsModule: broken, customObjects: { ScaleLayer: "ScaleLayer" } });
    expect(attempt).toMatchObject({ ok: false, stage: "fix" });
    expect(attempt.chain.at(-1)).toMatchObject({ type: "RuntimeError", message: "half-written module" });
    expect(attempt.chain.at(-1)!.frames.at(-1)!.file).toBe(broken);
  });

  it("needs compile=False for a model whose only custom object is its loss", async () => {
    const plain = await session.load(join(k3, "custom_loss.keras"));
    const uncompiled = await session.load(join(k3, "custom_loss.keras"), { compile: false });
    expect(plain.ok).toBe(false);
    expect(plain.chain.some((e) => /scaled_mse/.test(e.message))).toBe(true);
    expect(uncompiled).toMatchObject({ ok: true, model: { params: 15 } });
  });

  it("loads a Keras 2 DepthwiseConv2D file only with the groups shim", async () => {
    const bare = await session.load(join(k2, "depthwise.h5"));
    const shimmed = await session.load(join(k2, "depthwise.h5"), { shims: ["depthwise-conv2d-groups"] });
    expect(bare.ok).toBe(false);
    expect(bare.chain.some((e) => /groups/.test(e.message) && /DepthwiseConv2D/.test(e.message))).toBe(true);
    expect(shimmed).toMatchObject({ ok: true, model: { className: "Functional" } });
    expect(shimmed.model!.params).toBeGreaterThan(0);
  });

  it("reports an unknown shim as a failed fix", async () => {
    const attempt = await session.load(join(k2, "depthwise.h5"), { shims: ["no-such-shim"] });
    expect(attempt).toMatchObject({ ok: false, stage: "fix", chain: [{ type: "ValueError" }] });
  });

  it("loads a Keras 2 TFOpLambda file through tf_keras in a second, reused legacy worker", async () => {
    const keras3 = await session.load(join(k2, "tfop.h5"));
    const legacy = await session.load(join(k2, "tfop.h5"), { legacyKeras: true });
    const again = await session.load(join(k2, "tfop.h5"), { legacyKeras: true });
    expect(keras3.ok).toBe(false);
    expect(keras3.chain.some((e) => /TFOpLambda/.test(e.message))).toBe(true);
    expect(legacy).toMatchObject({ ok: true, model: { className: "Functional", params: 10 } });
    expect(again.worker.pid).toBe(legacy.worker.pid);
    expect(legacy.worker.pid).not.toBe(keras3.worker.pid);
    expect(session.legacyEnv).toMatchObject({ loader: "tf_keras", legacyKeras: true, backend: "tensorflow" });
    expect(session.pids()).toHaveLength(2);
  });

  it("wraps a SavedModel folder in TFSMLayer, and lists the endpoints when the one asked for is missing", async () => {
    const wrapped = await session.load(join(k2, "savedmodel"), { tfsmLayer: { callEndpoint: "serving_default" } });
    const wrong = await session.load(join(k2, "savedmodel"), { tfsmLayer: { callEndpoint: "no_such_endpoint" } });
    expect(wrapped).toMatchObject({ ok: true, model: { className: "Functional", params: 10 } });
    expect(wrong).toMatchObject({ ok: false, stage: "load", endpoints: ["serving_default"] });
    expect(wrong.chain.at(-1)!.message).toMatch(/no_such_endpoint/);
  });

  it("re-saves to a new .keras file, reloads it in a fresh Python and compares outputs, leaving the original untouched", async () => {
    const model = join(k3, "custom.keras");
    const before = sha256(model);
    const out = join(makeTempDir(), "custom.resaved.keras");
    const result = await session.resaveCompare(model, scaleFix(), out);
    expect(result).toMatchObject({ ok: true, stage: null, message: null, inputShapes: [[2, 4]], reload: { ok: true } });
    expect(result.maxAbsDiff).not.toBeNull();
    expect(result.maxAbsDiff!).toBeLessThan(1e-5);
    expect(existsSync(out)).toBe(true);
    expect(sha256(model)).toBe(before);

    const outBefore = sha256(out);
    const again = await session.resaveCompare(model, scaleFix(), out);
    expect(again).toMatchObject({ ok: false, stage: "save", error: [{ type: "FileExistsError" }] });
    expect(again.message).toMatch(/^save failed: FileExistsError/);
    expect(sha256(out)).toBe(outBefore);
  });

  it("re-saves a shimmed Keras 2 file into one that a fresh Keras 3 loads without the shim", async () => {
    const model = join(k2, "depthwise.h5");
    const before = sha256(model);
    const result = await session.resaveCompare(model, { shims: ["depthwise-conv2d-groups"] }, join(makeTempDir(), "depthwise.keras"));
    expect(result).toMatchObject({ ok: true, reload: { ok: true, model: { className: "Functional" } } });
    expect(result.maxAbsDiff!).toBeLessThan(1e-5);
    expect(sha256(model)).toBe(before);
  });

  it("stops at the load when the model does not load, and writes nothing", async () => {
    const dir = makeTempDir();
    const result = await session.resaveCompare(join(k3, "custom.keras"), {}, join(dir, "x.keras"));
    expect(result).toMatchObject({ ok: false, stage: "load", load: { ok: false } });
    expect(result.message).toMatch(/^load failed: /);
    expect(readdirSync(dir)).toEqual([]);
  });
});

// A file-reading class named by another spelling (a module path, a dotted class_name, a registered name): the safety
// read resolves names the way Keras does before it judges, and the probe's guard judges the class a name resolved
// to, so neither lets a spelling through. A positive control shows tf_keras' plain load reads the bait vocabulary;
// the guard refuses it in tf_keras and Keras 3, and lets the same file read the bait only with the typed-yes fix.
import { copyFileSync, mkdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanConfig } from "../../src/core/inspect/safety.js";
import { startProbe } from "../../src/core/probe/probe.js";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { runBounded, runCli } from "../robustness/helpers.js";

/** Where scripts/fixtures/make_hostile_names.py points the fixtures. */
const BAIT_DIR = "/tmp/keras-fix-hostile-names-bait";
const VOCAB = join(BAIT_DIR, "vocab.txt");
const hostile = join(modelsDir, "hostile-names");
const LONG_AGO = new Date("2020-01-01T00:00:00Z");
const ageBait = () => utimesSync(VOCAB, LONG_AGO, LONG_AGO);
const baitRead = () => statSync(VOCAB).atimeMs > LONG_AGO.getTime() + 1000;
const REFUSED = "keras_fix.KerasFixRefusedImport";

beforeAll(() => {
  rmSync(BAIT_DIR, { recursive: true, force: true });
  mkdirSync(BAIT_DIR, { recursive: true });
  copyFileSync(join(hostile, "bait", "vocab.txt"), VOCAB);
});
afterAll(() => rmSync(BAIT_DIR, { recursive: true, force: true }));

describe("the safety read resolves a name before it judges it", () => {
  const ids = (object: Record<string, unknown>, style: "native" | "legacy" = "native") =>
    scanConfig({ layers: [object] }, "c:", style, () => false).filter((f) => f.severity === "dangerous").map((f) => f.id);

  it("sees TFSMLayer, lookup layers, tokenizers and non-modeling functions under every spelling", () => {
    const path = { filepath: "/tmp/elsewhere" };
    expect(ids({ module: "keras", class_name: "layers.TFSMLayer", config: path })).toEqual(["config-tfsmlayer"]);
    expect(ids({ module: "keras.src.export.export_lib", class_name: "TFSMLayer", config: path })).toEqual(["config-tfsmlayer"]);
    expect(ids({ module: "my_pkg", class_name: "Anything", registered_name: "keras>TFSMLayer", config: path })).toContain("config-tfsmlayer");
    expect(ids({ class_name: "TFSMLayer", config: path }, "legacy")).toEqual(["config-tfsmlayer"]);
    const vocabulary = { vocabulary: "/etc/passwd" };
    expect(ids({ module: "keras", class_name: "layers.StringLookup", config: vocabulary })).toEqual(["config-vocabulary-path"]);
    expect(ids({ module: "tf_keras.src.layers.preprocessing.string_lookup", class_name: "StringLookup", config: vocabulary })).toEqual(["config-vocabulary-path"]);
    expect(ids({ module: "keras.layers", class_name: "Custom", registered_name: "keras.layers.TextVectorization", config: vocabulary })).toEqual(["config-vocabulary-path"]);
    expect(ids({ module: "keras_hub.src.tokenizers.word_piece_tokenizer", class_name: "WordPieceTokenizer", config: vocabulary })).toEqual(["config-tokenizer-file"]);
    expect(ids({ module: "keras_hub.tokenizers", class_name: "BytePairTokenizer", config: { vocabulary: "/v.json", merges: "/m.txt" } })).toEqual(["config-tokenizer-file", "config-tokenizer-file"]);
    expect(ids({ module: "x", class_name: "Tok", registered_name: "keras_hub>SentencePieceTokenizer", config: { proto: "/p.model" } })).toEqual(["config-tokenizer-file"]);
    expect(ids({ module: "keras", class_name: "function", config: "utils.get_file", registered_name: "function" })).toContain("config-non-modeling-api");
    expect(ids({ module: "keras", class_name: "utils.get_file", config: {} })).toEqual(["config-non-modeling-api"]);
  });

  it("leaves the ordinary spellings of harmless layers alone", () => {
    expect(ids({ module: "keras.layers", class_name: "StringLookup", config: { vocabulary: ["a", "b"] } })).toEqual([]);
    expect(ids({ module: "keras_hub.tokenizers", class_name: "WordPieceTokenizer", config: { vocabulary: null } })).toEqual([]);
    expect(ids({ module: "keras", class_name: "layers.Dense", config: { units: 2 } })).toEqual([]);
  });

  it("calls each hostile fixture dangerous (inspect exits 1) without reading the bait", async () => {
    for (const file of ["tfk-lookup-module-path.keras", "k3-lookup-dotted.keras", "k3-tfsm-dotted.keras"]) {
      ageBait();
      const run = await runCli(["inspect", join(hostile, file), "--json"], { timeoutMs: 60_000 });
      expect(run.code, file).toBe(1);
      expect((JSON.parse(run.stdout) as { safety: { verdict: string } }).safety.verdict, file).toBe("dangerous");
      expect(baitRead(), file).toBe(false);
    }
  });
});

describe("the guard judges the class a name resolved to", () => {
  const LOAD = "import sys, tf_keras\nm = tf_keras.models.load_model(sys.argv[1])\nprint('VOCAB', m.layers[-1].get_vocabulary())";

  it("the positive control: tf_keras' plain load reads the vocabulary a module-path spelling names", async () => {
    ageBait();
    const run = await runBounded([pythonFor("keras3"), "-c", LOAD, join(hostile, "tfk-lookup-module-path.keras")], { timeoutMs: 180_000 });
    expect(run.stdout, run.stderr.slice(-800)).toMatch(/VOCAB .*alpha.*beta/);
    expect(baitRead()).toBe(true);
  }, 200_000);

  it("refuses it in tf_keras and Keras 3.15 before the bait is read, and reads it only with the typed-yes fix", async () => {
    const cases: [string, Record<string, string>][] = [
      ["tfk-lookup-module-path.keras", { TF_USE_LEGACY_KERAS: "1" }],
      ["k3-lookup-dotted.keras", {}],
      ["k3-tfsm-dotted.keras", {}],
    ];
    for (const [file, env] of cases) {
      const probe = await startProbe({ python: { path: pythonFor("keras3"), source: "flag" }, timeoutSeconds: 300, env: { ...envVarsFor("keras3"), ...env } });
      try {
        ageBait();
        const load = await probe.load(join(hostile, file), {});
        expect({ file, ok: load.ok, type: load.chain.at(-1)?.type }).toEqual({ file, ok: false, type: REFUSED });
        expect(load.chain.at(-1)?.message, file).toMatch(/refused to build (StringLookup|TFSMLayer)/);
        expect(baitRead(), file).toBe(false);
        if (file.startsWith("tfk")) {
          const allowed = await probe.load(join(hostile, file), { allowStoredCode: true });
          expect(allowed.ok, JSON.stringify(allowed.chain.at(-1))).toBe(true);
          expect(baitRead()).toBe(true);
        }
      } finally {
        await probe.close();
      }
    }
  }, 600_000);
});

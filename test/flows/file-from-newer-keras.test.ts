// file-from-newer-keras on the real old loaders (TF 2.1, Keras 2.3.1, Keras 3.5): the version pair as culprit,
// the vetoes that hand Keras 2/3 cross-line files to their own causes, and the upgrade it offers (never runs).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { fileFromNewerKeras } from "../../flows/file-from-newer-keras/cause.js";
import { walkAutomatically } from "../../src/engine/auto-walk.js";
import { classify } from "../../src/core/classify/classify.js";
import { contentToPlain } from "../../src/core/content.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import { facts } from "../catalogue/facts.js";
import { factsFor } from "../catalogue/sidecar.js";
import { fixturesDir } from "../helpers/envs.js";

const dir = join(fixturesDir, "tracebacks", "file-from-newer-keras");
const chainOf = (name: string) => parseTraceback(readFileSync(join(dir, name), "utf8"));
const keras35 = { loader: "keras3" as const, python: { path: "/venv/bin/python", version: "3.12.1", source: "path" as const }, packages: { keras: "3.5.0" } };

describe("file-from-newer-keras", () => {
  it("names the version pair and the layer Keras 3.5 does not have", async () => {
    const given = await factsFor({ model: "fixtures/models/keras3-extra/newer_layer.keras", env: keras35 });
    expect(classify(chainOf("keras-3.5.0--rmsnormalization-not-located.txt"), given, causes)).toMatchObject({
      cause: "file-from-newer-keras",
      culprit: "RMSNormalization, written by Keras 3.15.1 and unknown to Keras 3.5.0",
    });
  });

  it("does not claim a class the loader already has, nor custom classes", () => {
    const loaderHasIt = facts({ env: { loader: "keras3", packages: { keras: "3.15.1" } } });
    expect(fileFromNewerKeras.when!({ className: "RMSNormalization" }, loaderHasIt)).toBe(false);
    expect(fileFromNewerKeras.when!({ className: "ScaledDense" }, facts())).toBe(false);
  });

  it("reads TF 2.1's tuple-printed TypeError as an argument from a newer Keras", () => {
    const diagnosis = classify(chainOf("tf-2.1.4--keyword-groups-json.txt"), facts(), causes);
    expect(diagnosis).toMatchObject({ cause: "file-from-newer-keras", culprit: "groups" });
  });

  it("offers `pip install \"keras>=3.15\"` for a 3.15 file on Python 3.12, and --auto installs nothing", async () => {
    const given = await factsFor({ model: "fixtures/models/keras3/sequential.keras", env: keras35 });
    const diagnosis = classify(chainOf("keras-3.5.0--quantization-config-keras.txt"), given, causes);
    const walk = await walkAutomatically(fileFromNewerKeras, { ...given, diagnosis, modelPath: "m.keras" }, {}, async () => {
      throw new Error("--auto must not run an action here");
    });
    expect(walk.outcome).toBe("not-fixed");
    expect(walk.steps.map((step) => contentToPlain(step.content)).join("\n")).toContain('/venv/bin/python -m pip install "keras>=3.15"');
  });

  it("detects a newer file from facts alone, stronger when it uses a layer the loader lacks", async () => {
    const given = await factsFor({ model: "fixtures/models/keras3-extra/newer_layer.keras", env: keras35 });
    const found = fileFromNewerKeras.detect!(given);
    expect(found?.captures.className).toBe("RMSNormalization");
    expect(found?.confidence).toBeGreaterThan(0.8);
  });
});

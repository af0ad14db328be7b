// h5py3-str-decode: the real TF 2.1 / Keras 2.3.1 env with h5py 3.8 fails on a real H5 model, and the classifier
// names the cause from that traceback and the env's versions; a user's own .decode() bug on a modern TF does not.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { oldLoaderWithH5py3 } from "../../flows/h5py3-str-decode/cause.js";
import { modelsDir, pythonFor } from "../helpers/envs.js";
import { baseFor, causeOf, ok, walkWith } from "../catalogue/walk.js";
import { envFacts, facts } from "../catalogue/facts.js";

const cause = causeOf("h5py3-str-decode");
const model = join(modelsDir, "keras2", "sequential.h5");

describe("h5py3-str-decode", () => {
  for (const [label, code] of [
    ["multi-backend Keras 2.3.1", `import keras; keras.models.load_model(${JSON.stringify(model)})`],
    ["TF 2.1 tf.keras", `import tensorflow as tf; tf.keras.models.load_model(${JSON.stringify(model)})`],
  ] as const) {
    it(`classifies the real ${label} failure`, () => {
      const run = spawnSync(pythonFor("tf21-py37"), ["-c", code], { encoding: "utf8" });
      expect(run.status).not.toBe(0);
      const env = { packages: { keras: "2.3.1", tensorflow: "2.1.4", h5py: "3.8.0" }, loader: "keras2" as const };
      const base = baseFor(facts({ env }), run.stderr);
      expect(base.diagnosis).toMatchObject({ cause: "h5py3-str-decode", culprit: "h5py 3.8.0" });
      expect(base.diagnosis.evidence.join(" ")).toMatch(/a frame agrees: .*(?:engine\/saving|hdf5_format)\.py/);
    });
  }

  it("knows which version pairs break", () => {
    expect(oldLoaderWithH5py3(envFacts({ packages: { tensorflow: "2.3.4", h5py: "3.1.0" } }))).toBe(true);
    expect(oldLoaderWithH5py3(envFacts({ packages: { tensorflow: "2.4.0", h5py: "3.1.0" } }))).toBe(false);
    expect(oldLoaderWithH5py3(envFacts({ packages: { tensorflow: "2.1.4", h5py: "2.10.0" } }))).toBe(false);
    expect(oldLoaderWithH5py3(envFacts({ packages: { keras: "2.3.1", tensorflow: "1.15.5", h5py: "3.0.0" } }))).toBe(true);
  });

  it("pins h5py only with consent, through the env's own Python", () => {
    const base = baseFor(
      facts({ env: { python: { path: "/venv/bin/python", version: "3.7.17", source: "virtualenv" }, packages: { tensorflow: "2.1.4", h5py: "3.8.0" } } }),
      "AttributeError: 'str' object has no attribute 'decode'",
    );
    const route = cause.steps.find((s) => s.id === "route");
    expect(route?.kind === "choice" && route.auto).toBe("show");
    expect(route?.kind === "choice" && route.options.find((o) => o.id === "pin")?.needsConsent).toBeTruthy();
    const pinned = walkWith(cause, base, { route: "pin" }, { pin: ok() });
    expect(pinned.requests).toEqual([{ kind: "run-command", argv: ["/venv/bin/python", "-m", "pip", "install", "h5py<3"] }]);
    expect(walkWith(cause, base, {}).text).toContain('/venv/bin/python -m pip install "h5py<3"');
  });
});

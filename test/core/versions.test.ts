// The version arithmetic against the cases users actually bring: which Keras line a stored version is, which
// TensorFlow wrote it, and the exact pip commands that load it on their Python.
import { describe, expect, it } from "vitest";
import { loaderKerasVersion, versionFacts } from "../../src/core/versions/versions.js";
import { compareVersions, kerasLineOf, parseKerasVersion, writtenByTfKeras } from "../../src/core/versions/numbers.js";
import { keras3PythonFloor, newestKeras3For, tfKerasOf, tfMinorThatWrote, tfSupportsPython } from "../../src/core/versions/tables.js";
import { installPlanFor, legacyKerasRoute, pipArgv, pipCommand } from "../../src/core/versions/plans.js";
import type { EnvFacts, ModelFacts } from "../../src/core/types.js";

describe("parseKerasVersion", () => {
  it("reads the strings files store", () => {
    expect(parseKerasVersion("2.2.4-tf")).toEqual({ major: 2, minor: 2, patch: 4, flavor: "tf", raw: "2.2.4-tf" });
    expect(parseKerasVersion("3.15.1")).toMatchObject({ major: 3, minor: 15, patch: 1, flavor: null });
    expect(parseKerasVersion("2.15.0.post1")).toMatchObject({ major: 2, minor: 15, patch: 0, flavor: null });
    expect(parseKerasVersion("3.0.0rc1")).toMatchObject({ major: 3, minor: 0, patch: 0 });
    expect(parseKerasVersion("2.4")).toMatchObject({ major: 2, minor: 4, patch: 0 });
  });
  it("refuses what is not a version", () => {
    expect(parseKerasVersion(null)).toBeNull();
    expect(parseKerasVersion("")).toBeNull();
    expect(parseKerasVersion("tensorflow")).toBeNull();
  });
  it("orders by number, not by text", () => {
    expect(compareVersions("3.15.1", "3.5.0")).toBeGreaterThan(0);
    expect(compareVersions("2.9.0", "2.15.0")).toBeLessThan(0);
    expect(compareVersions("2.2.4-tf", "2.2.4")).toBe(0);
  });
});

describe("kerasLineOf and who wrote a file", () => {
  it("names the line of every era", () => {
    expect(kerasLineOf("1.2.2")).toBe("keras1");
    expect(kerasLineOf("2.3.1")).toBe("keras2");
    expect(kerasLineOf("2.2.4-tf")).toBe("tf-keras2");
    expect(kerasLineOf("2.4.0")).toBe("tf-keras2");
    expect(kerasLineOf("2.15.0")).toBe("tf-keras2");
    expect(kerasLineOf("2.21.0")).toBe("tf-keras2");
    expect(kerasLineOf("3.0.5")).toBe("keras3");
    expect(kerasLineOf(null)).toBeNull();
  });
  it("knows tf_keras files by their 2.16+ numbers", () => {
    expect(writtenByTfKeras("2.21.0")).toBe(true);
    expect(writtenByTfKeras("2.15.0")).toBe(false);
    expect(writtenByTfKeras("3.15.1")).toBe(false);
  });
  it("maps tf.keras versions back to the TensorFlow that wrote them", () => {
    expect(tfMinorThatWrote("2.2.4-tf")).toBe("2.0");
    expect(tfMinorThatWrote("2.3.0-tf")).toBe("2.2");
    expect(tfMinorThatWrote("2.4.0")).toBe("2.3");
    expect(tfMinorThatWrote("2.15.0")).toBe("2.15");
    expect(tfMinorThatWrote("2.3.1")).toBeNull();
    expect(tfMinorThatWrote("3.15.1")).toBeNull();
  });
  it("pairs TensorFlow minors with their Keras", () => {
    expect(tfKerasOf("2.1")).toMatchObject({ keras: "2.2.4-tf" });
    expect(tfKerasOf("2.15")).toEqual({ line: "tf-keras2", keras: "2.15.0", tfKeras: null });
    expect(tfKerasOf("2.16")).toEqual({ line: "keras3", keras: "3", tfKeras: "2.16" });
  });
});

describe("Python tables", () => {
  it("matches the wheels pip offers", () => {
    expect(tfSupportsPython("2.15", "3.11.7")).toBe(true);
    expect(tfSupportsPython("2.15", "3.12.1")).toBe(false);
    expect(tfSupportsPython("2.16", "3.12.1")).toBe(true);
    expect(tfSupportsPython("2.19", "3.13.0")).toBe(false);
    expect(tfSupportsPython("2.20", "3.13.0")).toBe(true);
    expect(tfSupportsPython("2.21", "3.9.18")).toBe(false);
    expect(tfSupportsPython("2.1", "3.7.17")).toBe(true);
    expect(tfSupportsPython("2.21", "3.14.0")).toBe(false);
  });
  it("knows the Keras 3 floors", () => {
    expect(keras3PythonFloor("3.5.0")).toBe("3.9");
    expect(keras3PythonFloor("3.12.4")).toBe("3.10");
    expect(keras3PythonFloor("3.15.1")).toBe("3.11");
    expect(newestKeras3For("3.9.18")).toBe("3.10");
    expect(newestKeras3For("3.10.4")).toBe("3.12");
    expect(newestKeras3For("3.12.1")).toBe("3.15");
    expect(newestKeras3For("3.8.10")).toBeNull();
  });
});

describe("installPlanFor", () => {
  it("Keras 2.15 file (TFOpLambda) on Python 3.12 with nothing installed: TF 2.16 + tf_keras 2.16 + TF_USE_LEGACY_KERAS", () => {
    const [first] = installPlanFor({ fileKerasVersion: "2.15.0", fileLine: "tf-keras2", userPython: "3.12.4", currentPackages: {} });
    expect(first.route).toBe("tf-keras-legacy");
    expect(pipCommand(first)).toBe('python -m pip install "tensorflow==2.16.*" "tf_keras==2.16.*"');
    expect(first.env).toEqual({ TF_USE_LEGACY_KERAS: "1" });
    expect(first.loadCode).toContain("tf_keras.models.load_model");
  });
  it("the same file on Python 3.11: TensorFlow 2.15, its own Keras 2", () => {
    const [first] = installPlanFor({ fileKerasVersion: "2.15.0", fileLine: "tf-keras2", userPython: "3.11.7", currentPackages: {} });
    expect(pipCommand(first)).toBe('python -m pip install "tensorflow==2.15.*"');
    expect(first.env).toEqual({});
  });
  it("the same file in the keras3 env (TF 2.21 + tf_keras 2.21): nothing to install, only TF_USE_LEGACY_KERAS", () => {
    const plans = installPlanFor({
      fileKerasVersion: "2.15.0",
      fileLine: "tf-keras2",
      userPython: "3.11.7",
      currentPackages: { tensorflow: "2.21.0", keras: "3.15.1", tf_keras: "2.21.0" },
    });
    expect(plans[0]).toMatchObject({ route: "tf-keras-legacy", packages: [], env: { TF_USE_LEGACY_KERAS: "1" } });
    expect(pipCommand(plans[0])).toBeNull();
    expect(plans.map((p) => p.route)).toContain("keras2-tensorflow");
  });
  it("TF 2.18 without tf_keras: adds the matching tf_keras only", () => {
    const [first] = installPlanFor({
      fileKerasVersion: "2.12.0",
      fileLine: "tf-keras2",
      userPython: "3.12.4",
      currentPackages: { tensorflow: "2.18.1", keras: "3.8.0", tf_keras: null },
    });
    expect(first.packages).toEqual(['"tf_keras==2.18.*"']);
    expect(pipArgv(first, "/venv/bin/python")).toEqual(["/venv/bin/python", "-m", "pip", "install", "tf_keras==2.18.*"]);
  });
  it("an old tf.keras 2.4 file on Python 3.10 gets the oldest TF that reads it and has wheels there", () => {
    const [first] = installPlanFor({ fileKerasVersion: "2.4.0", fileLine: "tf-keras2", userPython: "3.10.12", currentPackages: {} });
    expect(pipCommand(first)).toBe('python -m pip install "tensorflow==2.8.*"');
  });
  it("a TF 2.2 file on Python 3.7 needs h5py < 3 with its TensorFlow", () => {
    const [first] = installPlanFor({ fileKerasVersion: "2.3.0-tf", fileLine: "tf-keras2", userPython: "3.7.17", currentPackages: {} });
    expect(first.packages).toEqual(['"tensorflow==2.2.*"', '"h5py<3"']);
  });
  it("a Keras 2.15 file on TF 2.1 / Python 3.7 (tf21-py37): best effort TF 2.11, and the Python that the sure route needs", () => {
    const plans = installPlanFor({
      fileKerasVersion: "2.15.0",
      fileLine: "tf-keras2",
      userPython: "3.7.17",
      currentPackages: { tensorflow: "2.1.4", keras: "2.3.1" },
    });
    expect(plans[0]).toMatchObject({ pythonOk: true, packages: ['"tensorflow==2.11.*"'] });
    expect(plans[1]).toMatchObject({ pythonOk: false, pythonNeeded: "3.9–3.11" });
  });
  it("a Keras 3.15 file in Keras 3.5 on Python 3.12: upgrade Keras", () => {
    const [first] = installPlanFor({
      fileKerasVersion: "3.15.1",
      fileLine: "keras3",
      userPython: "3.12.1",
      currentPackages: { keras: "3.5.0" },
    });
    expect(first).toMatchObject({ route: "keras3-upgrade", pythonOk: true });
    expect(pipCommand(first)).toBe('python -m pip install "keras>=3.15"');
  });
  it("a Keras 3.15 file on Python 3.10: says Python 3.11 is needed, and offers the newest Keras 3.10 can have", () => {
    const plans = installPlanFor({ fileKerasVersion: "3.15.1", fileLine: "keras3", userPython: "3.10.12", currentPackages: { keras: "3.5.0" } });
    expect(plans[0]).toMatchObject({ pythonOk: false, pythonNeeded: "3.11" });
    expect(plans[1].packages).toEqual(['"keras==3.12.*"']);
  });
  it("a Keras 3 file in the keras2 env (TF 2.15): TensorFlow moves to Keras 3 too", () => {
    const [first] = installPlanFor({
      fileKerasVersion: "3.15.1",
      fileLine: "keras3",
      userPython: "3.11.7",
      currentPackages: { tensorflow: "2.15.1", keras: "2.15.0" },
    });
    expect(first.route).toBe("keras3-install");
    expect(first.packages).toEqual(['"tensorflow==2.21.*"', '"keras>=3.15"']);
    expect(first.newEnvRecommended).toBe(true);
  });
  it("a tf_keras 2.21 file where only Keras 3 is: tf_keras first", () => {
    const [first] = installPlanFor({
      fileKerasVersion: "2.21.0",
      fileLine: "tf-keras2",
      userPython: "3.11.7",
      currentPackages: { tensorflow: "2.21.0", keras: "3.15.1", tf_keras: null },
    });
    expect(first.packages).toEqual(['"tf_keras==2.21.*"']);
  });
  it("a Keras 1 file: multi-backend Keras on TF 1.15, which needs Python ≤ 3.7", () => {
    const [first] = installPlanFor({ fileKerasVersion: null, fileLine: "keras1", userPython: "3.11.7", currentPackages: {} });
    expect(first).toMatchObject({ route: "multibackend", pythonOk: false, pythonNeeded: "3.6–3.7" });
    expect(first.packages).toContain('"h5py<3"');
  });
});

describe("legacyKerasRoute", () => {
  it("has no answer on a Python no TensorFlow ≥ 2.16 supports", () => {
    expect(legacyKerasRoute({ userPython: "3.8.18", currentPackages: {} })).toBeNull();
    expect(legacyKerasRoute({ userPython: "3.14.0", currentPackages: {} })).toBeNull();
  });
  it("picks TF 2.20 on Python 3.13", () => {
    expect(legacyKerasRoute({ userPython: "3.13.1", currentPackages: {} })?.packages).toEqual([
      '"tensorflow==2.20.*"',
      '"tf_keras==2.20.*"',
    ]);
  });
  it("realigns a tf_keras whose minor differs from TensorFlow's", () => {
    expect(
      legacyKerasRoute({ userPython: "3.11.7", currentPackages: { tensorflow: "2.21.0", tf_keras: "2.19.0" } })?.packages,
    ).toEqual(['"tf_keras==2.21.*"']);
  });
});

describe("versionFacts", () => {
  const env = (partial: Partial<EnvFacts>): EnvFacts => ({
    python: { path: "/p", version: "3.11.7", source: "path" },
    packages: {},
    backend: null,
    legacyKeras: false,
    loader: null,
    importError: null,
    importSeconds: null,
    ...partial,
  });
  const file = (kerasVersion: string) => ({ kerasVersion, kerasLine: kerasLineOf(kerasVersion) }) as ModelFacts;

  it("reads tf.keras' own version in TF 2.1 even beside multi-backend Keras 2.3.1 (tf21-py37)", () => {
    const tf21 = env({ loader: "tf.keras", packages: { tensorflow: "2.1.4", keras: "2.3.1" } });
    expect(loaderKerasVersion(tf21)).toBe("2.2.4-tf");
    expect(versionFacts({ file: file("2.15.0"), env: tf21, load: null }).relation).toBe("newer-file");
  });
  it("tells the cross-line cases apart", () => {
    const keras3 = env({ loader: "keras3", packages: { keras: "3.15.1", tensorflow: "2.21.0", tf_keras: "2.21.0" } });
    expect(versionFacts({ file: file("2.15.0"), env: keras3, load: null }).relation).toBe("keras2-in-keras3");
    expect(versionFacts({ file: file("2.21.0"), env: keras3, load: null }).relation).toBe("tfkeras-in-keras3");
    const keras2 = env({ loader: "tf.keras", packages: { keras: "2.15.0", tensorflow: "2.15.1" } });
    expect(versionFacts({ file: file("3.15.1"), env: keras2, load: null }).relation).toBe("keras3-in-keras2");
    const keras35 = env({ loader: "keras3", packages: { keras: "3.5.0" } });
    expect(versionFacts({ file: file("3.15.1"), env: keras35, load: null }).relation).toBe("newer-file");
    expect(versionFacts({ file: file("3.3.3"), env: keras35, load: null }).relation).toBe("same-or-older-file");
    expect(versionFacts({ file: null, env: keras35, load: null }).relation).toBe("unknown");
  });
});

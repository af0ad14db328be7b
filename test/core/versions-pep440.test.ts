// Version arithmetic is PEP 440 (@renovatebot/pep440); only the Keras/TensorFlow knowledge is ours: tf.keras' `-tf`
// strings, which Python each plan needs, and the explicit Requires-Python check of pip's dry-run report.
import { describe, expect, it } from "vitest";
import { requiresPythonRefusals, trialPythonMinors } from "../../src/core/trial/environment.js";
import { compareVersions, parseKerasVersion, pythonMinor, pythonMinorsAllowedBy, versionSatisfies } from "../../src/core/versions/numbers.js";
import { installPlanFor } from "../../src/core/versions/plans.js";

describe("versions: PEP 440 arithmetic with the Keras knowledge on top", () => {
  it("orders pre-, post- and short releases as PEP 440 does, and tf.keras' -tf strings by their numbers", () => {
    expect(compareVersions("3.0.0rc1", "3.0.0")).toBeLessThan(0);
    expect(compareVersions("2.15.0.post1", "2.15.0")).toBeGreaterThan(0);
    expect(compareVersions("3.15", "3.15.0")).toBe(0);
    expect(compareVersions("3.15.1", "3.5.0")).toBeGreaterThan(0);
    expect(compareVersions("2.3.0-tf", "2.2.4-tf")).toBeGreaterThan(0);
    expect(compareVersions("junk", "1.0")).toBeLessThan(0);
    expect(parseKerasVersion("3.0.0rc1")).toMatchObject({ major: 3, minor: 0, patch: 0, flavor: null });
    expect(parseKerasVersion("2.3.0-tf")).toMatchObject({ major: 2, minor: 3, flavor: "tf" });
    expect(pythonMinor("3.12.0rc2")).toBe("3.12");
    expect(pythonMinor("3.11.7+")).toBe("3.11");
  });

  it("gives each plan a Requires-Python specifier that the user's Python is checked against", () => {
    const [keras3] = installPlanFor({ fileKerasVersion: "3.15.1", fileLine: "keras3", userPython: "3.10.13", currentPackages: { keras: "3.5.0" } });
    expect(keras3.requiresPython).toBe(">=3.11");
    expect(keras3.pythonOk).toBe(false);
    expect(versionSatisfies("3.10", keras3.requiresPython)).toBe(false);
    const [tf215] = installPlanFor({ fileKerasVersion: "2.15.0", fileLine: "tf-keras2", userPython: "3.11.7", currentPackages: {} });
    expect(tf215.packages).toEqual(['"tensorflow==2.15.*"']);
    expect(tf215.requiresPython).toBe(">=3.9,<3.12");
    // A Keras 3 plan that must move TensorFlow too needs a Python both allow.
    const [withTf] = installPlanFor({ fileKerasVersion: "3.15.1", fileLine: "keras3", userPython: "3.11.7", currentPackages: { keras: "2.15.0", tensorflow: "2.15.1" } });
    expect(withTf.requiresPython).toBe(">=3.11,>=3.10,<3.14");
  });

  it("picks the trial's Python from the specifier, nearest the user's minor first", () => {
    expect(pythonMinorsAllowedBy(">=3.9,<3.12", "3.13")).toEqual(["3.11", "3.10", "3.9"]);
    expect(pythonMinorsAllowedBy(">=3.11", "3.10")).toEqual(["3.11", "3.12", "3.13"]);
    expect(pythonMinorsAllowedBy(">=3.6,<3.8")).toEqual(["3.7", "3.6"]);
    // Python 3.14 has no TensorFlow at all: the TF 2.15 plan needs 3.9–3.11, the newest first.
    const [tf215] = installPlanFor({ fileKerasVersion: "2.15.0", fileLine: "tf-keras2", userPython: "3.14.0", currentPackages: {} });
    expect(tf215.pythonOk).toBe(false);
    expect(trialPythonMinors(tf215, "3.14.0")).toEqual(["3.11", "3.10", "3.9"]);
  });

  it("names the packages of pip's dry-run report whose Requires-Python excludes the trial's Python", () => {
    const report = JSON.stringify({
      install: [
        { metadata: { name: "keras", version: "3.15.1", requires_python: ">=3.10" } },
        { metadata: { name: "numpy", version: "2.3.0", requires_python: ">=3.11" } },
        { metadata: { name: "old", version: "1.0", requires_python: "<3.12,>=3.9" } },
        { metadata: { name: "patchy", version: "1.0", requires_python: ">=3.10.1" } },
        { metadata: { name: "any", version: "1.0" } },
      ],
    });
    expect(requiresPythonRefusals(report, "3.10")).toEqual(["numpy 2.3.0 (>=3.11)"]);
    expect(requiresPythonRefusals(report, "3.12")).toEqual(["old 1.0 (<3.12,>=3.9)"]);
    expect(requiresPythonRefusals("not json", "3.12")).toEqual([]);
  });
});

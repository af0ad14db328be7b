// The pure parts of trial environments: what a trial installs, which Python it needs and finds, how it is named,
// and what a pip failure means. The real trial (venv, pip, load) is test/integration/trial-env.test.ts.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findPythonOfMinor, pipFailure, reportedInstall, trialCacheDir, trialName, trialPins, trialPythonMinors } from "../../src/core/trial/environment.js";
import { installPlanFor, planStatus } from "../../src/core/versions/plans.js";
import type { EnvFacts } from "../../src/core/types.js";

const jaxEnv = {
  python: { path: "/x/bin/python", version: "3.12.1", source: "flag" },
  packages: { keras: "3.5.0", jax: "0.4.31", jaxlib: "0.4.31", tensorflow: null },
  backend: "jax",
  legacyKeras: false,
  loader: "keras3",
  importError: null,
  importSeconds: 1,
} as EnvFacts;

const keras3Plan = (python: string) =>
  installPlanFor({ fileKerasVersion: "3.15.1", fileLine: "keras3", userPython: python, currentPackages: { keras: "3.5.0" } });

describe("trial environments: the arithmetic", () => {
  it("installs the plan plus the user's own Keras backend, pinned to their version", () => {
    expect(trialPins(keras3Plan("3.12.1")[0], jaxEnv)).toEqual(["keras>=3.15", "jax==0.4.31", "jaxlib==0.4.31"]);
    // A plan that brings TensorFlow (a Keras 2 route) decides the backend itself.
    const tfPlan = installPlanFor({ fileKerasVersion: "2.15.0", fileLine: "tf-keras2", userPython: "3.11.7", currentPackages: {} })[0];
    expect(trialPins(tfPlan, jaxEnv).some((pin) => pin.startsWith("jax"))).toBe(false);
  });

  it("uses the user's Python minor when the plan fits it, else the range or floor the plan needs", () => {
    expect(trialPythonMinors(keras3Plan("3.12.1")[0], "3.12.1")).toEqual(["3.12"]);
    const [tooOld] = keras3Plan("3.10.13");
    expect(trialPythonMinors(tooOld, "3.10.13")[0]).toBe("3.11");
    expect(trialPythonMinors({ ...tooOld, pythonOk: false, requiresPython: ">=3.9,<3.12" }, "3.13.0")).toEqual(["3.11", "3.10", "3.9"]);
  });

  it("finds a Python of a minor in pyenv's versions, then on PATH", async () => {
    const root = mkdtempSync(join(tmpdir(), "keras-fix-pyenv-"));
    const bin = join(root, "versions", "3.12.4", "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "python3.12"), "#!/bin/sh\n");
    chmodSync(join(bin, "python3.12"), 0o755);
    const home = join(root, "home");
    expect(await findPythonOfMinor("3.12", null, { HOME: home, PYENV_ROOT: root, PATH: "" })).toEqual({ path: join(bin, "python3.12"), source: "pyenv" });
    expect(await findPythonOfMinor("3.12", null, { HOME: home, PYENV_ROOT: join(root, "none"), PATH: bin })).toEqual({ path: join(bin, "python3.12"), source: "path" });
    expect(await findPythonOfMinor("3.9", null, { HOME: home, PYENV_ROOT: root, PATH: bin })).toBeNull();
  });

  it("names a trial by the Python and what it installs, and keeps the cache where the user points it", () => {
    expect(trialName("3.12", ["b", "a"], {})).toBe(trialName("3.12", ["a", "b"], {}));
    expect(trialName("3.12", ["a"], {})).not.toBe(trialName("3.11", ["a"], {}));
    expect(trialName("3.12", ["a"], {})).toMatch(/^py3\.12-[0-9a-f]{12}$/);
    expect(trialCacheDir({ KERAS_FIX_TRIAL_CACHE: "/c/t" })).toBe("/c/t");
    expect(trialCacheDir({ XDG_CACHE_HOME: "/xdg" })).toBe(join("/xdg", "keras-fix", "trials"));
  });

  it("says what a pip failure means: no network, no such version, a conflict", () => {
    const failed = (stderr: string) => ({ exitCode: 1, signal: null, timedOut: false, stdout: "", stderr });
    expect(pipFailure(failed("WARNING: Retrying ... NewConnectionError('<...>: Failed to establish a new connection')"))).toMatch(/could not reach the package index/);
    expect(pipFailure(failed("ERROR: Could not find a version that satisfies the requirement keras>=9 (from versions: 3.0.0)"))).toMatch(/no keras>=9/);
    expect(pipFailure(failed("ERROR: Could not find a version that satisfies the requirement keras>=3.15 (from versions: none)"))).toMatch(/no network, or/);
    expect(pipFailure(failed("ERROR: ResolutionImpossible: for help visit ..."))).toMatch(/no set of versions/);
    expect(pipFailure({ ...failed(""), timedOut: true })).toMatch(/did not finish in time/);
    expect(reportedInstall('{"install":[{"metadata":{"name":"Keras","version":"3.15.1"}}]}')).toEqual([["keras", "3.15.1"]]);
  });

  it("a plan nobody tried is unproven", () => {
    expect(planStatus(keras3Plan("3.12.1")[0])).toBe("unproven");
  });
});

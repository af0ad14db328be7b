// Env facts from the packages' own metadata and from the oldest stacks, in real environments: TF 2.13 with NumPy 2
// forced over it (tf213-numpy2: `import tensorflow` fails, NumPy prints its ABI paragraph, tensorflow-cpu declares
// numpy<=1.24.3), TF 1.15 on Python 3.6 (tf115-py36: the probe must run there, reading METADATA files by hand), and
// Python 2.7 (diagnosed as too old, in the human report and the JSON). One warm worker per environment.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { causes } from "../../flows/index.js";
import { classify } from "../../src/core/classify/classify.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { startProbe } from "../../src/core/probe/probe.js";
import { findConflicts, markerHolds, parseRequirement, pinSatisfying } from "../../src/core/probe/requirements.js";
import { autoWalk, causeOf, plainWalk } from "../catalogue/walk.js";
import { jsonOf, runCli } from "../helpers/cli.js";
import { modelsDir, python27, pythonFor } from "../helpers/envs.js";
import { isAlive } from "./helpers.js";

const linux = { python_version: "3.11", python_full_version: "3.11.7", sys_platform: "linux", platform_system: "Linux", platform_machine: "x86_64" };

describe("declared requirements (pip check in Node)", () => {
  it("reads Requires-Dist lines in both spellings, with extras and markers", () => {
    expect(parseRequirement("numpy (<=1.24.3,>=1.22)")).toEqual({ name: "numpy", specifier: "<=1.24.3,>=1.22", marker: null });
    expect(parseRequirement('tensorflow-intel==2.13.1; platform_system == "Windows"')).toEqual({ name: "tensorflow-intel", specifier: "==2.13.1", marker: 'platform_system == "Windows"' });
    expect(parseRequirement("ml_dtypes[dev]>=0.3.1 ; extra == 'and-cuda'")).toMatchObject({ name: "ml-dtypes", specifier: ">=0.3.1" });
    expect(parseRequirement("pkg @ https://example.com/pkg.whl")).toBeNull();
  });

  it("evaluates markers: versions as versions, and/or/parentheses, no extras requested", () => {
    expect(markerHolds('python_version < "3.12"', linux)).toBe(true);
    expect(markerHolds('python_version >= "3.9" and python_version < "3.11"', linux)).toBe(false);
    expect(markerHolds('(platform_system == "Darwin" or sys_platform == "linux") and platform_machine != "arm64"', linux)).toBe(true);
    expect(markerHolds('extra == "and-cuda"', linux)).toBe(false);
    expect(markerHolds("python_version > '3.10' and \"linux\" in sys_platform", linux)).toBe(true);
  });

  it("finds violated requirements and the pin that satisfies all of them", () => {
    const distributions = [
      { name: "tensorflow-cpu", version: "2.13.1", requires: ["numpy (<=1.24.3,>=1.22)", 'numpy<1.20; python_version < "3.8"', "keras (<2.14,>=2.13.1)"] },
      { name: "h5py", version: "3.11.0", requires: ["numpy>=1.17.3"] },
      { name: "numpy", version: "2.0.2", requires: [] },
      { name: "keras", version: "2.13.1", requires: [] },
    ];
    expect(findConflicts(distributions, linux)).toEqual([
      { requirer: "tensorflow-cpu", requirerVersion: "2.13.1", name: "numpy", installed: "2.0.2", specifier: "<=1.24.3,>=1.22", requirement: "numpy (<=1.24.3,>=1.22)" },
    ]);
    expect(pinSatisfying("numpy", distributions, linux)).toBe("numpy>=1.22,<=1.24.3");
  });
});

describe("real environments", () => {
  it("tf213-numpy2: the import's stderr, the violated requirement, and env-package-conflict naming the pair", async () => {
    const model = join(modelsDir, "keras2", "sequential.h5");
    const session = createDiagnoseSession({ modelPath: model, python: pythonFor("tf213-numpy2"), timeoutSeconds: 240 });
    try {
      const result = await session.diagnose(() => {});
      const env = result.env!;
      expect(env.packages).toMatchObject({ numpy: "2.0.2", tensorflow: "2.13.1" });
      expect(env.importError!.at(-1)).toMatchObject({ type: "TypeError", message: expect.stringMatching(/^Unable to convert function return value to a Python type!/) });
      expect(env.importStderr).toMatch(/A module that was compiled using NumPy 1\.x cannot be run in\s+NumPy 2\.0\.2/);
      expect(env.distributions!.find((d) => d.name === "tensorflow-cpu")?.requires).toContain("numpy (<=1.24.3,>=1.22)");
      expect(env.conflicts).toContainEqual(expect.objectContaining({ requirer: "tensorflow-cpu", name: "numpy", installed: "2.0.2", specifier: "<=1.24.3,>=1.22" }));
      expect(result.diagnosis).toMatchObject({ cause: "env-package-conflict", culprit: "numpy 2.0.2, while tensorflow-cpu 2.13.1 needs <=1.24.3,>=1.22" });
      const walk = await autoWalk(causeOf("env-package-conflict"), { file: result.file, env, load: result.load, diagnosis: result.diagnosis!, modelPath: model });
      expect(walk.outcome).toBe("not-fixed");
      expect(plainWalk(walk)).toContain(`${env.python.path} -m pip install "numpy>=1.22,<=1.24.3"`);
      expect(plainWalk(walk)).toMatch(/not tried yet/);
    } finally {
      await session.close();
    }
  });

  it("tf115-py36: the probe runs on Python 3.6, reads METADATA by hand, and loads with TF 1.15's tf.keras", async () => {
    const session = await startProbe({ python: { path: pythonFor("tf115-py36"), source: "flag" }, timeoutSeconds: 240 });
    try {
      expect(session.env).toMatchObject({ python: { version: expect.stringMatching(/^3\.6\./) }, loader: "tf.keras", importError: null, packages: { tensorflow: "1.15.5", numpy: "1.18.5", h5py: "2.10.0" } });
      expect(session.env.distributions!.find((d) => d.name === "tensorflow")?.requires).toEqual(expect.arrayContaining([expect.stringMatching(/^numpy/), expect.stringMatching(/^h5py/)]));
      expect(session.env.conflicts).toEqual([]);
      // A file TF 2.1 wrote loads in TF 1.15.
      const old = await session.load(join(modelsDir, "tf21", "tfkeras_sequential.h5"));
      expect(old).toMatchObject({ ok: true, model: { className: "Sequential" } });
      // A TF 2.15 file fails on its saved optimizer (`Custom>Adam`, a name TF 1.15 never had): a real cause, and
      // compile=False proves the fix.
      const newer = await session.load(join(modelsDir, "keras2", "sequential.h5"));
      expect(newer.ok).toBe(false);
      const diagnosis = classify(newer.chain, { file: null, env: session.env, load: newer }, causes);
      expect(diagnosis).toMatchObject({ cause: "compile-config-incompatible", culprit: "Custom>Adam" });
      expect(await session.load(join(modelsDir, "keras2", "sequential.h5"), { compile: false })).toMatchObject({ ok: true });
    } finally {
      const pids = session.pids();
      await session.close();
      expect(pids.filter(isAlive)).toEqual([]);
    }
  });

  it("Python 2.7: python-too-old in the JSON and in the human report, exit 1, no stack trace", () => {
    const model = join(modelsDir, "keras2", "sequential.h5");
    const python = python27();
    const json = runCli(["--json", "--python", python, model]);
    const report = jsonOf(json);
    expect(report.env.python.version).toMatch(/^2\.7\.\d+$/);
    expect(report.diagnosis).toMatchObject({ cause: "python-too-old", culprit: `Python ${report.env.python.version} (${python})` });
    expect(report.walk.outcome).toBe("not-fixed");
    expect(json.status).toBe(1);
    const human = runCli(["--auto", "--python", python, model]);
    expect(human.stdout).toContain("This Python is too old for Keras");
    expect(human.stdout).toContain("keras-fix --python .venv/bin/python");
    expect(human.stdout + human.stderr).not.toMatch(/\n\s+at .+\.js:\d+/);
    expect(human.status).toBe(1);
  });
});

// python-too-old: a Python older than the probe runs on (2.7, 3.0-3.5) is named with its version and path, and the
// walk says which Python to use instead, from the file's Keras line. The real Python 2.7 run (CLI, JSON and human
// report) is in test/probe/env-facts.test.ts; here the facts the probe session reports for it.
import { describe, expect, it } from "vitest";
import { tooOldPython } from "../../flows/python-too-old/cause.js";
import { autoWalk, baseFor, causeOf, plainWalk } from "../catalogue/walk.js";
import { envFacts, facts } from "../catalogue/facts.js";

const cause = causeOf("python-too-old");
const py27 = { python: { path: "/usr/bin/python", version: "2.7.18", source: "path" as const } };

describe("python-too-old", () => {
  it("wins over keras-not-installed for a Python 2.7 that imported nothing", async () => {
    const base = baseFor(facts({ env: py27, file: { format: "h5-model", path: "m.h5", kerasVersion: "2.2.4", kerasLine: "keras2" } }), null);
    expect(base.diagnosis).toMatchObject({ cause: "python-too-old", culprit: "Python 2.7.18 (/usr/bin/python)" });
    expect(base.diagnosis.alternatives.map((a) => a.cause)).not.toContain("keras-not-installed");
    const walk = await autoWalk(cause, base);
    expect(walk.outcome).toBe("not-fixed");
    expect(plainWalk(walk)).toContain('pip install "tensorflow==1.15.5" "h5py<3"');
  });

  it("suggests Python 3.11 and Keras 3 for a Keras 3 file", async () => {
    const base = baseFor(facts({ env: { python: { path: "/opt/py35/bin/python3", version: "3.5.10", source: "flag" } }, file: { format: "keras-zip", path: "m.keras", kerasVersion: "3.4.1", kerasLine: "keras3" } }), null);
    expect(base.diagnosis.cause).toBe("python-too-old");
    expect(plainWalk(await autoWalk(cause, base))).toContain("pip install keras tensorflow");
  });

  it("draws the line at 3.6", () => {
    expect(tooOldPython(envFacts({ python: { path: "p", version: "3.5.10", source: "path" } }))).toEqual([3, 5]);
    expect(tooOldPython(envFacts({ python: { path: "p", version: "3.6.15", source: "path" } }))).toBeNull();
    expect(tooOldPython(null)).toBeNull();
  });
});

// After a trial proved a plan (issue 21 §8), the instructions are the exact set proven: every pin at the version pip
// resolved there, the backend the trial added with it, and the trial's Python when it is not the user's.
import { describe, expect, it } from "vitest";
import { contentToPlain } from "../../src/core/content.js";
import { planContent } from "../../src/core/versions/plans.js";
import type { InstallPlan } from "../../src/core/types.js";
import { asProven } from "../../flows/_shared/version-steps.js";

const plan: InstallPlan = {
  route: "keras3-upgrade",
  packages: ['"keras>=3.15"'],
  env: {},
  pythonOk: true,
  pythonNeeded: null,
  requiresPython: ">=3.10",
  newEnvRecommended: false,
  why: [],
  loadCode: 'import keras\nmodel = keras.models.load_model("model.keras")',
};

describe("a proven plan's instructions", () => {
  it("pin the resolved versions, with the backend the trial installed", () => {
    const proven = asProven({ ...plan, proof: { proven: true, pins: ["keras>=3.15", "jax==0.4.31", "jaxlib==0.4.31"], resolved: { keras: "3.15.1" }, python: "3.12", dir: "/cache/t", message: "loads" } }, "3.12.1");
    expect(proven.packages).toEqual(["keras==3.15.1", "jax==0.4.31", "jaxlib==0.4.31"]);
    expect(contentToPlain(planContent(proven, "/venv/bin/python"))).toContain("/venv/bin/python -m pip install keras==3.15.1 jax==0.4.31 jaxlib==0.4.31");
  });

  it("name tensorflow for the trial's tensorflow-cpu, and make a new environment on the trial's Python when it differs", () => {
    const proven = asProven(
      { ...plan, packages: ['"keras==3.12.*"', '"tensorflow==2.20.*"'], proof: { proven: true, pins: ["keras==3.12.*", "tensorflow-cpu==2.20.*"], resolved: { keras: "3.12.4", "tensorflow-cpu": "2.20.0" }, python: "3.11", dir: "/cache/t", message: "loads" } },
      "3.13.1",
    );
    expect(proven.packages).toEqual(["keras==3.12.4", "tensorflow==2.20.0"]);
    const text = contentToPlain(planContent(proven, "/venv/bin/python"));
    expect(text).toContain("This needs Python 3.11");
    expect(text).toMatch(/python3\.11 -m venv \S+\n\s*\S+\/bin\/python -m pip install keras==3\.12\.4 tensorflow==2\.20\.0/);
  });

  it("leave an unproven plan as it is", () => {
    expect(asProven(plan, "3.12.1")).toBe(plan);
  });
});

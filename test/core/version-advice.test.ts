// The version advice says each plan once, and every command in it is for the interpreter it names: never "make an
// environment with Python 3.11" followed by the current (3.12) interpreter's pip.
import { describe, expect, it } from "vitest";
import { contentToPlain } from "../../src/core/content.js";
import { installPlanFor, NEW_ENV_DIR, pipCommand, planContent } from "../../src/core/versions/plans.js";

const USER_PYTHON = "/home/u/venv312/bin/python";

describe("planContent", () => {
  it("a set this Python cannot install: the commands make and use a new environment, never this Python's pip", () => {
    // A multi-backend Keras 2.2.4 file on Python 3.12: its last fallback (TF 1.15) needs an older Python.
    const plans = installPlanFor({ fileKerasVersion: "2.2.4", fileLine: "keras2", userPython: "3.12.4", currentPackages: { keras: "3.15.1" } });
    const needsOther = plans.filter((plan) => !plan.pythonOk);
    expect(needsOther.length).toBeGreaterThan(0);
    for (const plan of needsOther) {
      const text = contentToPlain(planContent(plan, USER_PYTHON));
      expect(text).toContain(`This needs Python ${plan.pythonNeeded}`);
      expect(text).not.toContain(`${USER_PYTHON} -m pip`);
      expect(text).toMatch(new RegExp(`python3\\.\\d+ -m venv ${NEW_ENV_DIR}`));
      if (plan.packages.length > 0) expect(text).toContain(pipCommand(plan, `${NEW_ENV_DIR}/bin/python`)!);
    }
  });

  it("a set this Python can install: one pip command, for this Python", () => {
    const [plan] = installPlanFor({ fileKerasVersion: "2.15.0", fileLine: "tf-keras2", userPython: "3.11.7", currentPackages: {} });
    expect(plan.pythonOk).toBe(true);
    const text = contentToPlain(planContent(plan, USER_PYTHON));
    expect(text.split(pipCommand(plan, USER_PYTHON)!).length - 1).toBe(1);
    expect(text).not.toContain("-m venv");
  });
});

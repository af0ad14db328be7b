// The wizard's chain (issue 9 §2, §8): when a load with the walk's fix fails on another diagnosed error, the wizard
// says the fix got past the first cause, shows the new diagnosis, and walks it with that fix carried into its loads;
// the summary names the final cause. Real chains run in test/integration/fix-chain.test.ts; here the session is
// scripted and the chain's own movedOn/withCarriedFix are the real ones.
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { paragraphs } from "../../src/core/content.js";
import { movedOn, withCarriedFix } from "../../src/engine/fix-chain.js";
import type { ActionRequest, ActionResult } from "../../src/core/types.js";
import { diagnosedResult, diagnosisFor, KEY, renderApp, ScriptedSession } from "./helpers.js";
import { walkCause } from "./test-causes.js";

afterEach(() => cleanup());

const second = diagnosisFor(walkCause, { culprit: "OtherLayer", evidence: ["the load now raised: Could not locate class 'OtherLayer'"] });

describe("the wizard walks on when a fix meets another error", () => {
  it("shows the next cause, carries the first fix into its loads, and ends on it (exit 0)", async () => {
    let loads = 0;
    const answer = (request: ActionRequest): ActionResult => {
      if (request.kind === "verify-load" && loads++ === 0) {
        // Past ScaledDense (the copy named .h5 was needed too), into OtherLayer.
        const attempt = { ok: false, seconds: 0.1, chain: [{ type: "TypeError", message: "Could not locate class 'OtherLayer'", frames: [] }], warnings: [] };
        return { ok: false, summary: paragraphs("Still failing."), data: { attempt, fix: { ...request.fix, loadAs: ".h5" }, diagnosis: second } };
      }
      return { ok: true, summary: paragraphs("It loads now."), data: { attempt: { ok: true } } };
    };
    const session = new ScriptedSession({ result: diagnosedResult(walkCause), answer });
    const chain = {
      next: (results: Record<string, ActionResult>, met: unknown[]) => {
        const next = movedOn(results);
        return next && met.length === 1 ? { next, cause: walkCause } : null;
      },
      carry: withCarriedFix,
    };
    const app = renderApp({ target: "model.keras", session, inputs: { found: "x.py" }, chain });
    await app.see("What happens next");
    await app.press(KEY.enter);
    await app.see("Where is the code for the layer?");
    await app.press(KEY.enter);
    await app.see("Not fixed yet: It still does not load");
    await app.press(KEY.enter);
    await app.see('That got past "A test layer is missing"; the load now meets another problem');
    expect(app.frame()).toContain("At fault: OtherLayer");
    await app.press(KEY.enter);
    await app.see("Where is the code for the layer?");
    await app.press(KEY.enter);
    await app.see("Keep this fix?");
    await app.press("2");
    await app.see("What was wrong: A test layer is missing (OtherLayer)");
    expect(session.requests.filter((r) => r.kind === "verify-load").map((r) => (r as { fix: unknown }).fix)).toEqual([
      { customObjectsModule: "x.py" },
      { customObjectsModule: "x.py", loadAs: ".h5" },
    ]);
    await app.press(KEY.enter);
    expect(await app.exited).toBe(0);
  });
});

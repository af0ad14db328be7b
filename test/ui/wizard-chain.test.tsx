// The wizard's chain (issue 9 §2, §8): when a load with the walk's fix fails on another diagnosed error, the wizard
// says the fix got past the first cause, shows the new diagnosis, and walks it with that fix carried into its loads;
// the summary names the final cause. Real chains run in test/integration/fix-chain.test.ts; here the session is
// scripted and the chain's own movedOn/withCarriedFix are the real ones.
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { paragraphs } from "../../src/core/content.js";
import { describeFix, movedOn, withCarriedFix } from "../../src/engine/fix-chain.js";
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
      describe: describeFix,
    };
    const app = renderApp({ target: "model.keras", session, inputs: { found: "x.py" }, chain });
    await app.see("What happens next");
    await app.press(KEY.enter);
    await app.see("Where is the code for the layer?");
    await app.press(KEY.enter);
    // Like --auto, it goes straight on: no "Not fixed yet" screen for a cause the fix got past.
    await app.see('got past "A test layer is missing". The load now meets another');
    expect(app.frame()).not.toContain("Not fixed yet");
    expect(app.frame()).toContain("✔ a temporary copy named *.h5 got past");
    // The retry's own line says it is another problem, not news of the same one.
    expect(app.frame()).toContain("The load got further: it now meets another problem");
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

  it("a retry that meets the same cause again says so plainly, never as news (issue 21)", async () => {
    const same = diagnosisFor(walkCause);
    const answer = (request: ActionRequest): ActionResult => {
      const attempt = { ok: false, seconds: 0.1, chain: [{ type: "TypeError", message: "Could not locate class 'ScaledDense' (module x)", frames: [] }], warnings: [] };
      // As effects.ts words a failed verify-load: the error, then the cause it now points to.
      return {
        ok: false,
        summary: paragraphs("Still failing: TypeError.", "This is now: A test layer is missing (test-walk)."),
        data: { attempt, fix: (request as { fix: unknown }).fix, diagnosis: same },
      };
    };
    const session = new ScriptedSession({ result: diagnosedResult(walkCause), answer });
    const chain = { next: () => null, carry: withCarriedFix, describe: describeFix };
    const app = renderApp({ target: "model.keras", session, inputs: { found: "x.py" }, chain });
    await app.see("What happens next");
    await app.press(KEY.enter);
    await app.see("Where is the code for the layer?");
    await app.press(KEY.enter);
    await app.see("Not solved: it is still A test layer is missing");
    expect(app.frame()).toContain("The cause did not change.");
    expect(app.frame()).not.toContain("This is now");
    expect(app.frame()).not.toContain("(test-walk)");
  });
});

// The wizard's early session: diagnose() runs before the App asks for it, and the App still sees every stage the
// run reported before and after it subscribed, then the same result; a failure before then is not unhandled.
import { describe, expect, it } from "vitest";
import type { StageProgress } from "../../src/engine/session.js";
import { startEarly } from "../../src/modes/early-session.js";
import { ScriptedSession } from "./helpers.js";

const before: StageProgress[] = [
  { stage: "find-python", status: "running" },
  { stage: "inspect", status: "running" },
];

describe("startEarly", () => {
  it("replays what was reported before the App subscribed, then passes on the rest and the result", async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const inner = new ScriptedSession({ progress: before, gate, result: new Error("placeholder") });
    const loads = { file: null, env: null, load: null, diagnosis: null, cause: null, outcome: "loads" as const };
    // The scripted session reports `before`, waits at the gate, then reports one more stage and resolves.
    inner.diagnose = async (onProgress) => {
      for (const p of before) onProgress(p);
      await gate;
      onProgress({ stage: "inspect", status: "done" });
      return loads;
    };
    const early = startEarly(inner);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const seen: StageProgress[] = [];
    const result = early.diagnose((p) => seen.push(p));
    expect(seen).toEqual(before);
    open();
    expect(await result).toBe(loads);
    expect(seen.at(-1)).toEqual({ stage: "inspect", status: "done" });
    await early.close();
    expect(inner.closeCalls).toBe(1);
  });

  it("a failure before the App asks is kept for it, not thrown as unhandled", async () => {
    const early = startEarly(new ScriptedSession({ result: new Error("probe broke") }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(early.diagnose(() => {})).rejects.toThrow("probe broke");
  });
});

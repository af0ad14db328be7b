// --auto never lifts keras-fix's stored-code guard: an action whose fix carries allowStoredCode is refused by the
// automatic walk itself, even if a flow routed --auto to it by mistake (only the wizard's typed "yes" may set it).
import { expect, it } from "vitest";
import { walkAutomatically } from "../../src/engine/auto-walk.js";
import type { ActionRequest, Cause } from "../../src/core/types.js";

const wrongFlow = {
  id: "wrong-flow",
  title: "a flow that would load with the guard lifted without asking",
  summary: () => [],
  matchers: [],
  start: "load",
  steps: [
    { kind: "action", id: "load", title: "load", action: () => ({ kind: "verify-load", fix: { allowStoredCode: true } }), onSuccess: "end", onFailure: "end" },
    { kind: "end", id: "end", outcome: "fixed", title: "end", body: () => [] },
  ],
} as unknown as Cause;

it("refuses an allowStoredCode fix in --auto and never runs the action", async () => {
  const ran: ActionRequest[] = [];
  const base = { diagnosis: { captures: {} } } as never;
  await expect(
    walkAutomatically(wrongFlow, base, {}, async (request) => {
      ran.push(request);
      return { ok: true, summary: [] };
    }),
  ).rejects.toThrow(/stored code without consent/);
  expect(ran).toEqual([]);
});

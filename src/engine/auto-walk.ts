// Walks a cause's steps without asking: each choice takes its declared `auto` option, actions run through the
// session, and the walk stops at an end step. This is what --auto, --json and the non-TTY mode share.
import { autoOptionId, choose, completeAction, contextFor, currentStep, optionLabel, proceed, startWalk, type WalkState } from "./step-machine.js";
import type { ActionRequest, ActionResult, Cause, Content, Outcome, StepContext } from "../core/types.js";

export interface TakenStep {
  id: string;
  kind: string;
  title: string;
  content: Content;
  choice?: { id: string; label: string };
  request?: ActionRequest;
  result?: ActionResult;
}

export interface AutoWalk {
  outcome: Outcome;
  steps: TakenStep[];
  state: WalkState;
  /** explain: the action step the walk stopped before, since it needs the model file or a Python (nothing runs). */
  stoppedBefore?: { id: string; title: string };
}

// Flows are graphs checked by the catalogue test to end; this bound only guards against a bug looping forever.
const MAX_STEPS = 64;

/**
 * explain's walk: the same path as --auto, as far as it goes without running anything. It stops before the first
 * action (a load, a search of the user's files, a command), which needs the model file, a Python or both.
 */
export async function walkWithoutActions(cause: Cause, base: Omit<StepContext, "results" | "inputs">, inputs: Record<string, string> = {}): Promise<AutoWalk> {
  return walkAutomatically(cause, base, inputs, () => Promise.reject(new Error("explain runs no action")), { stopBeforeActions: true });
}

export async function walkAutomatically(
  cause: Cause,
  base: Omit<StepContext, "results" | "inputs">,
  inputs: Record<string, string>,
  runAction: (request: ActionRequest) => Promise<ActionResult>,
  options: { stopBeforeActions?: boolean } = {},
): Promise<AutoWalk> {
  let state = startWalk(cause, inputs);
  const steps: TakenStep[] = [];
  for (let n = 0; n < MAX_STEPS; n++) {
    const ctx = contextFor(base, state);
    const step = currentStep(cause, state);
    if (step.kind === "action" && options.stopBeforeActions) return { outcome: "not-fixed", steps, state, stoppedBefore: { id: step.id, title: step.title } };
    const content = step.kind === "end" ? step.body(ctx) : (step.body?.(ctx) ?? []);
    const taken: TakenStep = { id: step.id, kind: step.kind, title: step.title, content };
    steps.push(taken);
    switch (step.kind) {
      case "end":
        return { outcome: step.outcome, steps, state };
      case "info":
        state = proceed(cause, state);
        break;
      case "choice": {
        const autoId = autoOptionId(cause, step, ctx);
        const option = step.options.find((o) => o.id === autoId);
        if (!option || option.needsConsent) throw new Error(`cause ${cause.id}: step ${step.id} has no safe auto option`);
        taken.choice = { id: option.id, label: optionLabel(option, ctx) };
        state = choose(cause, state, option.id);
        break;
      }
      case "action": {
        const request = step.action(ctx);
        taken.request = request;
        // Stored code runs only after a typed "yes", which --auto never gives: refuse even if a flow is wrong.
        if ("fix" in request && request.fix.allowStoredCode) throw new Error(`cause ${cause.id}: step ${step.id} would run the model's stored code without consent`);
        let result: ActionResult;
        try {
          result = await runAction(request);
        } catch (error) {
          result = { ok: false, summary: [[{ kind: "text", value: `This step could not run: ${(error as Error).message}` }]] };
        }
        taken.result = result;
        state = completeAction(cause, state, result);
        break;
      }
      case "input":
        throw new Error(`cause ${cause.id}: --auto reached input step ${step.id}; its flow must route around it`);
    }
  }
  throw new Error(`cause ${cause.id}: the automatic walk did not end within ${MAX_STEPS} steps`);
}

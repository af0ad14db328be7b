// Helpers for the flow tests: build the StepContext a cause's steps see from facts and a traceback (through the
// real classifier), walk a cause with --auto or with chosen options, and render content as plain text. Actions go
// to a scripted runner that fails the test on any request it was not given.
import { causes } from "../../flows/index.js";
import { walkAutomatically, type AutoWalk } from "../../src/engine/auto-walk.js";
import { classify } from "../../src/core/classify/classify.js";
import { contentToPlain } from "../../src/core/content.js";
import { autoOptionId, choose, completeAction, contextFor, currentStep, proceed, startWalk, type WalkState } from "../../src/engine/step-machine.js";
import { parseTraceback } from "../../src/core/classify/traceback.js";
import type { ActionRequest, ActionResult, Cause, Facts, StepContext } from "../../src/core/types.js";

export type Base = Omit<StepContext, "results" | "inputs">;

export function causeOf(id: string): Cause {
  const cause = causes.find((candidate) => candidate.id === id);
  if (!cause) throw new Error(`no cause ${id} in the registry`);
  return cause;
}

/** Classifies with the real catalogue and returns the context the winning cause's steps would see. */
export function baseFor(facts: Facts, tracebackText: string | null, modelPath: string | null = facts.file?.path ?? null): Base {
  const chain = tracebackText === null ? null : parseTraceback(tracebackText);
  const diagnosis = classify(chain, facts, causes);
  return { ...facts, diagnosis, modelPath };
}

/** A runner that answers only the requests it was given, in order; anything else fails the test. */
export function scriptedRunner(script: { expect: (request: ActionRequest) => boolean; result: ActionResult }[]) {
  const seen: ActionRequest[] = [];
  const run = async (request: ActionRequest): Promise<ActionResult> => {
    seen.push(request);
    const next = script.shift();
    if (!next || !next.expect(request)) throw new Error(`unexpected action request ${JSON.stringify(request)}`);
    return next.result;
  };
  return { run, seen };
}

export function autoWalk(cause: Cause, base: Base, runAction = scriptedRunner([]).run): Promise<AutoWalk> {
  return walkAutomatically(cause, base, {}, runAction);
}

export function plainWalk(walk: AutoWalk): string {
  return walk.steps.map((step) => `# ${step.title}\n${contentToPlain(step.content)}`).join("\n");
}

/** Walks by hand: info steps pass, choices take `picks[stepId]`, actions take `results[stepId]`. */
export function walkWith(
  cause: Cause,
  base: Base,
  picks: Record<string, string>,
  results: Record<string, ActionResult> = {},
): { state: WalkState; visited: string[]; requests: ActionRequest[]; text: string } {
  let state = startWalk(cause, {});
  const visited: string[] = [];
  const requests: ActionRequest[] = [];
  const texts: string[] = [];
  for (let n = 0; n < 64; n++) {
    const ctx = contextFor(base, state);
    const step = currentStep(cause, state);
    visited.push(step.id);
    const body = step.kind === "end" ? step.body(ctx) : (step.body?.(ctx) ?? []);
    texts.push(`# ${step.title}\n${contentToPlain(body)}`);
    if (step.kind === "end") break;
    if (step.kind === "input") throw new Error(`walkWith does not type into input step ${step.id}`);
    if (step.kind === "info") state = proceed(cause, state);
    else if (step.kind === "choice") state = choose(cause, state, picks[step.id] ?? autoOptionId(cause, step, ctx));
    else {
      requests.push(step.action(ctx));
      const result = results[step.id];
      if (!result) throw new Error(`no scripted result for action ${step.id}`);
      state = completeAction(cause, state, result);
    }
  }
  return { state, visited, requests, text: texts.join("\n") };
}

export const ok = (data: Record<string, unknown> = {}): ActionResult => ({ ok: true, summary: [], data });
export const failed: ActionResult = { ok: false, summary: [] };

// Walks one cause's steps as a pure state machine: the UI and --auto both drive it, and neither knows Keras.
// No I/O here: an action step is completed by handing its result back through `completeAction`.
import type { ActionResult, AutoPick, Cause, ChoiceOption, Outcome, Step, StepContext } from "../core/types.js";

export interface WalkState {
  causeId: string;
  stepId: string;
  /** Step ids visited before the current one, for Back. */
  trail: string[];
  /** Action results by step id; steps read them through ctx.results. */
  results: Record<string, ActionResult>;
  inputs: Record<string, string>;
  outcome: Outcome | null;
}

export function stepOf(cause: Cause, stepId: string): Step {
  const step = cause.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`cause ${cause.id} has no step ${stepId}`);
  return step;
}

function enter(cause: Cause, state: WalkState, nextId: string): WalkState {
  const next = stepOf(cause, nextId);
  return {
    ...state,
    stepId: nextId,
    trail: [...state.trail, state.stepId],
    outcome: next.kind === "end" ? next.outcome : null,
  };
}

export function startWalk(cause: Cause, inputs: Record<string, string> = {}): WalkState {
  const first = stepOf(cause, cause.start);
  return {
    causeId: cause.id,
    stepId: cause.start,
    trail: [],
    results: {},
    inputs,
    outcome: first.kind === "end" ? first.outcome : null,
  };
}

export function currentStep(cause: Cause, state: WalkState): Step {
  return stepOf(cause, state.stepId);
}

export function visibleOptions(step: Step, ctx: StepContext): ChoiceOption[] {
  if (step.kind !== "choice") return [];
  return step.options.filter((option) => !option.when || option.when(ctx));
}

/** Every option --auto may take at a choice. */
export function autoOptionIds(auto: string | AutoPick): string[] {
  return typeof auto === "string" ? [auto] : auto.among;
}

/** The option --auto takes here; a pick outside its declared `among` is a bug in the flow. */
export function autoOptionId(cause: Cause, step: Step, ctx: StepContext): string {
  if (step.kind !== "choice") throw new Error(`step ${step.id} is ${step.kind}, not a choice`);
  const id = typeof step.auto === "string" ? step.auto : step.auto.pick(ctx);
  if (!autoOptionIds(step.auto).includes(id)) throw new Error(`cause ${cause.id}: step ${step.id} picked ${id} outside its auto options`);
  return id;
}

export function optionLabel(option: ChoiceOption, ctx: StepContext): string {
  return typeof option.label === "function" ? option.label(ctx) : option.label;
}

/** Moves past an info step. */
export function proceed(cause: Cause, state: WalkState): WalkState {
  const step = currentStep(cause, state);
  if (step.kind !== "info") throw new Error(`step ${step.id} is ${step.kind}, not info`);
  return enter(cause, state, step.next);
}

export function choose(cause: Cause, state: WalkState, optionId: string): WalkState {
  const step = currentStep(cause, state);
  if (step.kind !== "choice") throw new Error(`step ${step.id} is ${step.kind}, not a choice`);
  const option = step.options.find((o) => o.id === optionId);
  if (!option) throw new Error(`step ${step.id} has no option ${optionId}`);
  return enter(cause, state, option.next);
}

export function completeAction(cause: Cause, state: WalkState, result: ActionResult): WalkState {
  const step = currentStep(cause, state);
  if (step.kind !== "action") throw new Error(`step ${step.id} is ${step.kind}, not an action`);
  const withResult = { ...state, results: { ...state.results, [step.id]: result } };
  return enter(cause, withResult, result.ok ? step.onSuccess : step.onFailure);
}

export function submitInput(cause: Cause, state: WalkState, value: string): WalkState {
  const step = currentStep(cause, state);
  if (step.kind !== "input") throw new Error(`step ${step.id} is ${step.kind}, not an input`);
  return enter(cause, { ...state, inputs: { ...state.inputs, [step.key]: value } }, step.next);
}

/** Back to the previous step that asked something (info and action steps are passed over). */
export function back(cause: Cause, state: WalkState): WalkState {
  const trail = [...state.trail];
  while (trail.length > 0) {
    const previous = trail.pop()!;
    const kind = stepOf(cause, previous).kind;
    if (kind === "choice" || kind === "input") {
      return { ...state, stepId: previous, trail, outcome: null };
    }
  }
  return state;
}

export function contextFor(base: Omit<StepContext, "results" | "inputs">, state: WalkState): StepContext {
  return { ...base, results: state.results, inputs: state.inputs };
}

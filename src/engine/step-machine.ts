// Walks one cause's steps as a pure state machine: the UI and --auto both drive it, and neither knows Keras.
// No I/O here: an action step is completed by handing its result back through `completeAction`.
import { strong, text } from "../core/content.js";
import type { ActionRequest, ActionResult, AutoPick, Cause, ChoiceOption, Content, Diagnosis, LoadAttempt, LoadFix, Outcome, Step, StepContext, Token } from "../core/types.js";

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

/** Two diagnoses name the same problem when cause and culprit agree. */
export function sameProblem(a: Diagnosis, b: Diagnosis): boolean {
  return a.cause === b.cause && (a.culprit ?? "") === (b.culprit ?? "");
}

const lastLine = (attempt: LoadAttempt | null | undefined): string | null => {
  const final = attempt?.chain.at(-1);
  return final ? `${final.type}: ${final.message}`.split("\n")[0] : null;
};

/**
 * A failed verify-load names the cause its new error points to (effects.ts ends its summary with that paragraph
 * whenever the cause is not unclassified). Said against the problem the walk is on, it is news only when it is
 * another problem: when it is the same one, the paragraph says so, and whether the error itself changed.
 */
export function restateRetry(request: ActionRequest, result: ActionResult, current: Diagnosis, currentLoad: LoadAttempt | null): ActionResult {
  const next = result.data?.diagnosis as Diagnosis | undefined;
  if (request.kind !== "verify-load" || result.ok || !next || next.cause === "unclassified") return result;
  const kept = result.summary.slice(0, -1);
  const before = lastLine(currentLoad);
  const now = lastLine(result.data?.attempt as LoadAttempt | undefined);
  const news: Token[] = !sameProblem(next, current)
    ? [text("The load got further: it now meets another problem, "), strong(next.title), text(".")]
    : before === null || now === null
      ? [text("Not solved: it is still "), strong(current.title), text(". The cause did not change.")]
      : before !== now
        ? [text("Not solved: it is still "), strong(current.title), text(". Only the wording of the error changed; the cause did not.")]
        : [text("Not solved: it is still "), strong(current.title), text(", with the same error as before. This change made no difference.")];
  return { ...result, summary: [...kept, news] };
}

/** The environment variables a fix sets for Python, which every command shown after it must set too. */
export function environmentOf(fix: LoadFix | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (fix?.backend) env.KERAS_BACKEND = fix.backend;
  if (fix?.legacyKeras) env.TF_USE_LEGACY_KERAS = "1";
  return env;
}

// A shell line that starts Python to run something (a pip install needs no Keras setting).
const RUNS_PYTHON = /^(?:\S*\/)?python[\d.]*(?:\.exe)?\s+(?!-m\s+pip\b)/;
// Code that loads the model the way the fix was proven (other routes, a TFSMLayer or plain TensorFlow, are not).
const LOADS_MODEL = /^\s*(?:import|from)\s+(?:keras|tf_keras|tensorflow)\b[\s\S]*\bload_model\(/m;

function setsVariable(source: string, name: string): boolean {
  return source.includes(`"${name}"`) || source.includes(`'${name}'`) || new RegExp(`\\b${name}=`).test(source);
}

/** A shell line or Python code with the environment a carried fix needs, unless it already sets it. */
function commandWithEnvironment(token: Token, env: Record<string, string>): Token {
  if (token.kind === "codeblock" && token.language === "python" && LOADS_MODEL.test(token.value)) {
    const missing = Object.entries(env).filter(([name]) => !setsVariable(token.value, name));
    if (missing.length === 0) return token;
    const header = ["import os", ...missing.map(([name, value]) => `os.environ[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)];
    const body = token.value.replace(/^import os\n/, "");
    return { ...token, value: [...header, body].join("\n") };
  }
  if ((token.kind === "codeblock" && token.language === "shell") || token.kind === "command") {
    const value = token.value
      .split("\n")
      .map((line) => {
        if (!RUNS_PYTHON.test(line)) return line;
        const missing = Object.entries(env).filter(([name]) => !setsVariable(line, name));
        return missing.length === 0 ? line : `${missing.map(([name, v]) => `${name}=${v}`).join(" ")} ${line}`;
      })
      .join("\n");
    return { ...token, value };
  }
  return token;
}

/** Content whose commands and code carry the environment a fix proven earlier needs (KERAS_BACKEND=jax, ...). */
export function withEnvironment(content: Content, env: Record<string, string>): Content {
  if (Object.keys(env).length === 0) return content;
  return content.map((paragraph) => paragraph.map((token) => commandWithEnvironment(token, env)));
}

/** A cause whose every step shows its commands with the carried environment (the transitions are unchanged). */
export function causeWithEnvironment(cause: Cause, env: Record<string, string>): Cause {
  if (Object.keys(env).length === 0) return cause;
  const steps = cause.steps.map((step): Step => {
    if (step.kind === "end") return { ...step, body: (ctx) => withEnvironment(step.body(ctx), env) };
    const body = step.body;
    return body ? ({ ...step, body: (ctx: StepContext) => withEnvironment(body(ctx), env) } as Step) : step;
  });
  return { ...cause, steps };
}

/** The environment as the next cause's loads see it once a carried fix switched the backend. */
export function envAfterFix<E extends { backend: string | null; backendSource?: string | null; importError: unknown }>(env: E | null, fix: LoadFix | undefined): E | null {
  if (!env || !fix?.backend || env.backend === fix.backend) return env;
  return { ...env, backend: fix.backend, backendSource: "KERAS_BACKEND", importError: null };
}

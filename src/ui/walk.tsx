// Drives one cause's steps through the pure engine: the live step at the bottom, each answered step moved into the
// transcript above, actions run through the session, Back / Quit / "Why did this happen?" on their keys.
import { Box, Text, useInput, useStdout } from "ink";
import { useEffect, useMemo, useRef, useState, type ReactElement } from "react";
import { paragraphs } from "../core/content.js";
import {
  back,
  causeWithEnvironment,
  choose,
  completeAction,
  contextFor,
  currentStep,
  optionLabel,
  proceed,
  restateRetry,
  startWalk,
  submitInput,
  withEnvironment,
  type WalkState,
} from "../engine/step-machine.js";
import type { ExplainDoc } from "../engine/explain-doc.js";
import type { ActionRequest, ActionResult, Cause, ChoiceOption, Content, Outcome, StepContext } from "../core/types.js";
import type { ActionProgress } from "../engine/session.js";
import { ExplainView } from "./diagnosis-view.js";
import { ProgressBar } from "./progress-bar.js";
import { fitsLive, headerContent, StepHeader, StepRecord, StepView } from "./step-view.js";
import { useColumns } from "./use-columns.js";
import { Tokens } from "./tokens.js";
import { Summary } from "./summary.js";
import { WrappedText } from "./wrapped-text.js";

export interface WalkProps {
  cause: Cause;
  base: Omit<StepContext, "results" | "inputs">;
  inputs: Record<string, string>;
  /** What was wrong, in one line, for the summary. */
  problem: string;
  explain: ExplainDoc | null;
  runAction: (request: ActionRequest, onProgress?: (progress: ActionProgress) => void) => Promise<ActionResult>;
  /** Appends to the transcript above the live area. */
  log: (node: ReactElement) => void;
  /** "quit" when the user left before an end step. */
  onFinish: (outcome: Outcome | "quit", state: WalkState) => void;
  /**
   * Environment variables a fix proven for an earlier cause set (KERAS_BACKEND=jax): every command and snippet shown
   * carries them, and the final screen says so.
   */
  environment?: Record<string, string>;
  /** Whether an unfixed end goes straight on to the next cause (the fix got past this one): no end screen then. */
  carriesOn?: (state: WalkState) => boolean;
  /** What the final screen adds from the walk's results (a re-saved copy still needs the custom classes' code). */
  closingNotes?: (results: WalkState["results"]) => Content;
}

const NO_ENVIRONMENT: Record<string, string> = {};

function failedToRun(error: unknown): ActionResult {
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, summary: paragraphs(`This step could not run: ${message}`) };
}

function KeyHints({ hints }: { hints: string[] }) {
  return (
    <Box marginTop={1}>
      <WrappedText>
        <Text dimColor>{hints.join(" · ")}</Text>
      </WrappedText>
    </Box>
  );
}

export function Walk({ cause: plainCause, base, inputs, problem, explain, runAction, log, onFinish, environment = NO_ENVIRONMENT, carriesOn, closingNotes }: WalkProps) {
  const cause = useMemo(() => causeWithEnvironment(plainCause, environment), [plainCause, environment]);
  const [state, setState] = useState<WalkState>(() => startWalk(cause, inputs));
  const [consentFor, setConsentFor] = useState<ChoiceOption | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [whyShown, setWhyShown] = useState(false);
  // A long action's progress (a trial environment's download), shown as a bar while the action runs.
  const [progress, setProgress] = useState<ActionProgress | null>(null);
  const finished = useRef(false);
  const columns = useColumns();
  const { stdout } = useStdout();
  const step = currentStep(cause, state);
  const ctx = contextFor(base, state);
  const typing = step.kind === "input" || consentFor !== null;

  const moveTo = (next: WalkState) => {
    setNote(null);
    setConsentFor(null);
    setState(next);
  };

  const finish = (outcome: Outcome | "quit") => {
    if (finished.current) return;
    finished.current = true;
    onFinish(outcome, state);
  };

  const goBack = () => {
    const previous = back(cause, state);
    if (previous === state) {
      setConsentFor(null);
      setNote("This is the first question: there is nothing to go back to.");
      return;
    }
    log(<Text dimColor>{`↩ Back to: ${currentStep(cause, previous).title}`}</Text>);
    moveTo(previous);
  };

  const handlers = {
    onChoose: (optionId: string) => {
      const option = step.kind === "choice" ? step.options.find((o) => o.id === optionId) : undefined;
      log(<StepRecord step={step} ctx={ctx} withHeader={headerLive} answer={option ? optionLabel(option, ctx) : optionId} />);
      moveTo(choose(cause, state, optionId));
    },
    onAskConsent: (option: ChoiceOption) => {
      setNote(null);
      setConsentFor(option);
    },
    onConsent: (option: ChoiceOption) => {
      log(<StepRecord step={step} ctx={ctx} withHeader={headerLive} answer={`${optionLabel(option, ctx)} (you typed yes)`} />);
      moveTo(choose(cause, state, option.id));
    },
    onRefuseConsent: () => {
      setConsentFor(null);
      setNote('Not confirmed: nothing was run. Pick another option, or choose it again and type "yes".');
    },
    onSubmitInput: (value: string) => {
      log(<StepRecord step={step} ctx={ctx} withHeader={headerLive} answer={value} />);
      moveTo(submitInput(cause, state, value));
    },
    onBack: goBack,
  };

  // The fix got past this cause into another: like --auto, the walk goes on to that one instead of ending here.
  const goesOn = step.kind === "end" && step.outcome !== "fixed" && carriesOn?.(state) === true;

  // A step's title and text stay live (they follow a resize) only while they fit: a live area taller than the
  // window makes Ink clear the screen and the scrollback, and a code line wider than the window, wrapped by the
  // terminal, is miscounted when Ink redraws. Otherwise they go into the transcript as the step is entered, with
  // only what the user acts on left live. An end step's summary always goes there: it is the run's record.
  const headerLive = useMemo(
    () => step.kind !== "end" && step.kind !== "action" && fitsLive(headerContent(step, ctx), columns, (stdout.rows || 24) - 12),
    [state.stepId, state.trail.length],
  );
  // The key hints wait for what this effect writes into the transcript: shown in the same frame, they never
  // promise a step whose text has not appeared yet (a reader acting on "Enter: finish" finds the summary there).
  const visit = `${state.stepId}#${state.trail.length}`;
  const [announced, setAnnounced] = useState<string | null>(null);
  useEffect(() => {
    setAnnounced(visit);
    if (goesOn || headerLive) return;
    if (step.kind === "end") {
      log(<Summary outcome={step.outcome} title={step.title} body={step.body(ctx)} problem={problem} results={state.results} environment={environment} notes={withEnvironment(closingNotes?.(state.results) ?? [], environment)} />);
    } else if (step.kind === "action") {
      const body = step.body?.(ctx) ?? [];
      if (body.length > 0) log(<Box marginTop={1}><Tokens content={body} /></Box>);
    } else {
      log(<Box marginTop={1}><StepHeader step={step} ctx={ctx} /></Box>);
    }
  }, [state.stepId, state.trail.length]);

  // An action runs once per visit: the trail length changes with every step entered, so it keys the visit.
  useEffect(() => {
    if (step.kind !== "action") return;
    let cancelled = false;
    let request: ActionRequest;
    setProgress(null);
    const run = async (): Promise<ActionResult> => {
      try {
        request = step.action(ctx);
        const result = await runAction(request, (update) => {
          if (!cancelled) setProgress(update);
        });
        return restateRetry(request, result, base.diagnosis, base.load);
      } catch (error) {
        return failedToRun(error);
      }
    };
    void run().then((result) => {
      if (cancelled) return;
      setProgress(null);
      log(<StepRecord step={step} ctx={ctx} result={result} />);
      moveTo(completeAction(cause, state, result));
    });
    return () => {
      cancelled = true;
    };
  }, [state.stepId, state.trail.length]);

  useEffect(() => {
    if (goesOn) finish(step.outcome);
  }, [goesOn]);

  useInput(
    (input, key) => {
      if (key.ctrl || goesOn) return;
      // Q and B work as q and b (Caps Lock, Shift held from the previous key).
      const letter = input.toLowerCase();
      if (step.kind === "end" && (key.return || letter === "q")) return finish(step.outcome);
      if (letter === "q") {
        log(<Text dimColor>You quit before the end of the walk.</Text>);
        return finish("quit");
      }
      if (letter === "b" || key.escape) return goBack();
      if ((letter === "w" || input === "?") && explain && !whyShown) {
        setWhyShown(true);
        log(<ExplainView doc={explain} />);
        return;
      }
      if (key.return && step.kind === "info") {
        log(<StepRecord step={step} ctx={ctx} withHeader={headerLive} />);
        moveTo(proceed(cause, state));
      }
    },
    { isActive: !typing && step.kind !== "action" },
  );

  const hints: string[] = [];
  if (step.kind === "info") hints.push("Enter: continue");
  if (step.kind === "choice" && !consentFor) hints.push("↑/↓ and Enter: choose");
  if (step.kind === "end") hints.push("Enter: finish");
  if (typing) hints.push("Enter: submit", "Esc: back");
  else if (step.kind !== "action") hints.push("b: back");
  if (explain && !whyShown && !typing && step.kind !== "action") hints.push("w: why did this happen?");
  if (!typing && step.kind !== "action") hints.push("q: quit");
  hints.push("Ctrl-C: cancel");

  return (
    <Box flexDirection="column">
      {step.kind !== "end" && <StepView step={step} ctx={ctx} consentFor={consentFor} handlers={handlers} withHeader={headerLive} />}
      {step.kind === "action" && progress && <ProgressBar progress={progress} />}
      {note && (
        <WrappedText>
          <Text color="yellow">{note}</Text>
        </WrappedText>
      )}
      {announced === visit && <KeyHints hints={hints} />}
    </Box>
  );
}

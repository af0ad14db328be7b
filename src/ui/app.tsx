// The wizard as one component: pick a file (when none was given), show the stages as the session reports them,
// then the diagnosis and the walk. It owns the session: every way out closes it (no Python left behind) before
// reporting the exit code.
import { Box, Static, Text, useInput } from "ink";
import { useCallback, useEffect, useRef, useState, type ReactElement } from "react";
import { sanitize } from "../core/content.js";
import { envAfterFix, environmentOf, type WalkState } from "../engine/step-machine.js";
import { isUserError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import type { ExplainDoc } from "../engine/explain-doc.js";
import type { ModelCandidate } from "../core/inspect/find-model-files.js";
import type { DiagnoseResult, DiagnoseSession, StageId, StageProgress } from "../engine/session.js";
import type { ActionRequest, ActionResult, Cause, Content, Diagnosis, LoadAttempt, LoadFix, Outcome, StepContext } from "../core/types.js";
import { DiagnosisView } from "./diagnosis-view.js";
import { ErrorBox } from "./error-box.js";
import { FilePicker } from "./file-picker.js";
import { StageList, type StageState } from "./stage-list.js";
import { Tokens } from "./tokens.js";
import { useColumns } from "./use-columns.js";
import { Walk } from "./walk.js";
import { WrappedText } from "./wrapped-text.js";

/** The words the wizard needs from outside: the UI itself knows nothing about Keras. */
export interface WizardText {
  stageLabels: Record<StageId, string>;
  /** "The model loads in this environment", with the versions. */
  describeLoads: (result: DiagnoseResult) => Content;
  /** What to try when the diagnosis itself could not run. */
  errorHint: string;
  /** What the final screen adds from a walk's results (a re-saved copy that still needs the custom classes' code). */
  closingNotes?: (results: Record<string, ActionResult>) => Content;
}

export interface AppProps {
  /** The model path from the command line; without one the wizard starts with the file picker. */
  target: string | undefined;
  folder: string;
  findCandidates: (folder: string) => Promise<ModelCandidate[]>;
  createSession: (modelPath: string) => DiagnoseSession;
  inputs: Record<string, string>;
  readExplain: (causeId: string) => ExplainDoc | null;
  text: WizardText;
  /** Called as soon as the last screen is drawn; `closing` settles once the session's worker is closed. */
  onExit: (code: number, closing: Promise<void>) => void;
  /** When a walk's fix got the load past its error into another diagnosed one: the next cause to walk (fix-chain.ts). */
  chain?: ChainSteps;
  /** The model path whose header line the CLI already wrote before Ink loaded; it is not drawn twice. */
  headerPrinted?: string;
}

export interface ChainSteps {
  next: (results: Record<string, ActionResult>, metBefore: Diagnosis[]) => { next: { fix: LoadFix; diagnosis: Diagnosis; attempt: LoadAttempt }; cause: Cause } | null;
  carry: (request: ActionRequest, carried: LoadFix) => ActionRequest;
  /** A fix in a few words ("KERAS_BACKEND=jax"), for the line that says it got past a cause. */
  describe: (fix: LoadFix) => string;
}

type Phase =
  | { kind: "pick" }
  | { kind: "diagnosing" }
  | {
      kind: "walk";
      cause: Cause;
      diagnosis: Diagnosis;
      result: DiagnoseResult;
      modelPath: string;
      explain: ExplainDoc | null;
      /** Fixes proven to get past the causes met before (carried into every load), and those causes in order. */
      carried?: LoadFix;
      /** The environment variables the carried fix sets, which every command shown must set too. */
      environment?: Record<string, string>;
      met?: Diagnosis[];
    }
  | { kind: "done" };

interface LogEntry {
  id: number;
  node: ReactElement;
}

/** "Title (culprit)"; a culprit with brackets of its own follows a colon instead, so brackets never nest. */
export function problemLine(title: string, culprit: string | null): string {
  if (!culprit) return title;
  return /[()]/.test(culprit) ? `${title}: ${culprit}` : `${title} (${culprit})`;
}

/** A verified load during the walk counts as fixed even if the user quits before the end (DESIGN rule 8). */
function verifiedLoad(state: WalkState): boolean {
  return Object.values(state.results).some((result) => {
    const attempt = result.data?.attempt as { ok?: unknown } | undefined;
    return result.ok && attempt?.ok === true;
  });
}

/** The stage list as it stood when the user cancelled: what was running is marked as stopped. */
function cancelledStages(stages: Partial<Record<StageId, StageState>>): Partial<Record<StageId, StageState>> {
  const now = Date.now();
  return Object.fromEntries(
    Object.entries(stages).map(([id, stage]) => [
      id,
      stage.status === "running" ? { ...stage, status: "failed", detail: "cancelled", seconds: (now - stage.startedAt) / 1000 } : stage,
    ]),
  );
}

function failedStageDetail(stages: Partial<Record<StageId, StageState>>): string | null {
  const failed = Object.values(stages).filter((stage) => stage?.status === "failed" && stage.detail);
  return failed.at(-1)?.detail ?? null;
}

export function App({ target, folder, findCandidates, createSession, inputs, readExplain, text, onExit, chain, headerPrinted }: AppProps) {
  const [phase, setPhase] = useState<Phase>(target ? { kind: "diagnosing" } : { kind: "pick" });
  const [modelPath, setModelPath] = useState<string | undefined>(target);
  const [candidates, setCandidates] = useState<ModelCandidate[] | null>(null);
  const [stages, setStages] = useState<Partial<Record<StageId, StageState>>>({});
  const [log, setLog] = useState<LogEntry[]>([]);
  const [exitCode, setExitCode] = useState<number | null>(null);
  const session = useRef<DiagnoseSession | null>(null);
  const nextLogId = useRef(0);
  const columns = useColumns();

  const append = useCallback((node: ReactElement) => {
    const id = nextLogId.current++;
    setLog((entries) => [...entries, { id, node }]);
  }, []);

  const exit = useCallback((code: number) => {
    setExitCode((current) => current ?? code);
    setPhase({ kind: "done" });
  }, []);

  // Exit after the commit that put the last transcript entries on screen, without waiting for the worker to close:
  // the caller gives the terminal back first, so keys typed meanwhile reach the shell instead of a dead wizard.
  useEffect(() => {
    if (exitCode === null) return;
    const current = session.current;
    session.current = null;
    onExit(exitCode, current ? current.close() : Promise.resolve());
  }, [exitCode, onExit]);

  useInput((input, key) => {
    if (key.ctrl && input === "c" && exitCode === null) {
      if (phase.kind === "diagnosing") append(<StageList stages={cancelledStages(stages)} labels={text.stageLabels} />);
      append(<Text color="yellow">Cancelled.</Text>);
      exit(ExitCode.cancelled);
    }
  });

  useEffect(() => {
    if (phase.kind !== "pick") return;
    let live = true;
    findCandidates(folder).then(
      (found) => live && setCandidates(found),
      () => live && setCandidates([]),
    );
    return () => {
      live = false;
    };
  }, [phase.kind, folder, findCandidates]);

  useEffect(() => {
    if (!modelPath) return;
    if (modelPath !== headerPrinted) {
      append(
        <Text>
          <Text bold>keras-fix</Text>
          {" · "}
          <Text color="magenta">{sanitize(modelPath)}</Text>
        </Text>,
      );
    }
    const current = createSession(modelPath);
    session.current = current;
    const stagesSeen: Partial<Record<StageId, StageState>> = {};
    const onProgress = (progress: StageProgress) => {
      const previous = stagesSeen[progress.stage];
      const startedAt = progress.status === "running" || !previous ? Date.now() : previous.startedAt;
      const seconds = progress.seconds ?? (progress.status === "skipped" ? undefined : (Date.now() - startedAt) / 1000);
      stagesSeen[progress.stage] = { ...progress, startedAt, seconds };
      setStages({ ...stagesSeen });
    };
    current.diagnose(onProgress).then(
      (result) => {
        if (session.current !== current) return;
        append(<StageList stages={{ ...stagesSeen }} labels={text.stageLabels} />);
        showResult(result, stagesSeen);
      },
      (error: unknown) => {
        if (session.current !== current) return;
        append(<StageList stages={{ ...stagesSeen }} labels={text.stageLabels} />);
        append(
          isUserError(error) ? (
            <ErrorBox title="keras-fix could not finish the diagnosis" message={error.message} hint={error.hint ?? text.errorHint} />
          ) : (
            <ErrorBox
              title="keras-fix hit a bug"
              message={error instanceof Error ? error.message : String(error)}
              stack={error instanceof Error ? error.stack : undefined}
            />
          ),
        );
        exit(ExitCode.usage);
      },
    );
    // The session lives until exit; `exit` closes it.
  }, [modelPath]);

  function showResult(result: DiagnoseResult, stagesSeen: Partial<Record<StageId, StageState>>) {
    if (result.outcome === "loads") {
      append(
        <Box marginTop={1}>
          <Tokens content={text.describeLoads(result)} />
        </Box>,
      );
      return exit(ExitCode.loads);
    }
    if (result.outcome === "error") {
      append(
        <ErrorBox
          title="keras-fix could not finish the diagnosis"
          message={failedStageDetail(stagesSeen) ?? "The diagnosis stopped before it could name a cause."}
          hint={text.errorHint}
        />,
      );
      return exit(ExitCode.usage);
    }
    if (!result.cause || !result.diagnosis) {
      append(
        <Box marginTop={1}>
          <Text>We could not tell what is wrong with this model. The stages above show what we found.</Text>
        </Box>,
      );
      return exit(ExitCode.undiagnosed);
    }
    const base = { file: result.file, env: result.env, load: result.load, diagnosis: result.diagnosis, modelPath: modelPath ?? null };
    const ctx: StepContext = { ...base, results: {}, inputs };
    append(<DiagnosisView title={result.cause.title} summary={result.cause.summary(ctx)} diagnosis={result.diagnosis} />);
    const explain = readExplain(result.cause.id);
    setPhase({ kind: "walk", cause: result.cause, diagnosis: result.diagnosis, result, modelPath: modelPath!, explain });
  }

  /** Walks the next cause when the fix got past this one into another error; false when the walk really ends. */
  function continueChain(outcome: Outcome | "quit", state: WalkState): boolean {
    if (!chain || phase.kind !== "walk" || outcome === "fixed" || outcome === "quit") return false;
    const met = [...(phase.met ?? []), phase.diagnosis];
    const link = chain.next(state.results, met);
    if (!link) return false;
    const { next, cause } = link;
    // The next cause is walked in the environment the fix made (another backend), and its commands carry it.
    const env = envAfterFix(phase.result.env, next.fix);
    const result = { ...phase.result, env, load: next.attempt, diagnosis: next.diagnosis, cause };
    const ctx: StepContext = { file: result.file, env, load: next.attempt, diagnosis: next.diagnosis, modelPath: phase.modelPath, results: {}, inputs };
    append(
      <Box marginTop={1}>
        <WrappedText>
          <Text color="green">{`✔ ${sanitize(chain.describe(next.fix))} got past "${sanitize(phase.cause.title)}". The load now meets another problem:`}</Text>
        </WrappedText>
      </Box>,
    );
    append(<DiagnosisView title={cause.title} summary={cause.summary(ctx)} diagnosis={next.diagnosis} />);
    const environment = environmentOf(next.fix);
    setPhase({ ...phase, cause, diagnosis: next.diagnosis, result, explain: readExplain(cause.id), carried: next.fix, environment, met });
    return true;
  }

  const finishWalk = useCallback(
    (outcome: Outcome | "quit", state: WalkState, undiagnosed: boolean) => {
      const fixed = outcome === "fixed" || (outcome === "quit" && verifiedLoad(state));
      exit(fixed ? ExitCode.loads : undiagnosed ? ExitCode.undiagnosed : ExitCode.diagnosed);
    },
    [exit],
  );

  return (
    <>
      <Static items={log}>
        {(entry) => (
          <Box key={entry.id} width={columns}>
            {entry.node}
          </Box>
        )}
      </Static>
      {phase.kind === "pick" && (
        <FilePicker
          folder={folder}
          candidates={candidates}
          onPick={(picked) => {
            setModelPath(picked);
            setPhase({ kind: "diagnosing" });
          }}
          onQuit={() => exit(ExitCode.cancelled)}
        />
      )}
      {phase.kind === "diagnosing" && <StageList stages={stages} labels={text.stageLabels} />}
      {phase.kind === "walk" && (
        <Walk
          key={`${phase.cause.id}-${phase.met?.length ?? 0}`}
          cause={phase.cause}
          base={{ file: phase.result.file, env: phase.result.env, load: phase.result.load, diagnosis: phase.diagnosis, modelPath: phase.modelPath }}
          inputs={inputs}
          problem={problemLine(phase.cause.title, phase.diagnosis.culprit)}
          explain={phase.explain}
          runAction={(request, onProgress) => session.current!.runAction(chain && phase.carried ? chain.carry(request, phase.carried) : request, onProgress)}
          log={append}
          environment={phase.environment}
          carriesOn={(state) => !!chain && chain.next(state.results, [...(phase.met ?? []), phase.diagnosis]) !== null}
          closingNotes={text.closingNotes}
          onFinish={(outcome, state) => continueChain(outcome, state) || finishWalk(outcome, state, phase.result.outcome === "undiagnosed")}
        />
      )}
    </>
  );
}

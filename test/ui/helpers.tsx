// Test kit for the wizard: a scripted DiagnoseSession (no Python), a polling waitFor over unstyled frames, key
// codes, and a renderer for the App that resolves with its exit code.
import { render } from "ink-testing-library";
import { stripVTControlCharacters } from "node:util";
import { paragraphs } from "../../src/core/content.js";
import type { ActionProgress, DiagnoseResult, DiagnoseSession, StageProgress } from "../../src/engine/session.js";
import type { ActionRequest, ActionResult, Cause, Diagnosis, ModelFacts } from "../../src/core/types.js";
import { App, type ChainSteps, type WizardText } from "../../src/ui/app.js";
import type { ModelCandidate } from "../../src/core/inspect/find-model-files.js";
import type { ExplainDoc } from "../../src/engine/explain-doc.js";

export const KEY = { enter: "\r", escape: "\u001b", down: "\u001b[B", up: "\u001b[A", ctrlC: "\u0003" } as const;

/** Polls `check` every tick (bounded): UI tests wait for content, never for a fixed time. */
export async function waitFor(check: () => boolean, describe: () => string, ticks = 300, tickMs = 10): Promise<void> {
  for (let i = 0; i < ticks; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  throw new Error(`timed out waiting; last frame:\n${describe()}`);
}

export function plain(frame: string | undefined): string {
  return stripVTControlCharacters(frame ?? "");
}

export interface Script {
  /** Progress reported before diagnose resolves, in order. */
  progress?: StageProgress[];
  /** What diagnose resolves to, or the error it rejects with. */
  result: DiagnoseResult | Error;
  /** When given, diagnose waits for it after reporting progress (to act while "Python is importing"). */
  gate?: Promise<void>;
  /** Answers to runAction; throws for a request the test did not expect. A long action may report progress. */
  answer?: (request: ActionRequest, onProgress?: (progress: ActionProgress) => void) => ActionResult | Promise<ActionResult>;
}

export class ScriptedSession implements DiagnoseSession {
  closeCalls = 0;
  requests: ActionRequest[] = [];
  constructor(private readonly script: Script) {}

  async diagnose(onProgress: (progress: StageProgress) => void): Promise<DiagnoseResult> {
    for (const progress of this.script.progress ?? []) onProgress(progress);
    if (this.script.gate) await this.script.gate;
    if (this.script.result instanceof Error) throw this.script.result;
    return this.script.result;
  }

  async runAction(request: ActionRequest, onProgress?: (progress: ActionProgress) => void): Promise<ActionResult> {
    this.requests.push(request);
    if (!this.script.answer) throw new Error(`unexpected action ${request.kind}`);
    return this.script.answer(request, onProgress);
  }

  async close(): Promise<void> {
    this.closeCalls++;
  }
}

export const fileFacts: ModelFacts = {
  schemaVersion: 1,
  path: "model.keras",
  format: "keras-zip",
  problem: null,
  kerasVersion: "3.15.1",
  backend: "tensorflow",
  topClass: "Sequential",
  layerClasses: ["Dense", "ScaledDense"],
  customClasses: ["ScaledDense"],
  hasLambda: false,
  compiled: false,
  loss: null,
  metrics: null,
  optimizer: null,
  fileSize: 1234,
  customObjects: [],
  lambdas: [],
  layers: null,
  kerasLine: "keras3",
  tensorflowVersion: null,
  safety: { verdict: "ok", findings: [] },
  details: {},
};

export function diagnosisFor(cause: Cause, extra: Partial<Diagnosis> = {}): Diagnosis {
  return {
    cause: cause.id,
    title: cause.title,
    culprit: "ScaledDense",
    confidence: 0.9,
    evidence: ["the load raised TypeError: Could not locate class 'ScaledDense'"],
    captures: { name: "ScaledDense" },
    alternatives: [],
    ...extra,
  };
}

export function diagnosedResult(cause: Cause, outcome: DiagnoseResult["outcome"] = "diagnosed"): DiagnoseResult {
  return { file: fileFacts, env: null, load: null, diagnosis: diagnosisFor(cause), cause, outcome };
}

export const testText: WizardText = {
  stageLabels: { inspect: "Inspecting the file", "find-python": "Finding Python", import: "Importing Keras", load: "Loading the model", classify: "Diagnosing" },
  describeLoads: () => paragraphs("The model loads in this environment (test)."),
  errorHint: "try --python",
};

export interface RenderOptions {
  target?: string;
  session?: ScriptedSession;
  candidates?: ModelCandidate[];
  explain?: ExplainDoc | null;
  inputs?: Record<string, string>;
  chain?: ChainSteps;
}

export function renderApp(options: RenderOptions) {
  const opened: string[] = [];
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });
  const app = render(
    <App
      target={options.target}
      folder="/models"
      findCandidates={async () => options.candidates ?? []}
      createSession={(modelPath) => {
        opened.push(modelPath);
        if (!options.session) throw new Error("no session scripted");
        return options.session;
      }}
      inputs={options.inputs ?? {}}
      readExplain={() => options.explain ?? null}
      text={testText}
      onExit={(code) => resolveExit(code)}
      chain={options.chain}
    />,
  );
  const frame = () => plain(app.lastFrame());
  return {
    ...app,
    opened,
    exited,
    frame,
    /** Waits until the unstyled frame contains `text`. */
    see: (text: string) => waitFor(() => frame().includes(text), frame),
    /** Sends a key once the frame shows `text` (so the step that takes the key is on screen and listening). */
    press: async (key: string) => {
      // Let React run the effects that subscribe input handlers for what was just rendered.
      await new Promise((resolve) => setImmediate(resolve));
      app.stdin.write(key);
    },
    type: async (text: string) => {
      await new Promise((resolve) => setImmediate(resolve));
      // One write: Ink hands a multi-character chunk to the text field at once, as a paste.
      app.stdin.write(text);
    },
  };
}

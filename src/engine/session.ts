// The interface every front door (wizard, --auto, --json) drives: one diagnosis session per model, reporting its
// progress as it goes, then running the actions a cause's steps ask for. The real implementation is in
// diagnose.ts; UI tests inject a scripted one.
import type { ActionRequest, ActionResult, Cause, Diagnosis, EnvFacts, LoadAttempt, ModelFacts } from "../core/types.js";

export type StageId = "inspect" | "find-python" | "import" | "load" | "classify";

export interface StageProgress {
  stage: StageId;
  status: "running" | "done" | "failed" | "skipped";
  /** What was found, in one line (e.g. "HDF5 model saved by Keras 2.15.0", "Python 3.11.7 (venv)"). */
  detail?: string;
  seconds?: number;
}

export interface DiagnoseResult {
  file: ModelFacts | null;
  env: EnvFacts | null;
  load: LoadAttempt | null;
  diagnosis: Diagnosis | null;
  cause: Cause | null;
  /** "loads": nothing to fix; "diagnosed": a cause was named; "undiagnosed": unclassified; "error": we could not run. */
  outcome: "loads" | "diagnosed" | "undiagnosed" | "error";
}

/** How far a long action has got (a trial environment's download), for a progress bar; the UI knows nothing more. */
export interface ActionProgress {
  /** What is happening now, in a few words ("fetching tensorflow-cpu"). */
  label: string;
  done: number;
  /** null when the total is unknown (then no percentage is shown). */
  total: number | null;
  /** Whether done/total count bytes; a phase that moves none (pip resolving, the venv made) shows its words only. */
  bytes?: boolean;
}

export interface DiagnoseSession {
  diagnose(onProgress: (progress: StageProgress) => void): Promise<DiagnoseResult>;
  runAction(request: ActionRequest, onProgress?: (progress: ActionProgress) => void): Promise<ActionResult>;
  /** Kills the Python worker(s); safe to call twice. */
  close(): Promise<void>;
}

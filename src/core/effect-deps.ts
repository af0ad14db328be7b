// What an action that touches the world is given: the model, its facts, the user's Python and where new files go.
// It lives on the ground floor so that the rooms whose actions the engine runs (trial, bring-home, lambda) can take
// it without importing the engine that calls them.
import type { ProbeSession } from "./probe/probe.js";
import type { PipProgress } from "./trial/environment.js";
import type { Facts } from "./types.js";

export interface EffectDeps {
  modelPath: string;
  facts: Facts;
  probe: () => ProbeSession;
  /** Where new files go; the current folder unless a test says otherwise. */
  outputDir?: string;
  /** Time limit for a probe worker's start and loads (the trial environment's too). */
  timeoutSeconds?: number;
  /** Progress of long actions (a trial environment's pip), one line at a time; --auto prints it on stderr. */
  onProgress?: (line: string) => void;
  /** pip's download progress in a trial environment, for the wizard's progress bar. */
  onPipProgress?: (progress: PipProgress) => void;
}

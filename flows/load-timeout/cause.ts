// The load did not finish: keras-fix stopped it at its time limit (keras-fix check's --timeout: the load is recorded
// with stage "timeout" and the error line this cause's matcher reads).
// Nothing in the file is known to be wrong: what the load waits for is usually the custom code it runs (a network
// path, a lock, a download in a constructor) or a model too large for the machine.
import { code, paragraphs, shell } from "../../src/core/content.js";
import type { Cause, LoadAttempt, StepContext } from "../../src/core/types.js";

/** The stage of a load stopped at the time limit (src/engine/check/run.ts; the probe's stages: stage in protocol.ts). */
export const LOAD_TIMEOUT_STAGE = "timeout";

const stoppedAtTimeLimit = (load: LoadAttempt | null): boolean => load !== null && "stage" in load && load.stage === LOAD_TIMEOUT_STAGE;

function target(ctx: StepContext): string {
  return ctx.modelPath ?? ctx.file?.path ?? "model.keras";
}

export const loadTimeout: Cause = {
  id: "load-timeout",
  title: "The load did not finish in time",
  summary: (ctx) =>
    paragraphs(
      stoppedAtTimeLimit(ctx.load)
        ? `${target(ctx)} was still loading when the time limit ran out; Python was stopped.`
        : `The load of ${target(ctx)} did not finish within the time limit.`,
    ),
  matchers: [
    {
      // The error line keras-fix check records for it (src/engine/check/run.ts), pasted into `explain`. A user's own
      // Ctrl-C (KeyboardInterrupt) is not matched: its last line alone cannot tell a load from training.
      type: /^TimeoutError$/,
      message: /^the load did not finish within (?<seconds>\d+) s/,
      weight: 0.9,
      means: "keras-fix stopped the load at its time limit",
    },
  ],
  detect: (facts) =>
    stoppedAtTimeLimit(facts.load)
      ? { confidence: 0.97, captures: {}, evidence: ["the load did not finish within the time limit and was stopped"] }
      : null,
  culprit: (_captures, facts) => facts.file?.path ?? null,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "What a load waits for",
      body: () =>
        paragraphs(
          "A load runs the constructors and from_config of every custom object in the model: code that opens a network path, waits for a lock or downloads weights can wait for ever. A very large model can also take longer than the limit on a small machine.",
          ["Run the load yourself and stop it with Ctrl-C: the last lines of the traceback name the code it was waiting in."],
        ),
      next: "end",
    },
    {
      kind: "end",
      id: "end",
      outcome: "not-fixed",
      title: "Give it more time, or find what it waits for",
      body: (ctx) =>
        paragraphs(
          ["Give it more time: ", code("--timeout SECONDS"), ". Or see where it waits:"],
          [shell(`python -X faulthandler -c "import faulthandler, keras; faulthandler.dump_traceback_later(60); keras.models.load_model('${target(ctx)}')"`)],
        ),
    },
  ],
};

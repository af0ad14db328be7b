// The Lambda steps both Lambda causes share: read what each Lambda would run (before any decision), rebuild the
// model in code and load only its weights, and re-save the rebuilt model so that it loads in safe mode. --auto
// takes the rebuild: it runs nothing from the file, so it needs no consent, and it ends "fixed" only when proven.
import { code, paragraphs, path as pathToken, python, strong } from "../content.js";
import type { Content, Step, StepContext } from "../types.js";
import { describeLambda, lambdaReportsIn } from "./actions.js";
import type { LambdaReport } from "./types.js";

export const READ_STEP = "read-lambdas";
export const REBUILD_STEP = "rebuild";

/** What an earlier read-lambdas step found, for the explanation and the consent text. */
export function lambdasRead(ctx: StepContext): LambdaReport[] {
  return lambdaReportsIn(ctx.results);
}

export function dangerousLambdas(ctx: StepContext): LambdaReport[] {
  return lambdasRead(ctx).filter((r) => r.verdict === "dangerous");
}

/** Each Lambda's facts, or nothing when the read step found none. */
export function lambdaFactsContent(ctx: StepContext): Content {
  return lambdasRead(ctx).flatMap(describeLambda);
}

export function readLambdasStep(next: string): Step {
  return {
    kind: "action",
    id: READ_STEP,
    title: "Read what each Lambda would run (its bytecode is disassembled in a separate Python, never run)",
    action: () => ({ kind: "read-lambdas" }),
    onSuccess: next,
    onFailure: next,
  };
}

function rebuildPath(ctx: StepContext): string | null {
  const path = ctx.results[REBUILD_STEP]?.data?.path;
  return typeof path === "string" ? path : null;
}

export interface RebuildStepsOptions {
  /** Extra paragraphs for the unproven end (e.g. "or trust the file"), by cause. */
  unprovenExtra?: (ctx: StepContext) => Content;
}

/** `rebuild` (action) → `rebuilt` (keep it?) → re-save → `rebuilt-fixed`; or `rebuild-unproven`. */
export function rebuildSteps({ unprovenExtra }: RebuildStepsOptions = {}): Step[] {
  return [
    {
      kind: "action",
      id: REBUILD_STEP,
      title: "Rebuild the model in code and load only its weights (runs nothing from the file)",
      action: () => ({ kind: "rebuild-model" }),
      onSuccess: "rebuilt",
      onFailure: "rebuild-unproven",
    },
    {
      kind: "choice",
      id: "rebuilt",
      title: "The rebuilt model has the file's weights. Also re-save it?",
      body: () =>
        paragraphs(
          "A new .keras file saved from the rebuilt model stores each Lambda as a registered named function, not bytecode, so it loads in safe mode from then on (after importing the generated script). The original file stays as it is.",
        ),
      options: [
        { id: "resave", label: "Re-save it as a new .keras file, reload that in a fresh Python and compare outputs", next: "rebuilt-resave" },
        { id: "done", label: "No, the script is enough", next: "rebuilt-fixed" },
      ],
      auto: "done",
    },
    {
      kind: "action",
      id: "rebuilt-resave",
      title: "Re-save the rebuilt model as a new .keras file and reload it in safe mode",
      action: (ctx) => ({ kind: "resave-rebuilt", script: rebuildPath(ctx) ?? "" }),
      onSuccess: "rebuilt-fixed",
      onFailure: "rebuilt-fixed",
    },
    {
      kind: "end",
      id: "rebuilt-fixed",
      outcome: "fixed",
      title: "Fixed: the model is rebuilt in code and has the file's weights",
      body: (ctx) => {
        const script = rebuildPath(ctx) ?? "model_rebuilt.py";
        const module = script.split(/[\\/]/).at(-1)!.replace(/\.py$/, "");
        const resaved = ctx.results["rebuilt-resave"];
        const resavedPath = resaved?.ok && typeof resaved.data?.path === "string" ? resaved.data.path : null;
        return paragraphs(
          ["Nothing from the file ran. Load it with the generated ", pathToken(script), ":"],
          [python([`from ${module} import build_model`, "", "model = build_model()", `model.load_weights(${JSON.stringify(ctx.modelPath ?? "model.keras")})`].join("\n"))],
          ...(resavedPath
            ? [["Or load the re-saved ", pathToken(resavedPath), " in safe mode after ", code(`import ${module}`), "."]]
            : []),
        );
      },
    },
    {
      kind: "end",
      id: "rebuild-unproven",
      outcome: "not-fixed",
      title: "The rebuild is not proven yet",
      body: (ctx) => {
        const result = ctx.results[REBUILD_STEP];
        const why = typeof result?.data?.why === "string" ? result.data.why : null;
        return [
          ...paragraphs(why ? [strong("Why: "), why] : "The rebuild did not complete."),
          ...(result?.summary ?? []),
          ...paragraphs("Finish the TODO in the script (each lists what the bytecode uses and its constants), then run it: it loads only the weights."),
          ...(unprovenExtra?.(ctx) ?? []),
        ];
      },
    },
  ];
}

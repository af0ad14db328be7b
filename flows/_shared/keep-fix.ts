// What every cause offers once a fix is proven: a loader script that loads the model the same way, and a re-save
// into a NEW .keras file reloaded in a fresh Python with its outputs compared, so the user knows nothing was lost.
// Shared so that every flow ends a successful fix the same way (issue: "after any successful fix").
import { basename } from "node:path";
import { homePath } from "../../src/core/bring-home/bring-home.js";
import { paragraphs } from "../../src/core/content.js";
import type { Content, LoadFix, Step, StepContext } from "../../src/core/types.js";

/** The fix of the last verify step that loaded the model (effects.ts records it as result.data.fix). */
export function provenFixIn(ctx: StepContext): LoadFix {
  const proven = Object.values(ctx.results).filter((result) => result.ok && result.data?.fix);
  return (proven.at(-1)?.data?.fix as LoadFix | undefined) ?? {};
}

export interface KeepFixOptions {
  /** Id of the choice step the verify step's onSuccess goes to. */
  id: string;
  /** Id of the end step (outcome fixed) the walk ends in. */
  fixedId: string;
  title?: string;
  body?: (ctx: StepContext) => Content;
}

/**
 * The steps after a proven fix: `id` (a choice) → write the loader and/or re-save and compare → `fixedId`.
 * The caller owns the end step, whose body knows the cause. --auto writes the loader (a new file, never over one).
 */
/** Under tf_keras a re-saved file is still a Keras 2 file; with Keras 3 beside it, a Keras 3 copy is worth more. */
function bringsHomeFromTfKeras(ctx: StepContext): boolean {
  return provenFixIn(ctx).legacyKeras === true && ctx.env?.loader === "keras3";
}

export function keepFixSteps({ id, fixedId, title, body }: KeepFixOptions): Step[] {
  const resaveOption = {
    id: "resave",
    label: "Re-save it as a new .keras file, reload that in a fresh Python and compare outputs",
    next: `${id}-resave`,
    // A TFSMLayer wraps a SavedModel folder that the re-saved file would only point at: nothing to carry over.
    when: (ctx: StepContext) => !provenFixIn(ctx).tfsmLayer && !bringsHomeFromTfKeras(ctx),
  };
  const homeOption = {
    id: "bring-home",
    label: (ctx: StepContext) =>
      `Write a Keras 3 copy (${basename(homePath(ctx.modelPath ?? ctx.file?.path ?? "model.h5"))}): rebuilt from tf_keras, reloaded in a fresh Python, outputs compared`,
    next: `${id}-home`,
    when: bringsHomeFromTfKeras,
  };
  return [
    {
      kind: "choice",
      id,
      title: title ?? "It loads. Keep the fix?",
      body: body ?? ((ctx) => ctx.results[Object.keys(ctx.results).at(-1) ?? ""]?.summary ?? paragraphs()),
      options: [
        { id: "write-loader", label: "Write a load_<model>.py script that loads it this way", next: `${id}-loader` },
        resaveOption,
        homeOption,
        { id: "done", label: "Nothing more", next: fixedId },
      ],
      auto: "write-loader",
    },
    {
      kind: "action",
      id: `${id}-loader`,
      title: "Write the loader script",
      action: (ctx) => ({ kind: "write-loader", fix: provenFixIn(ctx) }),
      onSuccess: `${id}-more`,
      onFailure: `${id}-more`,
    },
    {
      kind: "choice",
      id: `${id}-more`,
      title: "Also re-save it as a new .keras file?",
      body: () => paragraphs("The original file stays as it is; the copy gets a new name, and its outputs are compared with the original's on the same random input."),
      options: [{ ...resaveOption, id: "resave" }, homeOption, { id: "done", label: "No, that's all", next: fixedId }],
      // --auto writes beside the user's model only when asked to (--bring-home).
      auto: { among: ["bring-home", "done"], pick: (ctx) => (ctx.inputs.bringHome === "yes" && bringsHomeFromTfKeras(ctx) ? "bring-home" : "done") },
    },
    {
      kind: "action",
      id: `${id}-home`,
      title: "Bring the model home to Keras 3",
      action: () => ({ kind: "bring-home-legacy" }),
      onSuccess: fixedId,
      onFailure: fixedId,
    },
    {
      kind: "action",
      id: `${id}-resave`,
      title: "Re-save as .keras into a new file and compare",
      action: (ctx) => ({ kind: "resave-compare", fix: provenFixIn(ctx) }),
      onSuccess: fixedId,
      onFailure: fixedId,
    },
  ];
}

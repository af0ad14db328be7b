// What every cause offers once a fix is proven: a loader script that loads the model the same way, and a re-save
// into a NEW .keras file reloaded in a fresh Python with its outputs compared, so the user knows nothing was lost.
// Shared so that every flow ends a successful fix the same way (issue: "after any successful fix").
import { basename, resolve } from "node:path";
import { homePath } from "../../src/core/bring-home/bring-home.js";
import { code, paragraphs, path, python } from "../../src/core/content.js";
import { loaderFileName, loaderScript } from "../../src/core/fixes/loader-script.js";
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

/** The id suffix of the step where --auto, not asked to write files, shows the loader it would write. */
export const LOADER_PREVIEW = "-loader-preview";

/** The loader script that `write-loader` would write for this fix, and where (a new name in the current folder). */
export function loaderPreview(ctx: StepContext, fix: LoadFix = provenFixIn(ctx)): { path: string; code: string } {
  const modelPath = resolve(ctx.modelPath ?? ctx.file?.path ?? "model.keras");
  const absolute = fix.customObjectsModule ? { ...fix, customObjectsModule: resolve(fix.customObjectsModule) } : fix;
  return { path: loaderFileName(modelPath), code: loaderScript({ modelPath, fix: absolute, fileFacts: ctx.file, env: ctx.env }) };
}

/** The loader a preview step showed, read back from its content (for the report's `walk.loader`). */
export function previewIn(content: Content): { path: string; code: string } | null {
  const tokens = content.flat();
  const target = tokens.find((token) => token.kind === "path");
  const script = tokens.find((token) => token.kind === "codeblock");
  return target && script ? { path: target.value, code: script.value } : null;
}

/** Under tf_keras a re-saved file is still a Keras 2 file; with Keras 3 beside it, a Keras 3 copy is worth more. */
function bringsHomeFromTfKeras(ctx: StepContext): boolean {
  return provenFixIn(ctx).legacyKeras === true && ctx.env?.loader === "keras3";
}

/**
 * The steps after a proven fix: `id` (a choice) → write the loader and/or re-save and compare → `fixedId`.
 * The caller owns the end step, whose body knows the cause. --auto writes the loader (a new file, never over one)
 * only with --write-loaders; otherwise it shows the script it would write, and how to get it.
 */
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
        // --auto's path when it was not asked to write files: the wizard asks instead, so it never offers this.
        { id: "show-loader", label: "Show the loader script without writing it (--write-loaders writes it)", next: `${id}${LOADER_PREVIEW}`, when: () => false },
        resaveOption,
        homeOption,
        { id: "done", label: "Nothing more", next: fixedId },
      ],
      auto: { among: ["write-loader", "show-loader"], pick: (ctx) => (ctx.inputs.writeLoaders === "yes" ? "write-loader" : "show-loader") },
    },
    {
      kind: "info",
      id: `${id}${LOADER_PREVIEW}`,
      title: "The loader script (not written)",
      body: (ctx) => {
        const preview = loaderPreview(ctx);
        return paragraphs(
          ["--auto writes files only when asked. With ", code("--write-loaders"), " it writes ", path(preview.path), " (a new file), which loads the model the way it loaded above:"],
          [python(preview.code)],
          ["To get it, run the same command again with ", code("--write-loaders"), ", or save the script above as a .py file yourself."],
        );
      },
      next: `${id}-more`,
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

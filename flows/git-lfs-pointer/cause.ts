// The "model" is a Git LFS pointer: a ~130-byte text file that stands in for the real file in a repository that
// was cloned without Git LFS (or downloaded through a link that serves the pointer). h5py then says "file
// signature not found" and Keras 3 says "File not found" for a `.keras` name; the file's first bytes say why.
import { code, command, paragraphs, path, shell, strong } from "../../src/core/content.js";
import { keepFixSteps } from "../_shared/keep-fix.js";
import type { Cause, ModelFacts, StepContext } from "../../src/core/types.js";

/** The size and oid the pointer announces, when the inspector recorded them. */
export function pointerInfo(file: ModelFacts | null): { size: number | null; oid: string | null } {
  const details = (file?.details ?? {}) as Record<string, unknown>;
  const lfs = (typeof details.lfs === "object" && details.lfs !== null ? details.lfs : details) as Record<string, unknown>;
  const size = Number(lfs.size ?? lfs.lfsSize);
  const oid = lfs.oid ?? lfs.lfsOid;
  return { size: Number.isFinite(size) && size > 0 ? size : null, oid: typeof oid === "string" ? oid : null };
}

const modelPathOf = (ctx: StepContext) => ctx.file?.path ?? ctx.modelPath ?? ctx.diagnosis.captures.path ?? "model.h5";

function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

const manualCommands = (target: string) =>
  shell(["git lfs install", `git lfs pull --include "${target}"`].join("\n"));

export const gitLfsPointer: Cause = {
  id: "git-lfs-pointer",
  title: "The file is a Git LFS pointer, not the model",
  summary: (ctx) => {
    const { size } = pointerInfo(ctx.file);
    return paragraphs([
      path(modelPathOf(ctx)),
      " is a small text file that points at the real model in Git LFS storage",
      size ? ` (${sizeText(size)})` : "",
      "; the model itself was never downloaded.",
    ]);
  },
  matchers: [
    {
      // h5py on any Keras line for a non-HDF5 file (captured: keras3, keras2, tf21-py37 envs on a pointer file).
      type: /^(?:OSError|IOError)$/,
      message: /Unable to (?:synchronously )?open file \(file signature not found(?:\)|$)/,
      weight: 0.5,
      means: "h5py found no HDF5 signature at the start of the file",
    },
    {
      // Keras 3 for a `.keras` name that is not a zip (captured: keras3 env on a pointer named .keras).
      type: /^ValueError$/,
      message: /File not found: filepath=(?<path>.*?)\. Please ensure the file is an accessible `\.keras` zip file/,
      weight: 0.45,
      means: "Keras 3 could not open the file as a .keras zip",
    },
    {
      // pickle / joblib reading a pointer: its first byte is the "v" of "version https://git-lfs...".
      type: /^UnpicklingError$/,
      message: /invalid load key, '(?<firstByte>v)'/,
      weight: 0.6,
      means: "the pickled model starts with a \"v\", as a Git LFS pointer does",
    },
    {
      // Someone pasted the file's content, or Python read it as text.
      message: /version https:\/\/git-lfs\.github\.com\/spec\/v1/,
      weight: 0.9,
      means: "the text is a Git LFS pointer",
    },
  ],
  // Without the file, "file signature not found" could be any non-HDF5 file; with it, only a pointer counts.
  // Without the file and without frames (the line quoted alone, typically about a cloned or deployed copy), the
  // pointer is the reading real reports most often resolve to; a whole traceback leaves it second to any non-HDF5 file.
  when: (captures, facts) => (facts.file ? (facts.file.format === "git-lfs-pointer" ? 1.5 : false) : captures.stackShows === "nothing" ? 1.12 : 1),
  detect: (facts) => {
    if (facts.file?.format !== "git-lfs-pointer") return null;
    const { size, oid } = pointerInfo(facts.file);
    const captures: Record<string, string> = { path: facts.file.path };
    if (size) captures.size = String(size);
    if (oid) captures.oid = oid;
    const bytes = facts.file.fileSize !== null ? ` (${facts.file.fileSize} bytes)` : "";
    return {
      confidence: 0.97,
      captures,
      evidence: [`the file${bytes} starts with "version https://git-lfs.github.com/spec/v1": it is an LFS pointer`],
    };
  },
  culprit: (captures, facts) => facts.file?.path ?? captures.path ?? captures.loadedPath ?? null,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "The real model is in Git LFS storage",
      body: (ctx) => {
        const { size, oid } = pointerInfo(ctx.file);
        const content = paragraphs([
          "Repositories that use Git LFS keep large files on a separate server and commit a pointer in their place. ",
          "A clone made without ",
          command("git lfs"),
          " installed, or a download of the repository as a zip, gives you the pointer.",
        ]);
        if (size) {
          content.push(
            ...paragraphs(["The pointer says the real file is ", strong(sizeText(size)), ...(oid ? [" (LFS object ", code(oid), ")"] : []), "."]),
          );
        }
        return content;
      },
      next: "how",
    },
    {
      kind: "choice",
      id: "how",
      title: "Fetch the real file",
      body: (ctx) =>
        paragraphs([
          "From inside the repository, ",
          command(`git lfs pull --include "${modelPathOf(ctx)}"`),
          " replaces the pointer with the real file.",
        ]),
      options: [
        { id: "manual", label: "Show me the commands, I will run them", next: "manual" },
        {
          id: "pull",
          label: (ctx) => `Run git lfs pull for ${modelPathOf(ctx)} now`,
          next: "pull",
          needsConsent: { risk: "runs git lfs, which downloads the file from the repository's LFS server into this checkout" },
        },
      ],
      auto: "manual",
    },
    {
      kind: "action",
      id: "pull",
      title: "Running git lfs pull",
      action: (ctx) => ({ kind: "run-command", argv: ["git", "lfs", "pull", "--include", modelPathOf(ctx)] }),
      onSuccess: "verify",
      onFailure: "pull-failed",
    },
    {
      kind: "action",
      id: "verify",
      title: "Loading the downloaded model",
      action: () => ({ kind: "verify-load", fix: {} }),
      onSuccess: "keep",
      onFailure: "pulled",
    },
    ...keepFixSteps({ id: "keep", fixedId: "fixed" }),
    {
      kind: "end",
      id: "fixed",
      outcome: "fixed",
      title: "The real model is here and loads",
      body: (ctx) => paragraphs(["Git LFS replaced the pointer and ", path(modelPathOf(ctx)), " loads now."]),
    },
    {
      kind: "end",
      id: "pulled",
      outcome: "not-fixed",
      title: "Pulled: check the model again",
      body: (ctx) =>
        paragraphs(
          ["git lfs finished. Run ", command(`keras-fix ${modelPathOf(ctx)}`), " again to check the real file loads."],
          "If the file is still about 130 bytes, the LFS server did not have it (or you lack access): ask the repository's owner.",
        ),
    },
    {
      kind: "end",
      id: "pull-failed",
      outcome: "not-fixed",
      title: "git lfs pull did not work",
      body: (ctx) =>
        paragraphs(
          "Common reasons: Git LFS is not installed (https://git-lfs.com), this folder is not a clone of the repository, or the repository's LFS quota is used up.",
          ["Install Git LFS, then from the repository's root:"],
          [manualCommands(modelPathOf(ctx))],
          "Or download the file from the hosting site's own download button (on GitHub the \"Download raw file\" button, on Hugging Face a /resolve/ link, not /blob/).",
        ),
    },
    {
      kind: "end",
      id: "manual",
      outcome: "not-fixed",
      title: "Fetch the model with Git LFS",
      body: (ctx) =>
        paragraphs(
          ["Install Git LFS (https://git-lfs.com), then from the repository's root:"],
          [manualCommands(modelPathOf(ctx))],
          "No clone? Download the file from the hosting site's download button (GitHub \"Download raw file\", a Hugging Face /resolve/ link), not from a page or a repository zip.",
          ["Then run ", command(`keras-fix ${modelPathOf(ctx)}`), " again."],
        ),
    },
  ],
};

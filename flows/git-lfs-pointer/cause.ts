// The "model" is a Git LFS pointer: a ~130-byte text file that stands in for the real file in a repository that
// was cloned without Git LFS (or downloaded through a link that serves the pointer). h5py then says "file
// signature not found" and Keras 3 says "File not found" for a `.keras` name; the file's first bytes say why.
import { code, command, paragraphs, path, shell, strong } from "../../src/core/content.js";
import { keepFixSteps } from "../_shared/keep-fix.js";
import type { Cause, Content, ModelFacts, StepContext } from "../../src/core/types.js";
import { canPull, lfsRoute, type LfsRoute } from "./where.js";

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

const routeOf = (ctx: StepContext) => lfsRoute(modelPathOf(ctx));

/** The commands that fetch the file, run from the repository's root (where --include patterns are matched). */
const manualCommands = (route: LfsRoute) =>
  shell([...(route.root ? [`cd ${quoted(route.root)}`] : []), "git lfs install", `git lfs pull --include ${quoted(route.include)}`].join("\n"));

const quoted = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, "\\$1")}"`);

const DOWNLOAD_INSTEAD =
  "Or download the file itself from where it came: the hosting site's download button (GitHub \"Download raw file\", a Hugging Face /resolve/ link), not a page or a repository zip.";

/** Why `git lfs pull` cannot work from here. */
function whyNot(ctx: StepContext, route: LfsRoute): Content {
  return route.root
    ? paragraphs(["Git LFS is not installed here (no ", code("git-lfs"), " program on PATH), so ", command("git lfs pull"), " cannot run."])
    : paragraphs([path(modelPathOf(ctx)), " is not inside a git repository (no .git folder above it), so git lfs cannot fetch it from here."]);
}

/** What to do when `git lfs pull` cannot work from here (the choice before said why). */
function instead(route: LfsRoute): Content {
  if (!route.root) {
    return paragraphs(
      "Download the real file from where this one came: the hosting site's download button (GitHub \"Download raw file\", a Hugging Face /resolve/ link), not a page or a repository zip.",
      ["Or clone the repository with Git LFS installed (https://git-lfs.com): ", command("git lfs install"), " before ", command("git clone"), " fetches the real files."],
    );
  }
  return paragraphs(
    ["Install Git LFS (https://git-lfs.com, or your package manager's ", code("git-lfs"), " package), then:"],
    [manualCommands(route)],
    DOWNLOAD_INSTEAD,
  );
}

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
  culprit: (captures, facts) => facts.file?.path ?? captures.path ?? captures.loadedPath ?? captures.mentionedPath ?? null,
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
      body: (ctx) => {
        const route = routeOf(ctx);
        if (!canPull(route)) return whyNot(ctx, route);
        return paragraphs([
          "From the repository's root ",
          path(route.root!),
          ", ",
          command(`git lfs pull --include ${quoted(route.include)}`),
          " replaces the pointer with the real file.",
        ]);
      },
      options: [
        { id: "manual", label: "Show me the commands, I will run them", next: "manual", when: (ctx) => canPull(routeOf(ctx)) },
        { id: "instead", label: "Show me what to do instead", next: "instead", when: (ctx) => !canPull(routeOf(ctx)) },
        {
          id: "pull",
          label: (ctx) => `Run git lfs pull for ${routeOf(ctx).include} now`,
          next: "pull",
          // Offered only where it can work: inside a repository, with Git LFS installed.
          when: (ctx) => canPull(routeOf(ctx)),
          needsConsent: { risk: "runs git lfs, which downloads the file from the repository's LFS server into this checkout" },
        },
      ],
      auto: { among: ["manual", "instead"], pick: (ctx) => (canPull(routeOf(ctx)) ? "manual" : "instead") },
    },
    {
      kind: "action",
      id: "pull",
      title: "Running git lfs pull",
      action: (ctx) => {
        const route = routeOf(ctx);
        return { kind: "run-command", argv: ["git", "-C", route.root ?? ".", "lfs", "pull", "--include", route.include] };
      },
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
          "Common reasons: the repository's LFS server does not have the file or refuses access (a private repository, a used-up quota), or the network is down.",
          ["Check the output above, then from the repository's root:"],
          [manualCommands(routeOf(ctx))],
          DOWNLOAD_INSTEAD,
        ),
    },
    {
      kind: "end",
      id: "manual",
      outcome: "not-fixed",
      title: "Fetch the model with Git LFS",
      body: (ctx) =>
        paragraphs(
          ["From the repository's root:"],
          [manualCommands(routeOf(ctx))],
          DOWNLOAD_INSTEAD,
          ["Then run ", command(`keras-fix ${modelPathOf(ctx)}`), " again."],
        ),
    },
    {
      kind: "end",
      id: "instead",
      outcome: "not-fixed",
      title: "Get the real file another way",
      body: (ctx) => [...instead(routeOf(ctx)), ...paragraphs(["Then run ", command(`keras-fix ${modelPathOf(ctx)}`), " again."])],
    },
  ],
};

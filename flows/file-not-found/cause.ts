// The path given does not exist (or is not readable). Seen from the file alone, and in tracebacks of every Keras
// line: h5py's "No such file or directory", tf-keras' "No file or directory found at", Keras 3's "File not found".
import { code, paragraphs, path } from "../../src/core/content.js";
import type { Cause } from "../../src/core/types.js";

export const fileNotFound: Cause = {
  id: "file-not-found",
  title: "The model file is not where the path says",
  summary: (ctx) =>
    paragraphs([
      "Nothing is at ",
      path(ctx.diagnosis.captures.path ?? ctx.modelPath ?? "the given path"),
      ", so there is no model to load.",
    ]),
  matchers: [
    {
      type: /^(OSError|IOError|FileNotFoundError)$/,
      message: /(?:No file or directory found at|No such file or directory[:,]?\s*(?:'|\()?)(?<path>[^'\n)]*)/,
      means: "the loader could not open the path",
    },
    {
      type: /^ValueError$/,
      // Keras 3 says this for a missing `.keras` path, and also for one that exists but is not a zip: the file's
      // facts (format) decide between them, see `when`.
      message: /File not found: filepath=(?<path>.*?)\. Please ensure the file is an accessible `\.keras` zip file/,
      means: "Keras 3 could not open the path as a .keras zip",
    },
  ],
  when: (_captures, facts) => !facts.file || facts.file.format === "missing",
  detect: (facts) =>
    facts.file?.format === "missing"
      ? { confidence: 0.99, captures: { path: facts.file.path }, evidence: [`nothing exists at ${facts.file.path}`] }
      : null,
  culprit: (captures, facts) => captures.path || facts.file?.path || null,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "Check the path",
      body: (ctx) =>
        paragraphs(
          ["Check the spelling and the folder: relative paths are resolved from ", code(process.cwd()), "."],
          "If the model was meant to be downloaded, download it again and check its size against the source.",
        ),
      next: "end",
    },
    {
      kind: "end",
      id: "end",
      outcome: "not-fixed",
      title: "Point keras-fix at the model file",
      body: () => paragraphs("Run keras-fix again with the right path once the file is there."),
    },
  ],
};

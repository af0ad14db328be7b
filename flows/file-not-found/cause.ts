// The path given does not exist (or is not readable). Seen from the file alone, and in tracebacks of every Keras
// line: h5py's "unable to open file ... errno = 2", tf-keras' "No file or directory found at", Keras 3's
// "File not found: filepath=..." (which Keras 3 also prints for a `.keras` file that exists but is not a zip: the
// file's facts decide, see `when`).
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { code, command, paragraphs, path, shell } from "../../src/core/content.js";
import type { Cause, Facts, StepContext } from "../../src/core/types.js";

// Formats that mean "there is a file, it is just not a readable model": other causes own them.
const fileExists = (facts: Facts) => facts.file !== null && facts.file.format !== "missing";

function missingPath(ctx: StepContext): string {
  return ctx.diagnosis.captures.path || ctx.file?.path || ctx.modelPath || "the given path";
}

/** Mistakes that make a correct-looking path point nowhere, judged from the path text itself. */
export function pathHints(target: string): string[] {
  const hints: string[] = [];
  if (target.startsWith("~")) hints.push("Python does not expand `~`: use the full path or os.path.expanduser().");
  if (/[\n\t\r\f\v\x07\x08]/.test(target)) {
    hints.push("The path contains a control character: in a normal Python string `\\n`, `\\t`, `\\b` ... in a Windows path are escapes. Use a raw string r\"C:\\...\" or forward slashes.");
  }
  if (/^\/content\/drive\//.test(target)) hints.push("On Colab, mount Google Drive first (drive.mount('/content/drive')).");
  if (/^(?:\.\.?\/|[^/\\~]|$)/.test(target) && !/^[A-Za-z]:[\\/]/.test(target)) {
    hints.push("The path is relative: Python resolves it from the folder it was started in, not from the script's folder.");
  }
  return hints;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/**
 * The model files beside the missing path whose names are close to the one typed (a typo, another extension), as
 * paths written the way the user wrote theirs: what "did you mean" offers.
 */
export function similarModelFiles(target: string): string[] {
  const folder = dirname(target);
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => {
      if (/\.(h5|hdf5|keras)$/i.test(name)) return true;
      try {
        return statSync(join(folder, name)).isDirectory() && existsSync(join(folder, name, "saved_model.pb"));
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
  const wanted = basename(target).toLowerCase();
  const stem = (name: string) => name.toLowerCase().replace(/\.(h5|hdf5|keras)$/, "");
  return names
    .map((name) => ({ name, distance: Math.min(editDistance(wanted, name.toLowerCase()), editDistance(stem(wanted), stem(name))) }))
    .filter(({ distance }) => distance <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map(({ name }) => (folder === "." && !target.startsWith("./") ? name : join(folder, name)));
}

export const fileNotFound: Cause = {
  id: "file-not-found",
  title: "The model file is not where the path says",
  summary: (ctx) => paragraphs(["Nothing is at ", path(missingPath(ctx)), ", so there is no model to load."]),
  matchers: [
    {
      // tf-keras / Keras 2.x legacy save.py (captured: keras2 env, fixtures/tracebacks/file-not-found/tf-keras-2.15.0--*).
      type: /^(?:OSError|IOError)$/,
      message: /No file or directory found at (?<path>.+)$/m,
      weight: 0.9,
      means: "the loader found no file or folder at the path",
    },
    {
      // h5py (Keras 3 and Keras 2 .h5 paths): "[Errno 2] Unable to synchronously open file (unable to open file:
      // name = 'nope.h5', errno = 2, ...)"; older h5py says "Unable to open file".
      type: /^(?:OSError|IOError|FileNotFoundError)$/,
      // HDF5 1.8 (h5py 2.x) capitalises the inner "Unable to open file".
      message: /Unable to (?:synchronously )?open file \([Uu]nable to open file: name = '(?<path>[^']*)', errno = 2\b/,
      weight: 0.9,
      means: "h5py could not open the path: no such file",
    },
    {
      // The same cut right after the name: the type alone still says errno 2.
      type: /^FileNotFoundError$/,
      message: /Unable to (?:synchronously )?open file \(unable to open file: name = '(?<path>[^'\n]*)$/,
      weight: 0.85,
      means: "h5py could not open the path: no such file",
    },
    {
      type: /^(?:OSError|IOError|FileNotFoundError)$/,
      message: /\[Errno 2\] No such file or directory: '(?<path>[^']*)'/,
      weight: 0.85,
      means: "the operating system says there is no such file",
    },
    {
      // TF <= 2.4 (and TF 2.5+ for a path that exists but is not HDF5) falls through to the SavedModel loader: the
      // path with "/{saved_model.pbtxt|saved_model.pb}" appended. Without the file's facts, a missing path is the
      // common reading; `when` hands an existing file to the causes that read its content.
      type: /^(?:OSError|IOError)$/,
      // A paste cut after the path keeps only "SavedModel file does not exist at: my_model".
      message: /SavedModel file does not exist at: (?<path>.+?)(?:\/?\{saved_model\.pbtxt\|saved_model\.pb\}|$)/m,
      weight: 0.7,
      means: "TensorFlow found neither an HDF5 file nor a SavedModel at the path",
    },
    {
      // Windows words it "[WinError 3] The system cannot find the path specified" (WinError 2: "the file").
      type: /^(?:OSError|IOError|FileNotFoundError)$/,
      message: /\[WinError [23]\] The system cannot find the (?:file|path) specified: '(?<path>[^']*)'/,
      weight: 0.85,
      means: "Windows says there is no such file or folder",
    },
    {
      // TensorFlow's file system layer (tf.io.gfile, the SavedModel reader): "NotFoundError: <path>; No such file or
      // directory".
      type: /^NotFoundError$/,
      message: /^(?:NewRandomAccessFile failed to Create\/Open: )?(?<path>[^;\n]+?)(?: : The system cannot find the (?:file|path) specified\.)?\s*; No such file or directory/m,
      weight: 0.8,
      means: "TensorFlow's file system found no file at the path",
    },
    {
      type: /^ValueError$/,
      // Keras 3 saving_api for a `.keras` name that is not an existing zip (research §0.6).
      message: /File not found: filepath=(?<path>.*?)\. Please ensure the file is an accessible `\.keras` zip file/,
      weight: 0.8,
      means: "Keras 3 could not open the path as a .keras zip",
    },
    {
      type: /^ValueError$/,
      // Keras 3 saving_lib for an unzipped model folder that is not there (mined table).
      message: /Directory doesn't exist: (?<path>.+)$/m,
      weight: 0.8,
      means: "Keras 3 found no model folder at the path",
    },
  ],
  // The file exists: the error means "unreadable", and the file's format names the real cause. Without the file, a
  // `.keras` name in TensorFlow's SavedModel wording more often exists and predates the loader (keras3-file-in-keras2).
  when: (captures, facts) => {
    if (fileExists(facts)) return false;
    return !facts.file && /\.keras\/?$/.test(captures.path ?? "") ? 0.85 : true;
  },
  detect: (facts) =>
    facts.file?.format === "missing"
      ? { confidence: 0.99, captures: { path: facts.file.path }, evidence: [`nothing exists at ${facts.file.path}`] }
      : null,
  culprit: (captures, facts) => captures.path || facts.file?.path || captures.loadedPath || captures.mentionedPath || null,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "Check the path",
      body: (ctx) => {
        const target = missingPath(ctx);
        const hints = pathHints(target);
        const similar = similarModelFiles(target);
        return paragraphs(
          ["Keras was asked to load ", path(target), " and found nothing there."],
          ...(similar.length > 0 ? [["Did you mean ", ...similar.flatMap((file, i) => [...(i > 0 ? [" or "] : []), command(`keras-fix ${/^[\w./-]+$/.test(file) ? file : JSON.stringify(file)}`)]), "?"]] : []),
          ["Relative paths are resolved from the folder Python runs in; keras-fix ran from ", path(process.cwd()), "."],
          ...hints.map((hint) => [hint]),
          "If the model was meant to be downloaded, download it again and compare its size with the source.",
        );
      },
      next: "end",
    },
    {
      kind: "end",
      id: "end",
      outcome: "not-fixed",
      title: "Point keras-fix at the model file",
      body: () =>
        paragraphs(
          ["Find the file, then run keras-fix again with its path, for example:"],
          [shell("find . -name '*.h5' -o -name '*.keras' -o -name 'saved_model.pb'")],
          ["and then ", code("keras-fix path/to/model.h5"), "."],
        ),
    },
  ],
};

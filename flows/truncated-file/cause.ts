// The file is shorter than it says it is (an interrupted download or copy) or empty. HDF5 records its own length,
// so h5py can tell ("truncated file: eof = 3000, ..., stored_eof = 14080"); a cut `.keras` zip loses its central
// directory at the end, so Keras 3 reports it as "File not found ... accessible `.keras` zip file".
import { code, command, paragraphs, path, shell, strong } from "../../src/core/content.js";
import type { Cause, Facts, StepContext } from "../../src/core/types.js";

const BROKEN = new Set(["truncated", "empty"]);

/** The expected and actual sizes in bytes, from the traceback's captures or the inspector's facts. */
export function sizes(captures: Record<string, string>, facts: Facts): { expected: number | null; actual: number | null } {
  const details = (facts.file?.details ?? {}) as Record<string, unknown>;
  const number = (value: unknown) => (value === undefined || value === null || value === "" ? null : Number(value));
  const expected = number(captures.expected ?? details.expectedSize ?? details.storedEof);
  const actual = number(captures.actual ?? facts.file?.fileSize ?? null);
  return {
    expected: expected !== null && Number.isFinite(expected) ? expected : null,
    actual: actual !== null && Number.isFinite(actual) ? actual : null,
  };
}

function bytes(value: number): string {
  return value >= 1024 * 1024 ? `${value} bytes (${(value / (1024 * 1024)).toFixed(1)} MB)` : `${value} bytes`;
}

const targetOf = (ctx: StepContext) => ctx.file?.path ?? ctx.modelPath ?? ctx.diagnosis.captures.path ?? "model.h5";

/** The parts an incomplete SavedModel folder lacks (inspect's details.missingParts), empty for a single file. */
function missingParts(facts: Facts): string[] {
  const parts = (facts.file?.details ?? {}).missingParts;
  return Array.isArray(parts) ? parts.map(String) : [];
}

export const truncatedFile: Cause = {
  id: "truncated-file",
  title: "The model file is incomplete (cut short or empty)",
  summary: (ctx) => {
    const missing = missingParts(ctx);
    if (missing.length > 0) {
      return paragraphs([path(targetOf(ctx)), ` is an incomplete SavedModel folder: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing, so it was not downloaded or copied completely.`]);
    }
    const { expected, actual } = sizes(ctx.diagnosis.captures, ctx);
    if (actual === 0) return paragraphs([path(targetOf(ctx)), " is empty: the download or copy wrote nothing."]);
    return paragraphs([
      path(targetOf(ctx)),
      " stops before its end",
      expected !== null && actual !== null ? `: ${bytes(actual)} of the ${bytes(expected)} it should have` : "",
      ", so it was not downloaded or copied completely.",
    ]);
  },
  matchers: [
    {
      // h5py reads the length HDF5 stored in its superblock (captured: keras3 and keras2 envs on a cut .h5).
      type: /^(?:OSError|IOError)$/,
      message: /truncated file: eof = (?<actual>\d+), sblock->base_addr = \d+, stored_eof = (?<expected>\d+)/,
      weight: 0.95,
      means: "h5py says the file is shorter than its header records",
    },
    {
      // Damaged HDF5 structures inside a file that starts well: a partial or corrupted copy.
      type: /^(?:OSError|IOError|KeyError|RuntimeError)$/,
      message: /(?:bad object header version number|addr overflow|wrong B-tree signature|bad symbol table node signature|bad local heap signature|Can't read data \(inflate\(\) failed\))/,
      weight: 0.6,
      means: "h5py found damaged structures inside the file",
    },
    {
      type: /^(?:BadZipFile|BadZipfile)$/,
      message: /File is not a zip file|Truncated file header|Bad magic number for (?:file header|central directory)|Bad CRC-32|Error -3 while decompressing/,
      weight: 0.7,
      means: "the .keras zip is damaged",
    },
    {
      // Keras 3 on a cut `.keras` zip (captured: keras3 env): only the facts can tell this from a missing file.
      type: /^ValueError$/,
      message: /File not found: filepath=(?<path>.*?)\. Please ensure the file is an accessible `\.keras` zip file/,
      weight: 0.45,
      means: "Keras 3 could not open the file as a .keras zip",
    },
    {
      // Keras 2 reads a cut `.keras` as HDF5 and h5py finds no signature (captured: keras2 env).
      type: /^(?:OSError|IOError)$/,
      message: /Unable to (?:synchronously )?open file \(file signature not found(?:\)|$)/,
      weight: 0.45,
      means: "h5py found no HDF5 signature at the start of the file",
    },
    {
      // TF's SavedModel loader and tf.keras' metadata reader on a protobuf they cannot parse (mined table): a
      // saved_model.pb / keras_metadata.pb cut short or damaged in a copy.
      type: /^(?:OSError|IOError|DecodeError)$/,
      message: /Cannot parse (?:file|keras metadata(?: at path)?) (?<pbPath>\S*?(?:saved_model\.pbtxt?|keras_metadata\.pb|\.pb\w*|debug_info\S*))\b/,
      weight: 0.7,
      means: "TensorFlow could not parse a protobuf of the SavedModel",
    },
    {
      // Keras 3 on a `.keras` archive without its weights member (mined table): an incomplete archive.
      type: /^ValueError$/,
      message: /Expected a (?<member>model\.weights\.h5) or model\.weights\.npz file/,
      weight: 0.7,
      means: "the .keras archive has no weights member",
    },
    {
      // TF's SavedModel loader when the variables the graph names are not in the folder (mined table: load_internal
      // appends this device hint to the NotFoundError).
      type: /^(?:FileNotFoundError|NotFoundError)$/,
      message: /If trying to load on a different device from the computational device, consider using setting the `experimental_io_device` option/,
      weight: 0.65,
      means: "TensorFlow could not read the SavedModel's variables from its folder",
    },
  ],
  // The explicit "truncated file" report needs no facts; the look-alike messages count only when the file is
  // known to be cut or empty.
  when: (captures, facts) => {
    if (captures.expected) return true;
    if (!facts.file) return captures.path !== undefined ? false : 0.9;
    return BROKEN.has(facts.file.format) ? 1.6 : false;
  },
  detect: (facts) => {
    if (!facts.file || !BROKEN.has(facts.file.format)) return null;
    const { expected, actual } = sizes({}, facts);
    const missing = missingParts(facts);
    const evidence = missing.length > 0
      ? [`the SavedModel folder lacks ${missing.join(", ")}`]
      : facts.file.format === "empty"
        ? ["the file is empty (0 bytes)"]
        : [`the file is cut short${expected !== null && actual !== null ? `: ${actual} of ${expected} bytes` : ""}`];
    const captures: Record<string, string> = { path: facts.file.path };
    if (expected !== null) captures.expected = String(expected);
    if (actual !== null) captures.actual = String(actual);
    return { confidence: 0.95, captures, evidence };
  },
  culprit: (captures, facts) => facts.file?.path ?? captures.path ?? captures.loadedPath ?? captures.mentionedPath ?? null,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "The file is incomplete",
      body: (ctx) => {
        const { expected, actual } = sizes(ctx.diagnosis.captures, ctx);
        const content = paragraphs(
          "Model files record where their data ends. This one ends early: the download or copy was interrupted, a quota or disk filled up, or a sync tool has not finished.",
        );
        if (expected !== null && actual !== null) {
          content.push(...paragraphs(["Expected ", strong(bytes(expected)), ", found ", strong(bytes(actual)), ` (${Math.round((actual / expected) * 100)}%).`]));
        }
        return content;
      },
      next: "end",
    },
    {
      kind: "end",
      id: "end",
      outcome: "not-fixed",
      title: "Download the file again and check its size",
      body: (ctx) => {
        const target = targetOf(ctx);
        const { expected } = sizes(ctx.diagnosis.captures, ctx);
        return paragraphs(
          ["Download it again to a new name (resumable: ", command("curl -L -C - -o"), ", ", command("wget -c"), ", or ", command("huggingface-cli download"), "), then compare the size with the source:"],
          [shell(`ls -l "${target}"${expected !== null ? `   # expect ${expected} bytes` : ""}\nsha256sum "${target}"   # compare with the checksum the source publishes, if any`)],
          ["Then run ", code(`keras-fix ${target}`), " again."],
        );
      },
    },
  ],
};

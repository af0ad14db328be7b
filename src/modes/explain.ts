// `keras-fix explain <traceback-file | ->`: the diagnosis from a pasted traceback, with the model's facts when
// --model is given, and the cause's fix steps as far as they go without the model file or a Python (the --auto path,
// stopped before the first action). No Python runs: the steps that need a load are named, not performed.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { causeById, causes } from "../../flows/index.js";
import type { CliOptions } from "./options.js";
import { classify } from "../core/classify/classify.js";
import { isUserError, UserError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { inspectModel } from "../core/inspect/index.js";
import { parseTraceback } from "../core/classify/traceback.js";
import type { Diagnosis, Facts, ModelFacts } from "../core/types.js";
import { walkWithoutActions } from "../engine/auto-walk.js";
import { printErrorDocument, printReport } from "./run-report.js";

// A pasted traceback is text of a few kilobytes; anything far larger is not what the user meant to give.
const MAX_TRACEBACK_BYTES = 8 * 1024 * 1024;

// Standard input read as a stream: readFileSync(0) fails with EAGAIN on a terminal, where the user pastes by hand.
async function readStandardInput(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("Paste the traceback, then press Ctrl-D on a new line (Ctrl-Z then Enter on Windows).\n");
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of process.stdin) {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      size += buffer.length;
      if (size > MAX_TRACEBACK_BYTES) throw new UserError("Standard input is larger than 8 MB: that is not a traceback.");
      chunks.push(buffer);
    }
  } catch (error) {
    if (isUserError(error)) throw error;
    throw new UserError("Could not read the traceback from standard input.", "pbpaste | keras-fix explain -");
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readTraceback(source: string): Promise<string> {
  let text: string;
  if (source === "-") {
    text = await readStandardInput();
  } else {
    try {
      text = readFileSync(source, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new UserError(`No traceback file at ${source}.`);
      if (code === "EISDIR") throw new UserError(`${source} is a folder; give the file that holds the traceback.`);
      throw new UserError(`Could not read ${source} (${code ?? "unknown error"}).`);
    }
  }
  if (Buffer.byteLength(text) > MAX_TRACEBACK_BYTES) throw new UserError(`${source} is larger than 8 MB: that is not a traceback.`);
  if (text.trim() === "") {
    throw new UserError(source === "-" ? "Standard input was empty: paste the traceback, then end with Ctrl-D." : `${source} is empty.`);
  }
  return text;
}

// Text that names an error in words ("it fails with ...", "Illegal instruction", "cannot load") is never refused: it
// gets a diagnosis, or `unclassified` with what was read.
const NAMES_AN_ERROR =
  /\b(?:error|exception|traceback|fail(?:s|ed|ing|ure)?|cannot|can't|could not|couldn't|unable|not (?:found|supported|defined)|unknown|invalid|illegal|abort(?:ed)?|segmentation|core dumped|crash(?:es|ed)?|no module)\b|erreur|fehler|错误|エラー|ошибк|erro/i;

// The classifier's note when a cause's `when` scaled its score with facts present: it cannot tell whether the file
// or the wording moved it. With --model, explain finds out (below) instead of crediting the file.
const FACTS_NOTE = /^what the file and the environment say (agrees with it|makes it less likely)$/;
const WORDING_NOTE = /^what the wording and the names say (agrees with it|makes it less likely)$/;
// The causes whose culprit is an object the file's config names (a class, a function, a loss...).
const NAMES_AN_OBJECT = new Set(["custom-layer-missing", "custom-function-missing", "custom-loss-missing", "custom-metric-missing",
  "custom-optimizer-missing", "registered-name-mismatch", "tfhub-layer-missing"]);
const HAS_CONFIG = new Set<ModelFacts["format"]>(["h5-model", "keras-zip", "keras-json", "savedmodel"]);

/** Every name the file's config gives a layer or a custom object, as stored and as a class name. */
function namesIn(file: ModelFacts): Set<string> {
  return new Set([
    ...file.layerClasses,
    ...file.customClasses,
    ...file.customObjects.flatMap((ref) => [ref.className, ref.key, ...(ref.registeredName ? [ref.registeredName] : [])]),
    ...file.lambdas.flatMap((lambda) => (lambda.functionName ? [lambda.functionName] : [])),
  ]);
}

/**
 * With --model, the evidence speaks of that file only where the file says it: a score the file did not move keeps
 * the wording's note, and the name the traceback blames is looked up in the file (present, or absent: then the
 * traceback may come from another file).
 */
export function withModelEvidence(diagnosis: Diagnosis, fromTracebackAlone: Diagnosis, file: ModelFacts): Diagnosis {
  const model = basename(file.path);
  const wordingNote = fromTracebackAlone.cause === diagnosis.cause ? fromTracebackAlone.evidence.find((line) => WORDING_NOTE.test(line)) : undefined;
  const evidence = diagnosis.evidence.map((line) => {
    const note = FACTS_NOTE.exec(line);
    if (!note) return line;
    if (wordingNote && wordingNote.endsWith(note[1])) return wordingNote;
    return `what keras-fix read in ${model} ${note[1]}`;
  });
  const stored = diagnosis.captures.name;
  if (stored && NAMES_AN_OBJECT.has(diagnosis.cause) && HAS_CONFIG.has(file.format) && file.layerClasses.length > 0) {
    const className = stored.slice(stored.lastIndexOf(">") + 1);
    const names = namesIn(file);
    const ref = file.customObjects.find((r) => r.key === stored || r.className === className);
    if (names.has(stored) || names.has(className)) {
      const where = ref && ref.where.length > 0 ? ` (in ${ref.where.join(" > ")})` : "";
      evidence.push(`${model} stores ${ref ? `the ${ref.kind} ` : ""}${ref?.key ?? className}${where}`);
    } else {
      const custom = file.customObjects.map((r) => r.key);
      const holds = custom.length > 0 ? `its custom objects are ${custom.join(", ")}` : "it has no custom objects";
      evidence.push(`${model} stores no ${className} (${holds}): this traceback may come from another file, or another version of this one`);
    }
  }
  return { ...diagnosis, evidence };
}

export async function runExplain(source: string | undefined, options: CliOptions): Promise<number> {
  try {
    return await explain(source, options);
  } catch (error) {
    // With --json a refused input is still one JSON document (outcome "error"), as --auto prints.
    if (!options.json || !isUserError(error)) throw error;
    return printErrorDocument(error, { file: null, env: null, load: null, diagnosis: null, cause: null, outcome: "error" }, options);
  }
}

async function explain(source: string | undefined, options: CliOptions): Promise<number> {
  if (!source) throw new UserError("explain takes a traceback file, or - for standard input.");
  const text = await readTraceback(source);
  const chain = parseTraceback(text);
  const facts: Facts = { file: options.model ? await inspectModel(options.model) : null, env: null, load: null };
  const classified = classify(chain, facts, causes);
  const diagnosis = facts.file ? withModelEvidence(classified, classify(chain, { file: null, env: null, load: null }, causes), facts.file) : classified;
  // Text without any exception line can still name a cause ("Illegal instruction (core dumped)"); when it names
  // none, it was not a traceback at all, and saying "undiagnosed" would blame the catalogue for the input.
  if (diagnosis.cause === "unclassified" && !chain.some((exception) => exception.type) && !NAMES_AN_ERROR.test(text)) {
    throw new UserError("No Python exception found in that text.", "paste everything from 'Traceback (most recent call last):' to the last line");
  }
  const cause = causeById(diagnosis.cause) ?? null;
  const outcome = diagnosis.cause === "unclassified" ? "undiagnosed" : "diagnosed";
  const load = { ok: false, seconds: 0, chain, warnings: [] };
  const result = { file: facts.file, env: null, load, diagnosis, cause, outcome } as const;
  const base = { ...facts, load, diagnosis, modelPath: options.model ?? null };
  const summary = cause ? cause.summary({ ...base, results: {}, inputs: {} }) : null;
  // The fix steps that need neither the file nor a Python: the cause's own walk, up to its first action.
  const walk = cause ? await walkWithoutActions(cause, base) : null;
  const exitCode = outcome === "diagnosed" ? ExitCode.diagnosed : ExitCode.undiagnosed;
  printReport({ result, walk, exitCode, summary, explain: true }, options);
  return exitCode;
}

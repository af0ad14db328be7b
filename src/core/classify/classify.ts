// Names the most likely cause of a failed load by running every cause's matchers over the (unwrapped) exception
// chain and every cause's detect over the file and environment facts, then ranking what agreed.
//
// How ranking works (each step is visible in the diagnosis' evidence):
//  1. Every matcher of every cause is tried on every entry of `unwrapChain(chain)`: the printed exceptions and the
//     exceptions found inside Keras wrapper messages (R8/R9/W9/K2/K3). A matcher hits an entry when its `type`
//     regex accepts the last dotted part of the type (skipped when the type is unknown, as for text inside R8/R9/W9
//     wrappers), its `message` regex matches, and, when it has one, its `frame` regex matches a frame's file
//     (separators normalised to "/"), function or source line. Unwrapped entries use their wrapper's frames.
//  2. A hit scores `weight` (default 0.8), times 0.9 when it is not in the final printed exception (Python prints
//     the one that escaped last, and that is the one the user saw), plus small specificity bonuses: +0.02 per
//     named capture (up to 3), +0.04 when frame evidence was required and found, +0.04 per wrapper level around
//     the entry (up to 2), so the real error inside "Error when deserializing class ..." beats a matcher of the
//     wrapper itself.
//  3. The cause's `when(captures, facts)` then vetoes the hit (false) or scales it (a number; above 1 when the file
//     or the environment confirms it: this is how a version cause claims `Unknown layer: Functional` from a
//     custom-layer cause whose regex matches the same text). The cause keeps its best hit. `when` also sees one
//     capture the classifier adds, `stackShows` (not kept in the diagnosis): "load" when a frame of the chain is
//     Keras loading or deserializing (load_model, from_config, load_weights...), "other" when there are frames and
//     none of them loads anything (the user's own code, an import, a predict call), "nothing" for a pasted final
//     line. Causes whose wording only means something during a load veto "other". It also sees `keras3Frame`
//     ("yes" when a frame is in a file only Keras 3 has), for causes that need two libraries' frames in one chain.
//     After ranking, a hit's captures also carry what the paste says around the error: `loadedPath` (the path a
//     loader call names), `mentionedPath` / `mentionedFolder` (a model file or folder named anywhere),
//     `callingCode` and `callingPackage` (the innermost code outside Keras and TensorFlow, and its installed
//     package) and `namesTfKeras` (the paste shows tf_keras), which culprits read when no file or env was probed.
//  4. `detect(facts)` adds evidence from the file and environment alone. With a hit, the two combine as
//     independent evidence (1 - (1-a)(1-b)); without one it stands alone, times 0.85 when a traceback exists but
//     says nothing this cause recognises.
//  5. A cause whose `outranks(facts)` holds comes first (unsafe-model-file: a file the safety read named dangerous
//     is never advised on as anything else). The rest are sorted by confidence (capped at 0.99), then by named captures, then by registry order. Below
//     MIN_CONFIDENCE the diagnosis is `unclassified`, carrying the real final error, with the weak candidates as
//     alternatives.
import { minedCauseOf, wordingOf } from "./messages.js";
import { unwrapChain, wrapperCaptures, type ChainEntry } from "./traceback.js";
import type { Cause, Diagnosis, ExceptionInfo, Facts, Frame, Matcher } from "../types.js";

export const UNCLASSIFIED_ID = "unclassified";
const MIN_CONFIDENCE = 0.3;
const MAX_CONFIDENCE = 0.99;
const DEFAULT_WEIGHT = 0.8;
const NOT_FINAL_FACTOR = 0.9;
const CAPTURE_BONUS = 0.02;
const FRAME_BONUS = 0.04;
const WRAPPER_BONUS = 0.04;
const UNCONFIRMED_DETECT_FACTOR = 0.85;
const UNTYPED_FACTOR = 0.95;
const SNIPPET_LENGTH = 160;

export interface RankedCause {
  cause: Cause;
  confidence: number;
  captures: Record<string, string>;
  evidence: string[];
  /** Named captures the winning matcher produced (ties are broken by it). */
  specificity: number;
  /** The first capture the winning matcher or detect produced, in the order its regex names them. */
  firstCapture: string | null;
}

interface Hit {
  score: number;
  captures: Record<string, string>;
  namedCount: number;
  firstCapture: string | null;
  evidence: string[];
}

// Frames that show a model being loaded or rebuilt from its config, on every Keras line (research §5): the
// function names of the loaders, the modules they live in, and the user's own line that called them.
const LOADING_FUNCTION =
  /^(?:load_model|load_wrapper|load_weights|load_model_from_hdf5|_load_model_from_fileobj|_deserialize_model|model_from_(?:json|config|yaml)|\w*from_config|reconstruct_from_config|process_layer|deserialize(?:_keras_object|_layer|_node)?|class_and_config_for_serialized_keras_object|_retrieve_class_or_fn|func_load|compile_args_from_training_config|load_own_variables|_load_state|load_weights_from_hdf5_group(?:_by_name)?|preprocess_weights_for_loading|parse_saved_model|load_internal|load)$/;
const LOADING_FILE = /\/(?:saving|saved_model)\/|hdf5_format\.py|legacy_h5_format\.py|engine\/saving\.py/;
const LOADING_CODE = /\b(?:load_model|load_weights|model_from_json|model_from_config|from_config|saved_model\.load|hub\.load)\s*\(/;

export type StackShows = "load" | "other" | "nothing";

/** Whether the printed frames show a load (see the header, step 3). */
export function stackShows(chain: ExceptionInfo[] | null): StackShows {
  const frames = (chain ?? []).flatMap((exception) => exception.frames);
  if (frames.length === 0) return "nothing";
  const loading = frames.some(
    (frame) =>
      LOADING_FUNCTION.test(frame.function ?? "") || LOADING_FILE.test(normalisePath(frame.file)) || LOADING_CODE.test(frame.code ?? ""),
  );
  return loading ? "load" : "other";
}

const lastDottedPart = (type: string) => type.slice(type.lastIndexOf(".") + 1);
const normalisePath = (file: string) => file.replace(/\\/g, "/");

function snippet(value: string): string {
  const oneLine = value.replace(/\s+/g, " ").trim();
  return oneLine.length > SNIPPET_LENGTH ? `${oneLine.slice(0, SNIPPET_LENGTH - 1)}…` : oneLine;
}

// A frame is tried as its file, its function, its source line, and "file:function" (so that a pattern can ask for
// a function in the user's own code rather than in an installed package).
function frameMatching(pattern: RegExp, frames: Frame[]): Frame | null {
  return (
    frames.find((frame) => {
      const file = normalisePath(frame.file);
      return [file, frame.function ?? "", frame.code ?? "", `${file}:${frame.function ?? ""}`].some((part) => part && pattern.test(part));
    }) ?? null
  );
}

function describeEntry(entry: ChainEntry, isFinal: boolean): string {
  const where = isFinal ? "the final exception" : `exception ${entry.origin + 1} of the chain`;
  if (entry.depth === 0) return where;
  const wrapper = entry.wrappers[entry.wrappers.length - 1];
  const named = wrapper.captures.wrappedClass ? ` (class ${wrapper.captures.wrappedClass})` : "";
  return `the error wrapped inside ${where}${named}`;
}

// The texts a matcher is tried on, most literal first, each with the factor its hit is scored at: the message as
// printed; the message with its line breaks turned into spaces (a forum or an editor wrapped it); its first paragraph
// and its first line (a message runs on into the prose the user wrote after it: "... RAdam\n\nAny way to fix it?");
// the first line with up to six trailing words dropped ("Unknown layer: CRF throws when I load it"). For text pasted
// without any exception type (a message alone, or a sentence around it), each quoted or backticked span, each line on
// its own, and each line from a capitalised word on ("it responds No model found in config file").
interface Variant { text: string; factor: number }
const PROSE_TRIMMED_FACTOR = 0.96;
const MAX_TRIMMED_WORDS = 6;

function trailingTrims(line: string): string[] {
  const words = line.trim().split(/\s+/);
  const out: string[] = [];
  for (let drop = 1; drop <= Math.min(MAX_TRIMMED_WORDS, words.length - 2); drop++) {
    out.push(words.slice(0, words.length - drop).join(" ").replace(/[\s,;:(-]+$/, ""));
  }
  return out;
}

// The variants of an entry are the same for every matcher of every cause: computed once per entry.
const variantsOf = new WeakMap<ChainEntry, Variant[]>();
function messageVariants(entry: ChainEntry): Variant[] {
  const known = variantsOf.get(entry);
  if (known) return known;
  const variants = computeVariants(entry);
  variantsOf.set(entry, variants);
  return variants;
}

function computeVariants(entry: ChainEntry): Variant[] {
  const variants: Variant[] = [{ text: entry.message, factor: 1 }];
  const seen = new Set([entry.message]);
  const add = (text: string, factor: number) => {
    if (text.length < 4 || seen.has(text)) return;
    seen.add(text);
    variants.push({ text, factor });
  };
  const oneLine = entry.message.replace(/[ \t]*\n[ \t]*/g, " ");
  add(oneLine, 1);
  const firstParagraph = entry.message.split(/\n[ \t]*\n/)[0];
  add(firstParagraph, 1);
  add(firstParagraph.replace(/[ \t]*\n[ \t]*/g, " "), 1);
  const firstLine = entry.message.split("\n")[0].trim();
  add(firstLine, 0.99);
  if (!entry.type && entry.depth === 0) {
    const quotedSpans = /"([^"\n]{8,})"|“([^”\n]{8,})”|`([^`\n]{8,})`|(?<![\w])'([^'\n]{8,})'(?![\w])/g;
    for (const quoted of entry.message.matchAll(quotedSpans)) add(quoted[1] ?? quoted[2] ?? quoted[3] ?? quoted[4], 1);
    // A message that itself holds double quotes ("Layer #3 (named "dense") ..."): from the first quote to the last.
    const outermost = /"([^\n]{8,})"/.exec(entry.message);
    if (outermost) add(outermost[1], 1);
    const lines = entry.message.split("\n").map((line) => line.trim()).filter((line) => line.length >= 8);
    if (lines.length > 1) for (const line of lines) add(line, 1);
    // A line that opens a quotation it never closes ('"<class ...> could not be deserialized ...'), or a markdown
    // block quote of one line amid prose ('> "<class ...> could not ...'; unquote() leaves a lone quoted line alone).
    for (const line of lines) if (/^(?:>\s*)*["'“`]/.test(line) || /^>\s/.test(line)) add(line.replace(/^(?:>\s*)*["'“`]*/, ""), 1);
    // An error described in a sentence: the line from each capitalised word on (a bounded number per line).
    for (const line of lines.slice(0, 40)) {
      const starts = [...line.matchAll(/(?<=[\s:>(“"'`])[A-Z][\w']*/g)].slice(0, 6);
      for (const start of starts) {
        const rest = line.slice(start.index).replace(/["”'`]?[.!?]?\s*$/, "");
        add(rest, PROSE_TRIMMED_FACTOR);
        // ... up to the end of its clause ("No model found in config file, what can I do").
        const clause = rest.split(/[,;!?] |\. (?=[A-Z])| - /)[0];
        add(clause, PROSE_TRIMMED_FACTOR);
        // A message retold loses its closing full stop; Keras' own ends with one.
        if (!/[.!?]$/.test(clause)) add(`${clause}.`, PROSE_TRIMMED_FACTOR);
      }
    }
  }
  for (const trimmed of trailingTrims(firstLine)) add(trimmed, PROSE_TRIMMED_FACTOR);
  return variants;
}

function tryMatcher(matcher: Matcher, entry: ChainEntry, frames: Frame[], isFinal: boolean): Hit | null {
  if (matcher.type && entry.type && !matcher.type.test(lastDottedPart(entry.type))) return null;
  // Text without an exception type (the message alone, or in a sentence) may still be the matcher's: it loses a
  // little for the type it could not confirm.
  const untyped = Boolean(matcher.type && !entry.type && entry.depth === 0);
  let match: RegExpExecArray | null = null;
  let variantFactor = 1;
  for (const variant of messageVariants(entry)) {
    match = matcher.message.exec(variant.text);
    if (match) {
      variantFactor = variant.factor;
      break;
    }
  }
  if (!match) return null;
  let frame: Frame | null = null;
  if (matcher.frame) {
    frame = frameMatching(matcher.frame, frames);
    if (!frame) return null;
  }
  const named = Object.entries(match.groups ?? {}).filter((pair): pair is [string, string] => pair[1] !== undefined);
  const captures = { ...wrapperCaptures(entry), ...Object.fromEntries(named) };
  const namedCount = named.filter(([, value]) => value !== "").length;
  const score =
    (matcher.weight ?? DEFAULT_WEIGHT) * (isFinal ? 1 : NOT_FINAL_FACTOR) * (untyped ? UNTYPED_FACTOR : 1) * variantFactor +
    CAPTURE_BONUS * Math.min(namedCount, 3) +
    (frame ? FRAME_BONUS : 0) +
    WRAPPER_BONUS * Math.min(entry.depth, 2);
  const typeLabel = entry.type ? `${entry.type}: ` : "";
  const evidence = [
    `${matcher.means ?? "its pattern matched"}: ${describeEntry(entry, isFinal)} says "${snippet(typeLabel + match[0])}"`,
  ];
  if (frame) evidence.push(`a frame agrees: ${normalisePath(frame.file)}${frame.function ? ` in ${frame.function}` : ""}`);
  return { score, captures, namedCount, firstCapture: named.find(([, value]) => value !== "")?.[1] ?? null, evidence };
}

function applyWhen(cause: Cause, hit: Hit, facts: Facts, stack: StackShows, keras3: boolean): Hit | null {
  if (!cause.when) return hit;
  const verdict = cause.when({ ...hit.captures, stackShows: stack, ...(keras3 ? { keras3Frame: "yes" } : {}) }, facts);
  if (verdict === false) return null;
  if (verdict === true || verdict === 1) return hit;
  const factor = verdict;
  // Without a file or an environment (a pasted traceback) the factor came from the wording or the name alone.
  const about = facts.file || facts.env ? "what the file and the environment say" : "what the wording and the names say";
  const note = factor > 1 ? `${about} agrees with it` : `${about} makes it less likely`;
  return { ...hit, score: hit.score * factor, evidence: [...hit.evidence, note] };
}

function bestHit(cause: Cause, entries: ChainEntry[], chain: ExceptionInfo[], facts: Facts): Hit | null {
  let best: Hit | null = null;
  const finalOrigin = chain.length - 1;
  const stack = stackShows(chain);
  const keras3 = showsKeras3(chain);
  for (const entry of entries) {
    const frames = chain[entry.origin]?.frames ?? [];
    for (const matcher of cause.matchers) {
      const raw = tryMatcher(matcher, entry, frames, entry.origin === finalOrigin);
      const hit = raw && applyWhen(cause, raw, facts, stack, keras3);
      if (hit && (!best || hit.score > best.score || (hit.score === best.score && hit.namedCount > best.namedCount))) {
        best = hit;
      }
    }
  }
  return best;
}

// The path a pasted frame's source line hands to a loader (`model = load_model('nets/f1.h5')`): the file the error is
// about when the message itself does not print it (h5py's "file signature not found"). Kept as the capture
// `loadedPath`, which the causes about the file itself name as their culprit when nothing better is known.
const LOADED_PATH = /\b(?:load_model|load_weights|TFSMLayer|saved_model\.load|h5py\.File|load_model_hdf5)\(\s*[rRbu]?["']([^"'\n]+\.\w+|[^"'\n]*\/[^"'\n]*)["']/;

function loadedPath(chain: ExceptionInfo[] | null): string | null {
  for (const exception of [...(chain ?? [])].reverse()) {
    for (const text of [...exception.frames.map((frame) => frame.code ?? ""), exception.type ? "" : exception.message]) {
      const found = LOADED_PATH.exec(text);
      if (found) return found[1];
    }
  }
  return null;
}

// A model file or folder the paste names anywhere, outside a loader call: "Loading existing model (models/m.keras)",
// "I noticed there is no .h5 in the S2_osem folder". Kept as the captures `mentionedPath` (a name with a model
// file's extension) and `mentionedFolder`, which causes about a file name as their culprit after `loadedPath`.
const MENTIONED_PATH = /(?<![^\s(\[{"'`=])([^\s()[\]{}"'`,;<>]*[\w*-]\.(?:keras|h5|hdf5))(?![\w-])/g;
const MENTIONED_FOLDER = /\b(?:the|in|into|from)\s+[`'"]?([\w.\\/~-]*[\w-])[`'"]?\s+(?:folder|directory|dir)\b/;

function mentioned(chain: ExceptionInfo[] | null, pattern: RegExp): string | null {
  for (const exception of [...(chain ?? [])].reverse()) {
    const found = [...exception.message.slice(0, 20000).matchAll(new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`))];
    if (found.length > 0) return found[found.length - 1][1];
  }
  return null;
}

// The innermost frame outside Keras, TensorFlow and Python itself: the code that made the call that failed
// ("retinaface_model.build_model"), kept as the capture `callingCode` for causes whose culprit is that call.
const LIBRARY_FRAME = /(?:^|\/)(?:keras|tf_keras|tensorflow|tensorflow_core|keras_core|absl|importlib|IPython|ipykernel)\/|^<|\/lib\/python[\d.]+\/[\w]+\.py$/;

function callingCode(chain: ExceptionInfo[] | null): string | null {
  const frames = (chain ?? []).flatMap((exception) => exception.frames);
  for (const frame of [...frames].reverse()) {
    const file = normalisePath(frame.file);
    if (LIBRARY_FRAME.test(file) || !frame.function) continue;
    const module = file.slice(file.lastIndexOf("/") + 1).replace(/\.py$/, "");
    return frame.function === "<module>" ? module : `${module}.${frame.function}`;
  }
  return null;
}

// The installed package whose code made the failing call: the innermost frame under site-packages / dist-packages
// (or a conda Lib\site-packages) that is not Keras, TensorFlow, NumPy or Python's import machinery. Kept as the
// capture `callingPackage` ("classification_models_3D", "transformers") for causes whose culprit is a package
// written for another release than the one installed.
const CORE_PACKAGE = /^(?:keras|tf_keras|tensorflow|tensorflow_core|keras_core|numpy|absl|importlib|six|_pytest|pytest|IPython|ipykernel)$/;

function callingPackage(chain: ExceptionInfo[] | null): string | null {
  const frames = (chain ?? []).flatMap((exception) => exception.frames);
  for (const frame of [...frames].reverse()) {
    const found = /(?:site|dist)-packages\/([A-Za-z_][\w]*)/.exec(normalisePath(frame.file));
    if (found && !CORE_PACKAGE.test(found[1])) return found[1];
  }
  return null;
}

// Whether the paste shows tf_keras at all (its frames, or the text around the error: `import tf_keras`,
// `pip install tf-keras`): the Keras 2 package beside TensorFlow 2.16+, kept as the capture `namesTfKeras`.
function namesTfKeras(chain: ExceptionInfo[] | null): boolean {
  return (chain ?? []).some(
    (exception) => /\btf[_-]keras\b/.test(exception.message) || exception.frames.some((frame) => /(?:^|\/)tf_keras\//.test(normalisePath(frame.file))),
  );
}

// Files only Keras 3 has (Keras 2.13-2.15 also live under keras/src/, but layers in engine/base_layer.py, no ops/,
// backend/, trainers/, models/functional.py). A frame of one of them is kept as the capture `keras3Frame` ("yes").
const KERAS3_FILE = /(?:^|\/)keras\/src\/(?:layers\/layer\.py|ops\/|backend\/|trainers\/|models\/(?:functional|model|sequential)\.py)/;

function showsKeras3(chain: ExceptionInfo[] | null): boolean {
  return (chain ?? []).some((exception) => exception.frames.some((frame) => KERAS3_FILE.test(normalisePath(frame.file))));
}

/** Every cause that found something, best first. Exported for tests and for `--json` explanations. */
export function rankCauses(chain: ExceptionInfo[] | null, facts: Facts, causes: Cause[]): RankedCause[] {
  const entries = chain ? unwrapChain(chain) : [];
  const loaded = loadedPath(chain);
  const caller = callingCode(chain);
  const callerPackage = callingPackage(chain);
  const tfKeras = namesTfKeras(chain);
  const mentionedPath = mentioned(chain, MENTIONED_PATH);
  const keras3Frame = showsKeras3(chain);
  const mentionedFolder = mentioned(chain, MENTIONED_FOLDER);
  const ranked: (RankedCause & { order: number })[] = [];
  causes.forEach((cause, order) => {
    if (cause.id === UNCLASSIFIED_ID) return;
    const hit = chain ? bestHit(cause, entries, chain, facts) : null;
    const detected = cause.detect?.(facts) ?? null;
    if (!hit && !detected) return;
    let confidence: number;
    let evidence: string[];
    let captures: Record<string, string>;
    if (hit && detected) {
      confidence = 1 - (1 - Math.min(hit.score, 1)) * (1 - detected.confidence);
      evidence = [...hit.evidence, ...detected.evidence];
      captures = { ...detected.captures, ...hit.captures };
    } else if (hit) {
      ({ score: confidence, evidence, captures } = hit);
    } else {
      const unconfirmed = chain !== null && chain.length > 0;
      confidence = detected!.confidence * (unconfirmed ? UNCONFIRMED_DETECT_FACTOR : 1);
      evidence = unconfirmed
        ? [...detected!.evidence, "the traceback shows nothing this cause recognises"]
        : detected!.evidence;
      captures = detected!.captures;
    }
    if (loaded && hit) captures = { loadedPath: loaded, ...captures };
    if (caller && hit) captures = { callingCode: caller, ...captures };
    if (callerPackage && hit) captures = { callingPackage: callerPackage, ...captures };
    if (tfKeras && hit) captures = { namesTfKeras: "yes", ...captures };
    if (mentionedPath && hit) captures = { mentionedPath, ...captures };
    if (keras3Frame && hit) captures = { keras3Frame: "yes", ...captures };
    if (mentionedFolder && hit) captures = { mentionedFolder, ...captures };
    const firstDetected = detected ? Object.values(detected.captures).find((value) => value !== "") ?? null : null;
    ranked.push({
      cause,
      confidence: Math.max(0, Math.min(MAX_CONFIDENCE, confidence)),
      captures,
      evidence,
      specificity: hit?.namedCount ?? Object.keys(captures).length,
      firstCapture: hit?.firstCapture ?? firstDetected,
      order,
    });
  });
  // A cause that outranks (unsafe-model-file on a dangerous file) goes first whatever the others scored.
  const first = (entry: RankedCause) => (entry.cause.outranks?.(facts) ? 1 : 0);
  ranked.sort((a, b) => first(b) - first(a) || b.confidence - a.confidence || b.specificity - a.specificity || a.order - b.order);
  return ranked.map(({ order: _order, ...rest }) => rest);
}

function describeFinalError(chain: ExceptionInfo[] | null): { evidence: string; captures: Record<string, string> } {
  const final = chain?.[chain.length - 1];
  if (!final) {
    return { evidence: "there was no traceback, and nothing in the file or environment points at a known cause", captures: {} };
  }
  const firstLine = final.message.split("\n")[0];
  return {
    evidence: `the final error was ${final.type ? `${final.type}: ` : ""}${snippet(firstLine)}`,
    captures: { exceptionType: final.type, exceptionMessage: final.message },
  };
}

/**
 * Which releases word the error this way, from the mined message table (catalogues/messages.json): evidence about the
 * user's Keras even when no environment was probed. The innermost exception with a known wording speaks.
 */
function wordingEvidence(chain: ExceptionInfo[] | null): string[] {
  const entries = chain ? unwrapChain(chain) : [];
  for (const entry of entries.slice().reverse().sort((a, b) => b.depth - a.depth)) {
    const found = wordingOf(entry.type, entry.message.slice(0, 400));
    if (found) return [`this wording is from ${found.wording}`];
  }
  return [];
}

const MINED_FALLBACK_CONFIDENCE = 0.45;

function minedFallback(chain: ExceptionInfo[], causes: Cause[]): RankedCause | null {
  const entries = unwrapChain(chain).slice().reverse().sort((a, b) => b.depth - a.depth);
  for (const entry of entries) {
    for (const variant of messageVariants(entry).slice(0, 6)) {
      const found = minedCauseOf(entry.type, variant.text.slice(0, 600));
      const cause = found && causes.find((candidate) => candidate.id === found.cause);
      if (!found || !cause) continue;
      return {
        cause,
        confidence: MINED_FALLBACK_CONFIDENCE * variant.factor,
        captures: {},
        evidence: [`no pattern of the causes matched, but the message is Keras' own wording "${snippet(found.template)}" (${found.wording}), which means this cause`],
        specificity: 0,
        firstCapture: null,
      };
    }
  }
  return null;
}

/** The diagnosis for one failed load (or for facts alone when `chain` is null). */
export function classify(chain: ExceptionInfo[] | null, facts: Facts, causes: Cause[]): Diagnosis {
  const ranked = rankCauses(chain, facts, causes);
  const toAlternative = (entry: RankedCause) => ({
    cause: entry.cause.id,
    confidence: Number(entry.confidence.toFixed(3)),
  });
  // No cause's own matchers recognised the text: the mined table of every release's wordings, mapped to causes
  // (catalogues/messages.json + messages-map.json), still knows the message. The innermost exception speaks.
  if ((!ranked[0] || ranked[0].confidence < MIN_CONFIDENCE) && chain) {
    const mined = minedFallback(chain, causes);
    if (mined) ranked.unshift(mined);
  }
  const top = ranked[0];
  if (!top || top.confidence < MIN_CONFIDENCE) {
    const final = describeFinalError(chain);
    const unclassified = causes.find((cause) => cause.id === UNCLASSIFIED_ID);
    return {
      cause: UNCLASSIFIED_ID,
      title: unclassified?.title ?? "No known cause matched",
      culprit: null,
      confidence: 0.1,
      evidence: [final.evidence, "no known cause matched it with enough confidence", ...wordingEvidence(chain)],
      captures: final.captures,
      alternatives: ranked.slice(0, 5).map(toAlternative),
    };
  }
  return {
    cause: top.cause.id,
    title: top.cause.title,
    culprit: top.cause.culprit ? top.cause.culprit(top.captures, facts) : top.firstCapture,
    confidence: Number(top.confidence.toFixed(3)),
    evidence: [...top.evidence, ...wordingEvidence(chain)],
    captures: top.captures,
    alternatives: ranked.slice(1, 6).map(toAlternative),
  };
}

// Turns the traceback text that Python, IPython/Jupyter and Colab print (and the fragments users paste) into a chain
// of exceptions, and unwraps the Keras messages that carry another exception's text inside them.
import type { ExceptionInfo, Frame } from "../types.js";
import { decodeEntities, normalizePaste } from "./normalize.js";

// ---------------------------------------------------------------------------------------------------------------
// Noise that surrounds real tracebacks

// CSI/OSC sequences (Jupyter colours its tracebacks, Python 3.13 too, Keras 3 bolds the inner message), and the bare
// "[0;31m" left behind when a paste lost the ESC byte.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
const BARE_SGR = /\[\d{1,3}(?:;\d{1,3})*m/g;

// Lines that logging prints around a traceback; they are never part of an exception message.
const LOG_LINES: RegExp[] = [
  // TensorFlow C++ logging (TF <= 2.15): "2024-05-01 10:00:00.123456: I tensorflow/core/...cc:182] ..."
  /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?:? [IWEF] \S+:\d+\]/,
  // absl C++ logging (TF >= 2.16): "I0321 10:00:00.123456 ..." and, before absl is initialised, the seconds as an
  // epoch: "I0000 00:00:1795288702.640691    6784 cudart_stub.cc:31] ..."
  /^[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\]/,
  /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/,
  // The second line of TF's cpu_feature_guard notice.
  /^To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\.$/,
  // Python's logging default format: "WARNING:tensorflow:...", "ERROR:root:..."
  /^(?:WARNING|ERROR|INFO|DEBUG|CRITICAL|FATAL):[\w.]+:/,
  // IDE and shell tails.
  /^Process finished with exit code -?\d+$/,
];
// Prompts that users paste along with the traceback: the Python REPL (`>>> `, `... `), a POSIX shell
// (`$ python app.py`, `(venv) user@host:~/app $ ...`) and PowerShell (`PS C:\\app> ...`). A prompt ends the
// message of the exception printed before it (the REPL prints `>>>` right after a traceback).
const PROMPT =
  /^>>>(?: |$)|^\.\.\. \S|^(?:\([\w.-]+\) )?[\w.-]+@[\w.-]+(?::\S*)? ?[$#%] \S|^(?:\([\w.-]+\) )?\$ \S|^PS [A-Za-z]:\\[^>]*> /;
const PROMPT_QUOTED_ERROR = /^>>>\s+(?=cannot import name |No module named |[A-Z]\w*(?:Error|Exception): )/;
// "/path/x.py:12: UserWarning: ..." followed by the indented source line `warnings.warn(...)`.
const PYTHON_WARNING = /^\S.*:\d+: [A-Z]\w*Warning: /;

// ---------------------------------------------------------------------------------------------------------------
// Shapes of traceback lines

// NumPy's "compiled using NumPy 1.x" report prints the header and the first frame on one line.
// Text before it is tolerated: prose ("I got Traceback (most recent ...") or a repr's opening quote (`err = 'Traceback`).
const HEADER = /^(?:.*?[\s'"(=:`])?Traceback \(most recent call last\):?(?<rest>.*)$/;
// IPython/Jupyter: "ValueError                                Traceback (most recent call last)"
const IPYTHON_HEADER = /^([A-Za-z_][\w.]*)\s+Traceback \(most recent call last\)/;
const IPYTHON_BANNER = /^-{20,}\s*$/;
const CHAIN_SEPARATOR =
  /^\s*(?:The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)\s*$/;

// Standard frame: `  File "/x/keras/src/saving/saving_api.py", line 197, in load_model` (no `, in` for SyntaxError).
const PY_FRAME = /^\s*File "(?<file>[^"]+)", line (?<line>\d+)(?:, in (?<fn>.+?))?\s*$/;
// IPython >= 8: `File ~/venv/.../saving_api.py:196, in load_model(filepath, custom_objects, compile, safe_mode)`
const IPY_FILE_FRAME = /^File (?<file>.+?):(?<line>\d+), in (?<fn>.+?)\s*$/;
// IPython >= 8.5: `Cell In[3], line 2`; 8.0-8.4: `Input In [3], in <cell line: 1>()`.
const IPY_CELL_FRAME = /^(?:Cell|Input) (?<file>In ?\[\d*\])(?:, line (?<line>\d+))?(?:, in (?<fn>.+?))?\s*$/;
// IPython 7 / Colab: `/usr/local/lib/python3.7/dist-packages/keras/engine/saving.py in load_model(filepath, ...)`,
// `<ipython-input-3-0a1b2c3d> in <module>`.
const IPY_OLD_FRAME = /^(?<file>(?:[A-Za-z]:)?[^\s<][^<>]*?\.pyx?|<ipython-input-[^>]+>|<[^>]+>) in (?<fn>\S.*?)\s*$/;
// IPython context: `----> 2 keras.models.load_model(...)` marks the line that ran; `    194 code` is context.
const IPY_ARROW = /^\s*-*> ?(?<line>\d+)\s?(?<code>.*)$/;
// Python >= 3.11 points at the expression with carets and tildes.
const CARETS = /^\s*[\^~]+[\s^~]*$/;
// The line that starts an exception: a (dotted) identifier at column 0, then ": message" or nothing.
const EXCEPTION_LINE = /^(?<type>[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)(?::(?: (?<message>.*)|$)|$)/;
// Without a traceback header the same shape is too loose ("Note: ..."): only names that read as exceptions count.
const BARE_EXCEPTION_TYPE =
  /^(?:[A-Za-z_]\w*\.)*(?:[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning|Failure|Iteration)|Exception|Error)$/;

/** Removes terminal colour codes and the ESC-less remains of them. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "").replace(BARE_SGR, "");
}

// ---------------------------------------------------------------------------------------------------------------
// Paste repair: what forums, chats, notebooks and terminals do to a traceback before it reaches us.

// A markdown fence line ("```", "```python", "~~~").
const FENCE = /^\s*(?:```|~~~)[\w+-]*\s*$/;
// E-mail / markdown quoting ("> ") and comment quoting ("# "), possibly nested; never the REPL's ">>>".
const QUOTE_PREFIX = /^\s{0,3}(?:>(?!>>)|#(?!#))(?: |$)/;

/** Removes `> ` / `# ` quoting when most lines carry it (a single quoted line is left alone: it may be prose). */
function unquote(lines: string[]): string[] {
  let current = lines;
  for (let round = 0; round < 3; round++) {
    const filled = current.filter((line) => line.trim() !== "");
    const quoted = filled.filter((line) => QUOTE_PREFIX.test(line));
    if (filled.length === 0 || quoted.length < 2 || quoted.length < 0.6 * filled.length) break;
    current = current.map((line) => line.replace(QUOTE_PREFIX, ""));
  }
  return current;
}

/**
 * A Python repr or JSON string of a traceback ("'Traceback (most recent call last):\\n  File ...'"): more escaped
 * newlines than real ones. Unescapes them and drops the quotes around the string.
 */
function unrepr(text: string): string {
  const escaped = text.match(/\\n/g)?.length ?? 0;
  const real = text.match(/\n/g)?.length ?? 0;
  if (escaped < 2 || escaped <= real) return text;
  const unescaped = text.replace(/\\(n|t|r|'|"|\\)/g, (_all, ch: string) => ({ n: "\n", t: "\t", r: "" })[ch as "n"] ?? ch);
  const opened = /^(\s*(?:[\w.\[\]]+\s*[=:]\s*)?[rbuf]?)(['"])/.exec(unescaped);
  if (!opened) return unescaped;
  const quote = opened[2];
  const body = unescaped.slice(opened[0].length);
  return body.replace(new RegExp(`${quote}[\\s,;)]*$`), "");
}

/**
 * Undoes a hard wrap at a fixed width (a terminal, a log viewer or a forum cut every line at N columns, even inside a
 * word): when several lines are exactly as long as the longest one, each of them continues on the next line.
 */
function unwrapHardWrap(lines: string[]): string[] {
  const width = Math.max(0, ...lines.map((line) => line.length));
  if (width < 40) return lines;
  const atWidth = lines.filter((line) => line.length === width).length;
  const nearWidth = lines.filter((line) => line.length >= width * 0.85).length;
  if (atWidth < 3 || atWidth < 0.6 * nearWidth) return lines;
  const joined: string[] = [];
  let carry = "";
  for (const line of lines) {
    if (line.length === width) {
      carry += line;
      continue;
    }
    joined.push(carry + line);
    carry = "";
  }
  if (carry) joined.push(carry);
  return joined;
}

// A line that reads as the start of a printed exception ("ValueError: ...", "keras.src...TypeError: ...").
function readsAsException(line: string): boolean {
  const type = EXCEPTION_LINE.exec(line)?.groups?.type;
  return type !== undefined && BARE_EXCEPTION_TYPE.test(type);
}

/**
 * Markdown fences: when a fenced block holds the error, only the fenced blocks are kept, so that the prose after the
 * closing fence ("I'm on Ubuntu, any help?") does not run on as part of the exception's message. Otherwise the fence
 * lines alone are dropped.
 */
function unfence(lines: string[]): string[] {
  const fences = lines.flatMap((line, index) => (FENCE.test(line) ? [index] : []));
  const blocks: string[][] = [];
  for (let k = 0; k + 1 < fences.length; k += 2) blocks.push(lines.slice(fences[k] + 1, fences[k + 1]));
  const holdsError = blocks.some((block) => block.some((line) => /^Traceback \(most recent call last\)/.test(line) || readsAsException(line)));
  if (!holdsError) return lines.map((line) => (FENCE.test(line) ? "" : line));
  return blocks.flatMap((block) => [...block, ""]);
}

// Widths terminals, log viewers and forums wrap at: one or two lines exactly this long that go on mid-structure are
// enough to tell a wrap (a short traceback has few long lines).
const COMMON_WRAP_WIDTHS = new Set([72, 76, 78, 79, 80, 100, 120, 132]);
// What a line of a traceback can start with; a wrapped line's continuation starts with none of these.
// (Indented lines are a frame's source line: a wrap cut mid-word or mid-path continues at column 0.)
const LINE_START = /^(?:\s*File "|\s*Cell In\[|\s{2,}\S|-{3,}>?|Traceback \(most recent call last\)|During handling of|The above exception|\s*$)/;

/** Joins the lines cut at a common width whose next line cannot start a line of its own (see unwrapHardWrap). */
function unwrapShortWrap(lines: string[]): string[] {
  const width = Math.max(0, ...lines.map((line) => line.length));
  if (!COMMON_WRAP_WIDTHS.has(width)) return lines;
  const joined: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    // A line that ends a sentence or a bracket at the width may simply be that long: left alone.
    while (line.length % width === 0 && !/[.:;!?)\]}]$/.test(line) && i + 1 < lines.length && !LINE_START.test(lines[i + 1]) && !readsAsException(lines[i + 1])) {
      line += lines[++i];
    }
    joined.push(line);
  }
  return joined;
}

/** The paste as Python printed it, as far as that can be told: colours, quoting, fences, repr escapes and hard wraps undone. */
export function repairPaste(text: string): string[] {
  const plain = unrepr(decodeEntities(stripAnsi(text).replace(/\r\n?/g, "\n")));
  const lines = normalizePaste(unfence(unquote(plain.split("\n"))).join("\n")).split("\n");
  const unwrapped = unwrapHardWrap(lines);
  return unwrapped === lines ? unwrapShortWrap(lines) : unwrapped;
}

function withoutNoise(lines: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (LOG_LINES.some((pattern) => pattern.test(line))) continue;
    if (PYTHON_WARNING.test(line)) {
      if (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]) && !PY_FRAME.test(lines[i + 1])) i++;
      continue;
    }
    kept.push(line);
  }
  return kept;
}

function functionName(raw: string | undefined): string | null {
  if (!raw) return null;
  // IPython prints the signature, `load_model(filepath, custom_objects=None)`; keep the name.
  const name = raw.match(/^(<[^>]+>|[^\s(]+)/);
  return name ? name[1] : raw;
}

function frameFrom(line: string): Frame | null {
  const cell = IPY_CELL_FRAME.exec(line);
  const match = PY_FRAME.exec(line) ?? IPY_FILE_FRAME.exec(line) ?? cell ?? IPY_OLD_FRAME.exec(line);
  if (!match?.groups) return null;
  const { file, line: lineNumber, fn } = match.groups;
  return {
    file: match === cell ? `Cell ${file}` : file,
    line: lineNumber ? Number(lineNumber) : null,
    function: functionName(fn),
    code: null,
  };
}

function isIPythonFrameLine(line: string): boolean {
  return IPY_FILE_FRAME.test(line) || IPY_CELL_FRAME.test(line) || IPY_OLD_FRAME.test(line);
}

function trimBlankEdges(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === "") start++;
  while (end > start && lines[end - 1].trim() === "") end--;
  return lines.slice(start, end);
}

interface Draft {
  type: string;
  frames: Frame[];
  messageLines: string[];
}

/**
 * Parses pasted or captured traceback text into exceptions, ordered as Python prints a chain: the first raised
 * first, the final one last. Text with no recognisable exception yields one entry of type "" carrying the text.
 */
export function parseTraceback(text: string): ExceptionInfo[] {
  const allLines = repairPaste(text);
  const lines = withoutNoise(allLines);
  const drafts: Draft[] = [];
  let frames: Frame[] = [];
  let current: Draft | null = null;
  let state: "idle" | "frames" | "message" | "output" = "idle";
  let promptCode: string | null = null;
  const preamble: string[] = [];

  const finishMessage = () => {
    if (current && (current.type !== "" || current.messageLines.some((line) => line.trim() !== ""))) drafts.push(current);
    current = null;
  };
  const startFrames = () => {
    finishMessage();
    frames = [];
    state = "frames";
  };

  for (const rawLine of lines) {
    // ">>> cannot import name ..." : a REPL prompt used as a quote mark before an error, not before code.
    const line = rawLine.replace(PROMPT_QUOTED_ERROR, "");
    const header = HEADER.exec(line);
    if (header || IPYTHON_HEADER.test(line)) {
      startFrames();
      const sameLineFrame = header?.groups?.rest.trim() ? frameFrom(header.groups.rest) : null;
      if (sameLineFrame) frames.push(sameLineFrame);
      continue;
    }
    if (CHAIN_SEPARATOR.test(line) || IPYTHON_BANNER.test(line)) {
      finishMessage();
      state = "idle";
      frames = [];
      continue;
    }
    if (PROMPT.test(line)) {
      // The REPL prints no source line for a frame of `<stdin>`: the last command typed at `>>> ` is that line.
      if (/^>>> \S/.test(line)) promptCode = line.slice(4).trim();
      finishMessage();
      // What a pasted command printed (`$ cat model.h5` showing a Git LFS pointer) is evidence too: it becomes an
      // entry of unknown type, like text pasted without any exception.
      current = { type: "", frames: [], messageLines: [] };
      state = "output";
      frames = [];
      continue;
    }
    if (state === "output") {
      const bare = EXCEPTION_LINE.exec(line);
      if (bare?.groups && BARE_EXCEPTION_TYPE.test(bare.groups.type)) {
        finishMessage();
        current = { type: bare.groups.type, frames: [], messageLines: [bare.groups.message ?? ""] };
        state = "message";
      } else if (line.trim() !== "" || current!.messageLines.length > 0) {
        current!.messageLines.push(line);
      }
      continue;
    }
    if (state === "message") {
      current!.messageLines.push(line);
      continue;
    }
    const frame = frameFrom(line);
    if (frame) {
      if (frame.file === "<stdin>" && promptCode) frame.code = promptCode;
      if (state === "idle") frames = [];
      frames.push(frame);
      state = "frames";
      continue;
    }
    if (state === "frames") {
      const last = frames[frames.length - 1];
      const arrow = IPY_ARROW.exec(line);
      if (arrow?.groups && last && /^\s*-+>/.test(line)) {
        last.code ??= arrow.groups.code.trim() || null;
        last.line ??= Number(arrow.groups.line);
        continue;
      }
      if (/^\s/.test(line) || line.trim() === "" || CARETS.test(line)) {
        // The first indented line under a standard frame is its source line; the rest is context or carets.
        if (last && last.code === null && !CARETS.test(line) && /^\s{2,}\S/.test(line) && !/^\s+\d+\s/.test(line)) {
          last.code = line.trim();
        }
        continue;
      }
      const exception = EXCEPTION_LINE.exec(line);
      if (exception?.groups && !isIPythonFrameLine(line)) {
        current = { type: exception.groups.type, frames, messageLines: [exception.groups.message ?? ""] };
        frames = [];
        state = "message";
      }
      continue;
    }
    // idle: a traceback pasted without its header, or only the final line.
    const bare = EXCEPTION_LINE.exec(line);
    if (bare?.groups && BARE_EXCEPTION_TYPE.test(bare.groups.type)) {
      // What the user wrote before a bare error line (the code that loads the model, a sentence about it) stays as
      // an entry of unknown type before it, as it does when the error is quoted inside the sentence.
      if (drafts.length === 0 && frames.length === 0 && preamble.some((text) => text.trim() !== "")) {
        drafts.push({ type: "", frames: [], messageLines: trimBlankEdges(preamble) });
      }
      current = { type: bare.groups.type, frames, messageLines: [bare.groups.message ?? ""] };
      frames = [];
      state = "message";
    } else if (drafts.length === 0 && frames.length === 0) {
      preamble.push(line);
    }
  }
  finishMessage();

  if (drafts.length === 0) {
    const message = trimBlankEdges(allLines).join("\n").trim();
    if (!message) return [];
    // An exception written inside a sentence ('I get "ModuleNotFoundError: No module named 'torch'" when ...'): the
    // sentence stays as an entry of unknown type, and the exception it quotes is the final one.
    const embedded = embeddedException(message);
    return embedded ? [{ type: "", message, frames: [] }, embedded] : [{ type: "", message, frames: [] }];
  }
  return drafts.map((draft) => ({
    type: draft.type,
    message: trimBlankEdges(draft.messageLines).join("\n"),
    frames: draft.frames,
  }));
}

// BARE_EXCEPTION_TYPE without its anchors, after an optional opening quote, inside prose.
const EMBEDDED_EXCEPTION = new RegExp(
  `(?<open>["'\`“]?)(?<![\\w.])(?<type>${BARE_EXCEPTION_TYPE.source.slice(1, -1)}): (?<rest>[^\\n]+)`,
);
const CLOSING: Record<string, string> = { '"': '"', "'": "'", "`": "`", "“": "”" };

/** The first `SomethingError: message` inside a line of prose; a quoted one ends at its closing quote. */
function embeddedException(text: string): ExceptionInfo | null {
  const found = EMBEDDED_EXCEPTION.exec(text);
  if (!found?.groups) return null;
  let message = found.groups.rest.trim();
  const close = CLOSING[found.groups.open];
  if (close) {
    // The last closing quote on the line: the message itself may hold quotes of the same kind ('torch').
    const end = message.lastIndexOf(close);
    if (end > 0) message = message.slice(0, end);
  } else {
    // Unquoted, the sentence goes on after it ("... 'torch' when I import keras"); no Keras message says "when I".
    message = message.replace(/,? (?:when|while|whenever|after|every time|as soon as) (?:I|i|we|trying to)\b.*$/, "");
  }
  return { type: found.groups.type, message: message.trim(), frames: [] };
}

// ---------------------------------------------------------------------------------------------------------------
// Wrappers: Keras messages that embed another exception's text (research §1a R8/R9, §1d W9, §5 K2/K3).

export type WrapperKind = "R8" | "R9" | "W9" | "K2" | "K3";

/** An exception of the unwrapped chain: a printed one (depth 0) or one found inside a wrapper's message. */
export interface ChainEntry extends ExceptionInfo {
  /** Index of the printed exception this entry is, or was found inside. */
  origin: number;
  /** How many wrappers deep the entry sits (0 = printed as is). */
  depth: number;
  /** What the wrappers around this entry said, outermost first; empty for printed exceptions. */
  wrappers: { kind: WrapperKind; captures: Record<string, string> }[];
}

interface WrapperRule {
  kind: WrapperKind;
  pattern: RegExp;
  /** The wrapped exception's type when the wrapper re-raises the same class (K2/K3); "" when unknown. */
  keepsType: boolean;
}

const WRAPPERS: WrapperRule[] = [
  {
    // Keras 3 deserialize_keras_object: "<class 'pkg.Name'> could not be deserialized properly. ... Exception encountered: {e}"
    kind: "R8",
    pattern:
      /^(?<wrappedClassRepr>.+?) could not be deserialized properly\.[\s\S]*?\n\s*Exception encountered: (?<inner>[\s\S]+)$/,
    keepsType: false,
  },
  {
    // Keras 3 Operation.from_config and tf-keras Layer.from_config.
    kind: "R9",
    pattern:
      /^Error when deserializing class '(?<wrappedClass>[^']+)' using config=(?<wrappedConfig>[\s\S]*?)\.?\s*\n\s*Exception encountered: (?<inner>[\s\S]+)$/,
    keepsType: false,
  },
  {
    // Keras 3 saving_lib._raise_loading_failure.
    kind: "W9",
    pattern:
      /^A total of (?<wrappedCount>\d+) objects? could not be loaded\. Example error message for object (?<wrappedObject>[\s\S]*?):\s*\n\n(?<inner>[\s\S]+?)(?:\n\s*\nList of objects that could not be loaded:[\s\S]*)?$/,
    keepsType: false,
  },
  {
    // Keras 2 Layer.__call__ (double quotes up to 2.12, single from 2.13 and in tf-keras).
    kind: "K2",
    pattern:
      /^Exception encountered when calling layer ["'](?<wrappedLayer>[^"']+)["'] \(type (?<wrappedClass>[\w.]+)\)\.\s*\n(?<inner>[\s\S]+?)(?:\n\s*\nCall arguments received by layer[\s\S]*)?$/,
    keepsType: true,
  },
  {
    // Keras 3 Operation/Layer call: "Exception encountered when calling Lambda.call()."
    kind: "K3",
    pattern:
      /^Exception encountered when calling (?<wrappedClass>[\w.]+)\.call\(\)\.\s*\n(?<inner>[\s\S]+?)(?:\n\s*\nArguments received by [\w.]+\.call\(\):[\s\S]*)?$/,
    keepsType: true,
  },
];

function unwrapOnce(entry: ExceptionInfo): { rule: WrapperRule; captures: Record<string, string>; inner: string } | null {
  for (const rule of WRAPPERS) {
    const match = rule.pattern.exec(entry.message);
    if (!match?.groups) continue;
    const { inner, ...rest } = match.groups;
    const captures: Record<string, string> = {};
    for (const [key, value] of Object.entries(rest)) if (value !== undefined) captures[key] = value.trim();
    if (captures.wrappedClassRepr) {
      // "<class 'my_pkg.layers.MyLayer'>" -> MyLayer, keeping the module for matchers that want it.
      const repr = captures.wrappedClassRepr.match(/^<class '(?:(?<module>[\w.]+)\.)?(?<name>\w+)'>$/);
      if (repr?.groups) {
        captures.wrappedClass = repr.groups.name;
        if (repr.groups.module) captures.wrappedModule = repr.groups.module;
      }
      delete captures.wrappedClassRepr;
    }
    const innerText = trimBlankEdges(inner.split("\n")).join("\n");
    if (!innerText) return null;
    return { rule, captures, inner: innerText };
  }
  return null;
}

/**
 * The chain plus every exception carried inside a wrapper's message, each placed just before the exception that
 * wraps it (it was raised first). Printed exceptions keep their frames; unwrapped ones have none.
 */
export function unwrapChain(chain: ExceptionInfo[]): ChainEntry[] {
  const entries: ChainEntry[] = [];
  chain.forEach((exception, origin) => {
    const found: ChainEntry[] = [];
    let outer: ChainEntry = { ...exception, origin, depth: 0, wrappers: [] };
    // Wrappers nest (R8 around R9 around the real error for a nested layer); a bound keeps hostile text finite.
    for (let depth = 1; depth <= 8; depth++) {
      const unwrapped = unwrapOnce(outer);
      if (!unwrapped) break;
      const inner: ChainEntry = {
        type: unwrapped.rule.keepsType ? outer.type : "",
        message: unwrapped.inner,
        frames: [],
        origin,
        depth,
        wrappers: [...outer.wrappers, { kind: unwrapped.rule.kind, captures: unwrapped.captures }],
      };
      found.unshift(inner);
      outer = inner;
    }
    entries.push(...found, { ...exception, origin, depth: 0, wrappers: [] });
  });
  return entries;
}

/** Captures a matcher can read from the wrappers around an entry: the innermost wrapper wins, `wrapper` is its kind. */
export function wrapperCaptures(entry: ChainEntry): Record<string, string> {
  const captures: Record<string, string> = {};
  for (const wrapper of entry.wrappers) Object.assign(captures, wrapper.captures, { wrapper: wrapper.kind });
  return captures;
}

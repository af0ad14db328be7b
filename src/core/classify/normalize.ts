// What forums, IDEs, notebooks and foreign-language bridges do to a Python error before it reaches us, undone before
// the traceback is read (traceback.ts `repairPaste` runs this first). Each step works on the shape of the text (an
// HTML entity, a markdown link, an IDE's way to print an exception, a bridge's exception line), never on one message.
//
//  - HTML entities a forum left in (&gt; &lt; &amp; &quot; &#39; &nbsp; and numeric ones);
//  - markdown: **emphasis** / __emphasis__ around a line, a line wrapped in backticks, [text](link) (Colab links
//    every frame's file), Colab's "N frames" fold line;
//  - PyCharm's debugger repr `{ValueError}message` and VS Code's "Exception has occurred: ValueError" box (the type,
//    then the message, then the frames: rewritten as Python prints it);
//  - R reticulate's `Error in py_call_impl(callable, ...) :` wrapper and its "Detailed traceback:" block;
//  - bridges that re-raise a Python error in another runtime: pythonnet (.NET) `Python.Runtime.PythonException`,
//    Chaquopy (Java) `com.chaquo.python.PyException`, with the Java-style `at <python>.module.function(file.py:N)`
//    frames turned into Python frames (outermost first), and .NET/Java frames of the host dropped.

const NAMED_ENTITIES: Record<string, string> = { nbsp: " ", gt: ">", lt: "<", amp: "&", quot: '"', apos: "'", "#39": "'" };

/** HTML entities back to their characters (an entity that is not one of these is left as written). */
export function decodeEntities(text: string): string {
  if (!/&(?:#\d+|#x[\da-f]+|[a-z]+);/i.test(text)) return text;
  return text.replace(/&(#\d+|#x[\da-f]+|[a-z]+);/gi, (all, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code === 160 ? 32 : code) : all;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? all;
  });
}

// A Python exception type as printed (dotted module path allowed).
const PY_TYPE = String.raw`(?:[A-Za-z_]\w*\.)*(?:[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning|Failure)|Exception|Error)`;
const PY_EXCEPTION_START = new RegExp(String.raw`^${PY_TYPE}:`);

// Emphasis or a code span around a whole line ("**TypeError: ...**", "`ValueError: ...`").
const EMPHASIS = /^(\s*)(\*\*|__|\*|`)(?=\S)(.*\S)\2(\s*[.!]?)\s*$/;
// A markdown link whose text is a path or a frame (Colab: "[/usr/local/lib/.../saving_lib.py](https://localhost:8080/#) in load_model").
const LINK = /\[([^\]\n]+)\]\((?:https?:\/\/|\/|#)[^)\s]*\)/g;
// Colab's fold of the library frames.
const FRAMES_FOLD = /^\s*\d+ frames?\s*$/;
// PyCharm's debugger shows an exception as `{ValueError}Unknown layer: Foo` (and `{ValueError}ValueError('...')`).
const PYCHARM = new RegExp(String.raw`^\s*\{(${PY_TYPE})\}\s*(.*)$`);
// VS Code's exception box: "Exception has occurred: ValueError", optionally "(note: full exception trace is shown ...)".
const VSCODE = new RegExp(String.raw`^\s*Exception has occurred: (${PY_TYPE})\b\s*(?:\(note:[^)]*\))?\s*(.*)$`);
// R reticulate: "Error in py_call_impl(callable, dots$args, dots$keywords) :" (the message follows, on the line or the next).
const RETICULATE = /^\s*Error in py_\w+\(.*?\)\s*:\s*(.*)$/;
const RETICULATE_TRACE = /^\s*Detailed traceback:?\s*$/;
// A host runtime's exception line carrying a Python one: "Python.Runtime.PythonException: ValueError : msg",
// "com.chaquo.python.PyException: ValueError: msg", "Unhandled exception. Python.Runtime.PythonException: ...".
const BRIDGE = new RegExp(
  String.raw`^\s*(?:Unhandled exception\.\s*|Caused by:\s*|Exception in thread "[^"]*"\s*)?(?:[A-Za-z_]\w*\.)+[A-Z]\w*(?:Exception|Error)\s*:\s*'?(${PY_TYPE})\s?:\s?(.*?)'?\s*$`,
);
// Chaquopy / Jython-style Python frame: "at <python>.keras.engine.saving.load_model(saving.py:419)".
const BRIDGE_PY_FRAME = /^\s*at <python>\.(?<qualified>[\w.<>]+)\((?<file>[^():]+):(?<line>\d+)\)\s*$/;
// A host frame: "at com.chaquo.python.PyObject.callAttrThrows(Native Method)", "   at Python.Runtime.Py...() in X.cs:line 5".
const HOST_FRAME = /^\s*at (?!<python>)[\w$.<>`[\],]+\(.*\)(?: in .*)?\s*$|^\s*\.\.\. \d+ more\s*$/;
const PY_FRAME_LINE = /^\s*File "[^"]+", line \d+|^\s*File [^\s"].*:\d+, in /;

function stripEmphasis(line: string): string {
  const found = EMPHASIS.exec(line);
  if (!found) return line;
  // Only a line that holds an error (a code span of prose is left alone).
  return PY_EXCEPTION_START.test(found[3].trim()) ? found[1] + found[3].trim() : line;
}

/** Host-runtime frames of Python code back to Python's shape, outermost first (Java prints the innermost first). */
function bridgeFrames(lines: string[]): string[] {
  const frames = lines.map((line) => BRIDGE_PY_FRAME.exec(line)?.groups).filter((groups) => groups !== undefined);
  return frames.reverse().flatMap((groups) => {
    const parts = groups!.qualified.split(".");
    const fn = parts.pop()!;
    const dir = parts.slice(0, -1).join("/");
    return [`  File "${dir ? `${dir}/` : ""}${groups!.file}", line ${groups!.line}, in ${fn}`];
  });
}

/**
 * An exception printed before its frames (VS Code's box, reticulate, a bridge): `head` is the "Type: message" line
 * and the lines after `from` that are frames follow it. Returns the Python order and how many lines were consumed.
 */
function headlineThenFrames(lines: string[], from: number, head: string): { out: string[]; next: number } {
  let i = from;
  const messageLines: string[] = [];
  // The message runs on until the frames start.
  while (i < lines.length && !PY_FRAME_LINE.test(lines[i]) && !RETICULATE_TRACE.test(lines[i]) && !BRIDGE_PY_FRAME.test(lines[i]) && !HOST_FRAME.test(lines[i])) {
    messageLines.push(lines[i]);
    i++;
  }
  const frameLines: string[] = [];
  const bridge: string[] = [];
  while (i < lines.length) {
    const line = lines[i];
    if (RETICULATE_TRACE.test(line)) { i++; continue; }
    if (BRIDGE_PY_FRAME.test(line)) { bridge.push(line); i++; continue; }
    if (HOST_FRAME.test(line)) { i++; continue; }
    if (PY_FRAME_LINE.test(line) || (frameLines.length > 0 && /^\s+\S/.test(line) && !PY_EXCEPTION_START.test(line.trim()))) {
      frameLines.push(line);
      i++;
      continue;
    }
    break;
  }
  // Python repeats "Type: message" after the frames of a VS Code box and of reticulate's detailed traceback.
  if (i < lines.length && PY_EXCEPTION_START.test(lines[i].trim()) && frameLines.length > 0) {
    return { out: ["Traceback (most recent call last):", ...frameLines, ...lines.slice(i, i + 1)], next: i + 1 };
  }
  // "ValueError:" alone on its line (VS Code): the message is on the lines after it.
  const firstText = messageLines.findIndex((l) => l.trim() !== "");
  const message = (/:$/.test(head) && firstText >= 0
    ? [`${head} ${messageLines[firstText].trim()}`, ...messageLines.slice(firstText + 1)]
    : [head, ...messageLines]
  ).join("\n").replace(/\s+$/, "");
  const frames = [...bridgeFrames(bridge), ...frameLines];
  return { out: frames.length ? ["Traceback (most recent call last):", ...frames, message, ""] : [message, ""], next: i };
}

// pytest's report of a failed import or test: "Traceback:", frames as "path.py:12: in fn", the error on "E   " lines.
const PYTEST_HEADER = /^Traceback:\s*$/;
const PYTEST_FRAME = /^(?<file>\S+\.pyx?):(?<line>\d+): in (?<fn>\S+)\s*$/;
const PYTEST_ERROR = /^E {1,}(?<text>.*)$/;
const PYTEST_SUMMARY = new RegExp(String.raw`^\S+\.pyx?:\d+: ${PY_TYPE}\s*$`);

function unPytest(lines: string[]): string[] {
  if (!lines.some((line) => PYTEST_FRAME.test(line)) || !lines.some((line) => PYTEST_ERROR.test(line) || PYTEST_HEADER.test(line))) return lines;
  return lines.flatMap((line) => {
    if (PYTEST_HEADER.test(line)) return ["Traceback (most recent call last):"];
    const frame = PYTEST_FRAME.exec(line)?.groups;
    if (frame) return [`  File "${frame.file}", line ${frame.line}, in ${frame.fn}`];
    const error = PYTEST_ERROR.exec(line)?.groups;
    if (error) return [error.text];
    if (PYTEST_SUMMARY.test(line)) return [];
    return [line];
  });
}

/**
 * A traceback whose line breaks were lost (a form field, a log collector): one long line with several frames in it.
 * Line breaks go back before the header, each frame, each chain sentence and the final "SomeError: ".
 */
function unflatten(line: string): string[] {
  if (line.length < 300 || (line.match(/\bFile "[^"]+", line \d+, in /g)?.length ?? 0) < 2) return [line];
  return line
    .replace(/\s*(Traceback \(most recent call last\):)\s*/g, "\n$1\n")
    .replace(/\s*(During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)\s*/g, "\n\n$1\n\n")
    .replace(/\s*(File "[^"]+", line \d+, in [^\s(]+)\s*/g, "\n  $1\n    ")
    .replace(new RegExp(String.raw`\s+(?=(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception): )`, "g"), "\n")
    .split("\n");
}

/** Each line printed twice in a row (two streams of one process interleaved): once is enough. */
function undouble(lines: string[]): string[] {
  const doubled = lines.filter((line, i) => i > 0 && line.trim() !== "" && line === lines[i - 1]).length;
  const filled = lines.filter((line) => line.trim() !== "").length;
  if (doubled < 4 || doubled < 0.3 * filled) return lines;
  return lines.filter((line, i) => i === 0 || line.trim() === "" || line !== lines[i - 1]);
}

/** The paste with the IDE, notebook, forum and bridge dressing removed (see the header). */
export function normalizePaste(text: string): string {
  const lines = undouble(unPytest(decodeEntities(text).replace(/\u00a0/g, " ").split("\n").flatMap(unflatten)));
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = stripEmphasis(lines[i].replace(LINK, "$1"));
    if (FRAMES_FOLD.test(line)) continue;
    const pycharm = PYCHARM.exec(line);
    if (pycharm) line = `${pycharm[1]}: ${pycharm[2]}`;
    const vscode = VSCODE.exec(line);
    if (vscode) {
      const { out: rewritten, next } = headlineThenFrames(lines, i + 1, `${vscode[1]}:${vscode[2].trim() ? ` ${vscode[2].trim()}` : ""}`);
      out.push(...rewritten);
      i = next - 1;
      continue;
    }
    const reticulate = RETICULATE.exec(line);
    if (reticulate) {
      // The message is on the same line or indented on the next ones.
      let j = i + 1;
      let head = reticulate[1].trim();
      if (!head) {
        while (j < lines.length && lines[j].trim() === "") j++;
        head = (lines[j] ?? "").trim();
        j++;
      }
      const { out: rewritten, next } = headlineThenFrames(lines, j, head);
      out.push(...rewritten);
      i = next - 1;
      continue;
    }
    const bridge = BRIDGE.exec(line);
    if (bridge) {
      const { out: rewritten, next } = headlineThenFrames(lines, i + 1, `${bridge[1]}: ${bridge[2]}`);
      out.push(...rewritten);
      i = next - 1;
      continue;
    }
    if (HOST_FRAME.test(line) && !PY_FRAME_LINE.test(line)) continue;
    out.push(line);
  }
  return out.join("\n");
}

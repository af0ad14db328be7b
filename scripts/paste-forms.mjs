// The paste-form generator (issue 11, "Keep yourselves honest"): turns one real traceback into the shapes people
// really paste it in: the last line alone, the message alone (or with its type) inside a sentence, quoted, fenced
// with prose, Jupyter style, Windows paths, wrapped at 80 columns, cut after the culprit's name, with log noise, inside a `During handling` chain, as a
// Python repr, and next to another error. Deterministic: the same text gives the same forms. Used by
// scripts/eval-classifier.mjs and test/eval/paste-eval.ts; it knows nothing about the classifier.
import { createHash } from "node:crypto";

// An exception line at column 0 ("ValueError: ...", "tensorflow.python.framework.errors_impl.NotFoundError: ...").
const EXCEPTION_LINE = /^(?:[A-Za-z_]\w*\.)*(?:[A-Z]\w*(?:Error|Exception|Warning|Exit|Interrupt)|Exception|Error)(?::|$)/;
const FRAME = /^(\s*)File "([^"]+)", line (\d+)(?:, in (.+))?$/;
const LOG_NOISE = [
  "2024-03-02 11:04:51.734128: I tensorflow/core/platform/cpu_feature_guard.cc:182] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.",
  "WARNING:tensorflow:No training configuration found in the save file, so the model was *not* compiled. Compile it manually.",
  "W0000 00:00:1712345678.123456   12345 cuda_executor.cc:1040] could not find cuda drivers on your machine",
  "2024-03-02 11:04:52.001234: W tensorflow/compiler/tf2tensorrt/utils/py_utils.cc:38] TF-TRT Warning: Could not find TensorRT",
];

/** The lines of the final exception as Python printed it: its `Type: message` line and the message's other lines. */
export function finalException(text) {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let start = -1;
  for (let i = 0; i < lines.length; i++) if (EXCEPTION_LINE.test(lines[i])) start = i;
  if (start < 0) return null;
  let end = lines.length;
  while (end > start + 1 && lines[end - 1].trim() === "") end--;
  const block = lines.slice(start, end);
  const colon = block[0].indexOf(": ");
  const type = colon >= 0 ? block[0].slice(0, colon) : block[0].replace(/:$/, "");
  const message = [colon >= 0 ? block[0].slice(colon + 2) : "", ...block.slice(1)].join("\n").trim();
  return { type, message, block: block.join("\n") };
}

const hash = (text) => createHash("sha1").update(text).digest();

function wrap(text, width) {
  return text
    .split("\n")
    .flatMap((line) => {
      const pieces = [];
      for (let i = 0; i < line.length; i += width) pieces.push(line.slice(i, i + width));
      return pieces.length ? pieces : [""];
    })
    .join("\n");
}

function windowsPaths(text) {
  return text.replace(FRAME_GLOBAL, (_all, indent, file, line, fn) => {
    const win = file.startsWith("<")
      ? file
      : file
          .replace(/^\/(?:root|home\/\w+)\/\.cache\/keras-fix\/envs\/(\w[\w-]*)\/lib\/python3\.\d+\//, "C:\\Users\\me\\miniconda3\\envs\\$1\\Lib\\")
          .replace(/^\/usr\/(?:local\/)?lib\/python3\.\d+\//, "C:\\Python39\\Lib\\")
          .replace(/^\//, "C:\\")
          .replace(/\//g, "\\");
    return `${indent}File "${win}", line ${line}${fn ? `, in ${fn}` : ""}`;
  });
}
const FRAME_GLOBAL = new RegExp(FRAME.source, "gm");

// IPython 8 style: the header with the type, `Cell In[3], line 5` for the user's line, `File path:line, in fn` for
// library frames, `---> 42` arrows, and the colours a notebook adds.
function jupyter(text, final) {
  const red = "\u001b[0;31m";
  const green = "\u001b[0;32m";
  const reset = "\u001b[0m";
  const out = [`${red}---------------------------------------------------------------------------${reset}`];
  out.push(`${red}${final.type.split(".").pop()}${reset}                                Traceback (most recent call last)`);
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let sawTraceback = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^Traceback \(most recent call last\)/.test(line)) {
      sawTraceback = true;
      continue;
    }
    if (!sawTraceback) continue;
    const frame = FRAME.exec(line);
    if (frame) {
      const [, , file, lineNo, fn] = frame;
      if (file === "<string>" || file === "<stdin>" || !file.includes("/")) {
        out.push(`Cell ${green}In[3], line ${lineNo}${reset}`);
      } else {
        out.push(`File ${green}${file}:${lineNo}${reset}, in ${fn ?? "<module>"}(...)`);
      }
      const code = lines[i + 1] && !FRAME.test(lines[i + 1]) && /^\s{2,}\S/.test(lines[i + 1]) ? lines[i + 1].trim() : null;
      if (code && !/^[\^~\s]+$/.test(code)) {
        out.push(`${green}---> ${lineNo}${reset} ${code}`);
        i++;
      }
      out.push("");
      continue;
    }
    if (/^\s*[\^~]+\s*$/.test(line)) continue;
    if (/^(?:The above exception|During handling)/.test(line)) {
      out.push(line, "", `${red}${final.type.split(".").pop()}${reset}                                Traceback (most recent call last)`);
      continue;
    }
    if (EXCEPTION_LINE.test(line)) {
      const colon = line.indexOf(": ");
      out.push(colon >= 0 ? `${red}${line.slice(0, colon)}${reset}: ${line.slice(colon + 2)}` : `${red}${line}${reset}`);
      continue;
    }
    out.push(line);
  }
  return out.join("\n");
}

function withNoise(text) {
  const lines = text.split("\n");
  const out = [];
  let n = 0;
  for (const line of lines) {
    if (FRAME.test(line) && n % 2 === 0) out.push(LOG_NOISE[(n / 2) % LOG_NOISE.length]);
    if (FRAME.test(line)) n++;
    out.push(line);
  }
  return [LOG_NOISE[0], ...out].join("\n");
}

// Cut right after the first time the culprit's name appears in the final message (a paste that lost its tail).
function truncatedAfter(text, culprit) {
  const final = finalException(text);
  if (!final || !culprit) return null;
  const start = text.lastIndexOf(final.block);
  const at = final.block.indexOf(culprit);
  if (at < 0) return null;
  return text.slice(0, start + at + culprit.length);
}

const pyRepr = (text) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;

/**
 * Every paste form of `text` as [{ form, text }]. `culprit` (optional) is the name the diagnosis should give; the
 * truncated form needs it. Forms that do not apply to this text (no traceback header for Jupyter) are left out.
 */
export function pasteForms(text, culprit) {
  const clean = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "");
  const final = finalException(clean);
  if (!final) return [];
  const firstLine = final.message.split("\n")[0];
  const forms = [
    { form: "original", text: clean },
    { form: "last-line", text: final.block },
    { form: "last-line-no-type", text: final.message },
    { form: "message-in-quotes", text: `I get "${firstLine}" when loading my model, any idea?` },
    { form: "type-in-prose", text: `Loading my model fails with ${final.type.split(".").pop()}: ${firstLine} when I run the script.` },
    { form: "quoted-gt", text: clean.split("\n").map((line) => `> ${line}`).join("\n") },
    { form: "quoted-hash", text: clean.split("\n").map((line) => `# ${line}`).join("\n") },
    {
      form: "fenced-prose",
      text: `Hi all, I trained a model last week and now I can't load it. I tried load_model and got:\n\n\`\`\`python\n${clean}\n\`\`\`\n\nI'm on Ubuntu 22.04. Any help appreciated!`,
    },
    { form: "windows-paths", text: windowsPaths(clean) },
    { form: "wrapped-80", text: wrap(clean, 80) },
    { form: "log-noise", text: withNoise(clean) },
    {
      form: "during-handling",
      text: `${clean}\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File "/home/me/app/run.py", line 40, in <module>\n    main()\n  File "/home/me/app/run.py", line 31, in main\n    raise SystemExit(1)\nSystemExit: 1`,
    },
    { form: "repr-escaped", text: `error = ${pyRepr(clean)}` },
    {
      form: "several-errors",
      text: `First I had this:\n\nTraceback (most recent call last):\n  File "/home/me/app/run.py", line 3, in <module>\n    import matplotlib.pyplot as plt\nModuleNotFoundError: No module named 'matplotlib'\n\nI installed it, and now I get:\n\n${clean}`,
    },
  ];
  if (/^Traceback \(most recent call last\)/m.test(clean)) forms.push({ form: "jupyter", text: jupyter(clean, final) });
  const cut = truncatedAfter(clean, culprit);
  if (cut) forms.push({ form: "truncated-after-culprit", text: cut });
  return forms;
}

/** "tuning" or "sealed": the half a source fixture's forms all fall in, decided by a hash of its path. */
export function halfOf(sourcePath) {
  return hash(`keras-fix paste eval:${sourcePath}`)[0] % 2 === 0 ? "tuning" : "sealed";
}

/**
 * Builds and scores the paste-form evaluation set. The caller passes the classifier (src/ in tests, dist/ in the
 * eval script) and how a sidecar becomes facts, so the scoring is written once.
 *   cases: [{ cause, path (relative to the repo), text, sidecar, half? }] — the real (captured) fixtures, or the
 *   mined set's synthetic ones (scripts/paste-mined.mjs), which bring their half (split by template, not by path)
 */
export async function scorePasteForms(cases, { parseTraceback, classify, causes, factsFor }) {
  const scored = [];
  for (const source of cases) {
    const facts = await factsFor(source.sidecar);
    for (const { form, text } of pasteForms(source.text, source.sidecar.culprit)) {
      const diagnosis = classify(parseTraceback(text), facts, causes);
      const ranked = [diagnosis.cause, ...diagnosis.alternatives.map((alternative) => alternative.cause)];
      const culprit = source.sidecar.culprit ?? null;
      scored.push({
        half: source.half ?? halfOf(source.path),
        source: source.path,
        form,
        expected: source.cause,
        ranked,
        top1: ranked[0] === source.cause,
        top3: ranked.slice(0, 3).includes(source.cause),
        culprit,
        culpritNamed: culprit === null ? null : typeof diagnosis.culprit === "string" && diagnosis.culprit.includes(culprit),
        got: diagnosis.culprit,
      });
    }
  }
  return scored;
}

/** Overall and per-cause figures of scored cases. */
export function summarise(scored) {
  const rate = (list, key) => (list.length ? list.filter((entry) => entry[key]).length / list.length : 1);
  const withCulprit = scored.filter((entry) => entry.culprit !== null);
  return {
    n: scored.length,
    top1: rate(scored, "top1"),
    top3: rate(scored, "top3"),
    culpritCases: withCulprit.length,
    culpritNamed: rate(withCulprit, "culpritNamed"),
  };
}

// The wizard mode (`keras-fix [model]` in a terminal): renders the Ink App with the real diagnosis session and
// turns how it ended into the exit code. Loaded lazily by the CLI so the other modes never load React.
import { render } from "ink";
import type { CliOptions } from "./options.js";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { command, paragraphs, path, python, strong } from "../core/content.js";
import { moduleNameFor, pythonString } from "../core/fixes/loader-script.js";
import type { ActionResult, Content, LoadFix } from "../core/types.js";
import { describeKeras, describeLoad, describePython } from "../core/describe.js";
import { createDiagnoseSession, type DiagnoseOptions } from "../engine/diagnose.js";
import { ExitCode } from "../core/exit-codes.js";
import { stopAllChildren } from "../core/probe/processes.js";
import { readExplainDoc } from "../engine/explain-doc.js";
import { findModelFiles } from "../core/inspect/find-model-files.js";
import { describeFix, nextLink, withCarriedFix } from "../engine/fix-chain.js";
import type { DiagnoseResult, DiagnoseSession } from "../engine/session.js";
import { App, type WizardText } from "../ui/app.js";
import { inputsFrom } from "./auto.js";

export const wizardText: WizardText = {
  stageLabels: {
    inspect: "Inspecting the file",
    "find-python": "Finding Python",
    import: "Importing Keras",
    load: "Loading the model",
    classify: "Diagnosing",
  },
  describeLoads: (result: DiagnoseResult) =>
    paragraphs(
      [strong("The model loads in this environment"), ": nothing to fix here."],
      ...(result.load ? [[`load_model ${describeLoad(result.load)}.`]] : []),
      ...(result.env ? [[`With ${describeKeras(result.env)} on ${describePython(result.env)}.`]] : []),
      ["If it fails somewhere else, run keras-fix there, or point it at that Python: ", command("keras-fix model --python /path/to/python")],
    ),
  errorHint: "Point keras-fix at the Python your code uses with --python /path/to/python, or allow more time with --timeout <seconds>.",
  closingNotes: resavedNeedsCode,
};

/** A path as the user types it from here: relative below this folder, absolute elsewhere. */
function fromHere(target: string): string {
  const rel = relative(process.cwd(), resolve(target));
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? resolve(target) : rel;
}

/**
 * A re-saved .keras stores the custom classes' names and settings, not their code: loading the copy needs the same
 * import as the original did. Said on the final screen with the lines that load the copy, from where the user is.
 */
export function resavedNeedsCode(results: Record<string, ActionResult>): Content {
  const copy = Object.values(results).find((result) => result.ok && typeof result.data?.outPath === "string")?.data?.outPath as string | undefined;
  const fix = Object.values(results)
    .filter((result) => result.ok && (result.data?.fix as LoadFix | undefined)?.customObjectsModule)
    .at(-1)?.data?.fix as LoadFix | undefined;
  if (!copy || !fix?.customObjectsModule || !fix.customObjects) return [];
  const file = resolve(fix.customObjectsModule);
  const moduleName = moduleNameFor(file);
  const names = [...new Set(Object.values(fix.customObjects))];
  const folder = dirname(file);
  const code = [
    ...(folder !== resolve(process.cwd()) ? ["import sys", `sys.path.insert(0, ${pythonString(fromHere(folder))})`] : []),
    "import keras",
    `from ${moduleName} import ${names.join(", ")}`,
    "",
    "model = keras.models.load_model(",
    `    ${pythonString(fromHere(copy))},`,
    `    custom_objects={${Object.entries(fix.customObjects).map(([key, name]) => `${pythonString(key)}: ${name}`).join(", ")}},`,
    ")",
  ].join("\n");
  return paragraphs(
    [strong("The re-saved copy still needs your code. "), path(fromHere(copy)), names.length === 1
      ? ` stores the name and settings of ${names[0]}, not its code, so load it with the same import:`
      : ` stores the names and settings of ${names.join(", ")}, not their code, so load it with the same import:`],
    [python(code)],
  );
}

export interface InteractiveDeps {
  /** The real session by default; tests pass a scripted one. */
  createSession?: (options: DiagnoseOptions) => DiagnoseSession;
  /** Where the file picker looks; the current folder by default. */
  folder?: string;
  /** Terminal streams; the process' own by default. */
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** The model path whose header the CLI already printed (src/ui/header.ts). */
  headerPrinted?: string;
  /** A session for `target` whose diagnosis the CLI started before Ink loaded (early-session.ts). */
  earlySession?: DiagnoseSession;
}

export async function runInteractive(target: string | undefined, options: CliOptions, deps: InteractiveDeps = {}): Promise<number> {
  const inputs = inputsFrom(options);
  const factory = deps.createSession ?? createDiagnoseSession;
  const sessions: DiagnoseSession[] = [];
  let early = deps.earlySession;
  if (early) sessions.push(early);
  const createSession = (modelPath: string) => {
    if (early && modelPath === target) {
      const session = early;
      early = undefined;
      return session;
    }
    const session = factory({ modelPath, python: options.python, timeoutSeconds: options.timeoutSeconds, inputs });
    sessions.push(session);
    return session;
  };

  let closing: Promise<void> = Promise.resolve();
  let settle: (code: number) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const finished = new Promise<number>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const instance = render(
    <App
      target={target}
      folder={deps.folder ?? process.cwd()}
      findCandidates={findModelFiles}
      createSession={createSession}
      inputs={inputs}
      readExplain={readExplainDoc}
      text={wizardText}
      chain={{ next: nextLink, carry: withCarriedFix, describe: describeFix }}
      onExit={(code, sessionClosing) => {
        closing = sessionClosing.catch(() => undefined);
        // Cancelled: a trial's pip or a load must stop now, not run on to the end and record a result.
        if (code === ExitCode.cancelled) stopAllChildren();
        settle(code);
      }}
      headerPrinted={deps.headerPrinted}
    />,
    {
      exitOnCtrlC: false,
      // Ink takes a given-but-undefined stream as the stream: pass only the ones a test supplies.
      ...(deps.stdin && { stdin: deps.stdin }),
      ...(deps.stdout && { stdout: deps.stdout, patchConsole: false }),
      ...(deps.stderr && { stderr: deps.stderr }),
    },
  );
  // A render error ends the Ink app without onExit: it is a bug, and the CLI prints it as one.
  instance.waitUntilExit().then(
    () => settle(ExitCode.usage),
    (error: unknown) => fail(error),
  );
  // Outside raw mode (or from `kill`), Ctrl-C arrives as a signal: still close the worker and report a cancel.
  const onSignal = () => {
    stopAllChildren();
    settle(ExitCode.cancelled);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await finished;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    // The terminal first (cooked mode, stdin released): keys typed while the workers close go to the shell.
    instance.unmount();
    // Stop reading the terminal too: a paused stream still reads ahead, and what it reads never reaches the shell.
    if (!deps.stdin) process.stdin.destroy();
    await Promise.all([closing, ...sessions.map((session) => session.close())]);
    // Whatever is still running (a trial's pip after `q`) ends with the wizard.
    stopAllChildren();
  }
}

// The walk every "custom object is missing" cause shares: say what is missing and under which key, look for the
// user's code, let the user pick it (or name a file, or get a skeleton, or the code to write), prove the load, then
// write a loader script. --auto imports only a module the user named with --custom-objects: code keras-fix found
// on disk is never run without the user choosing it.
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { code, command, paragraphs, path, python, strong, text } from "../../src/core/content.js";
import { keepFixSteps } from "./keep-fix.js";
import { SKELETON_MARKER } from "../../src/core/fixes/skeleton.js";
import type { SourceMatch } from "../../src/core/fixes/find-sources.js";
import { pythonString } from "../../src/core/fixes/loader-script.js";
import type { ActionRequest, Cause, Content, Facts, LayerNode, LoadAttempt, LoadFix, Matcher, Step, StepContext } from "../../src/core/types.js";
import {
  culpritOf,
  FAMILY_WORDS,
  familyHintFromName,
  guessFamily,
  missingRefs,
  resolveMissing,
  type MissingFamily,
  type MissingObject,
} from "./missing-object.js";

export const missingOf = (ctx: StepContext): MissingObject => resolveMissing(ctx.diagnosis.captures, ctx);

/** Losses, metrics and optimizers are only needed to train: compile=False loads the model without them. */
const compileFamily = (family: MissingFamily) => family === "loss" || family === "metric" || family === "optimizer";

function namedModule(ctx: StepContext): string | null {
  return ctx.inputs.customObjectsModule?.trim() || null;
}

function sourceMatches(ctx: StepContext): SourceMatch[] {
  const data = ctx.results.find?.data as { matches?: SourceMatch[] } | undefined;
  return Array.isArray(data?.matches) ? data.matches : [];
}

/** The best file found (the one defining the most names) and the names it defines. */
function bestSource(ctx: StepContext): { file: string; matches: SourceMatch[] } | null {
  const matches = sourceMatches(ctx);
  if (matches.length === 0) return null;
  // The file named like the module the class was saved from (fixture_layers -> fixture_layers.py) beats the ranking.
  const savedFrom = missingOf(ctx).module?.split(".").pop();
  const named = savedFrom ? matches.find((m) => basename(m.file) === `${savedFrom}.py`) : undefined;
  const file = (named ?? matches[0]).file;
  return { file, matches: matches.filter((m) => m.file === file) };
}

/** key-as-stored -> attribute: every custom object of the file the module defines (all of them when unknown). */
function mappingFor(ctx: StepContext, defined: Set<string> | null): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const ref of missingRefs(missingOf(ctx), ctx)) {
    if (defined === null || defined.has(ref.className)) mapping[ref.key] = ref.className;
  }
  return mapping;
}

function namedFix(ctx: StepContext): LoadFix {
  return { customObjectsModule: namedModule(ctx) ?? undefined, customObjects: mappingFor(ctx, null) };
}

function foundFix(ctx: StepContext): LoadFix {
  const best = bestSource(ctx);
  if (!best) return {};
  return { customObjectsModule: best.file, customObjects: mappingFor(ctx, new Set(best.matches.map((m) => m.name))) };
}

const VERIFY_STEPS = ["verify-named", "verify-found", "verify-compile"];

/** The fix the last successful verification used. */
export function verifiedFix(ctx: StepContext): LoadFix {
  for (const id of VERIFY_STEPS) {
    const result = ctx.results[id];
    if (result?.ok && result.data?.fix) return result.data.fix as LoadFix;
  }
  return {};
}

function failedAttempt(ctx: StepContext): LoadAttempt | null {
  for (const id of VERIFY_STEPS) {
    const result = ctx.results[id];
    if (result && !result.ok && result.data?.attempt) return result.data.attempt as LoadAttempt;
  }
  return null;
}

function whatIsMissing(ctx: StepContext, family: MissingFamily): Content {
  const missing = missingOf(ctx);
  const words = FAMILY_WORDS[missing.family ?? family];
  const registered = missing.key !== missing.className;
  const where = missing.ref?.where.length ? missing.ref.where.join(" › ") : null;
  return paragraphs(
    [
      "The model uses a ",
      text(words),
      " called ",
      code(missing.className),
      where ? " (in " : "",
      where ? code(where) : "",
      where ? ")" : "",
      ". The file stores only its name and settings, not its Python code, so Keras needs that code when loading.",
    ],
    registered
      ? ["The file asks for it under the registered key ", code(missing.key), ": that exact key must be in ", code("custom_objects"), "."]
      : ["Keras looks it up under the key ", code(missing.key), "."],
    missing.module === null && missing.ref?.module === null && ctx.file?.format === "keras-zip"
      ? ["It was defined in the script that saved the model (", code("__main__"), "), so no module can be imported by name: its code has to be given."]
      : // Keras 3 records "builtins" as the module of a plain function; it names no user module worth showing.
        missing.module && missing.module !== "builtins"
        ? ["When saved, it came from the Python module ", code(missing.module), "."]
        : [],
    ["The fix: import that code and pass it as ", code("custom_objects"), " when loading."],
  );
}

/** A path as the user types it from where they run keras-fix: relative below this folder, absolute elsewhere. */
function fromHere(target: string): string {
  const rel = relative(process.cwd(), resolve(target));
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? resolve(target) : rel;
}

/** The snippet runs from where the user is: the model's path from here, and the module's folder on sys.path when
 * it is not this one (a bare `import fixture_layers` only finds a file in the current folder). */
function exampleCode(ctx: StepContext, family: MissingFamily): string {
  const missing = missingOf(ctx);
  const mapping = mappingFor(ctx, null);
  // The file the user will import: the one verified, else the one found, else the module the class was saved from.
  const file = verifiedFix(ctx).customObjectsModule ?? bestSource(ctx)?.file ?? null;
  const fromFile = file ? basename(file).replace(/\.py$/, "").replace(/\W/g, "_") : null;
  const moduleName = fromFile ?? (missing.module && !missing.module.startsWith("__") ? missing.module.split(".").pop()! : "my_layers");
  const modelPath = ctx.modelPath ? fromHere(ctx.modelPath) : "model.keras";
  const moduleDir = file ? dirname(resolve(file)) : null;
  const pathLines = moduleDir && moduleDir !== resolve(process.cwd()) ? ["import sys", `sys.path.insert(0, ${pythonString(fromHere(moduleDir))})  # the folder of ${basename(file!)}`] : [];
  const entries = Object.entries(mapping)
    .map(([key, attribute]) => `        ${pythonString(key)}: ${moduleName}.${attribute},`)
    .join("\n");
  return [
    ...pathLines,
    "import keras",
    `import ${moduleName}  # the .py file that defines ${Object.values(mapping).join(", ")}`,
    "",
    "model = keras.models.load_model(",
    `    ${pythonString(modelPath)},`,
    "    custom_objects={",
    entries,
    "    },",
    ...(compileFamily(family) ? ["    # or compile=False, if you only need predictions"] : []),
    ")",
  ].join("\n");
}

function candidatesText(ctx: StepContext): Content {
  const best = bestSource(ctx);
  if (!best) return paragraphs("keras-fix found no .py file near the model, in this folder or in its git repository that defines it.");
  return paragraphs(
    ["Found ", path(best.file), " defining ", text(best.matches.map((m) => `${m.name} (line ${m.line})`).join(", ")), "."],
    ...best.matches
      .filter((m) => m.registeredKey && !Object.keys(mappingFor(ctx, null)).includes(m.registeredKey))
      .map((m) => [
        "Note: that code registers ",
        code(m.name),
        " as ",
        code(m.registeredKey!),
        ", but the file asks for another key; keras-fix passes the class under the key the file stores.",
      ]),
  );
}

function autoCommand(ctx: StepContext): string {
  const best = bestSource(ctx);
  const model = ctx.modelPath ?? "model.keras";
  return `keras-fix ${JSON.stringify(model)} --auto --custom-objects ${JSON.stringify(best?.file ?? "path/to/your_code.py")}`;
}

/** The shared steps; `family` is the cause's own kind. */
export function missingObjectSteps(family: MissingFamily): Step[] {
  const canSkipCompile = compileFamily(family);
  return [
    {
      kind: "info",
      id: "explain",
      title: `A ${FAMILY_WORDS[family]} is missing`,
      body: (ctx) => whatIsMissing(ctx, family),
      next: "find",
    },
    {
      kind: "action",
      id: "find",
      title: "Look for its code on this machine (read only, nothing is run)",
      action: (ctx) => ({ kind: "find-sources", names: [...new Set(missingRefs(missingOf(ctx), ctx).map((r) => r.className))] }),
      onSuccess: "choose",
      onFailure: "choose",
    },
    {
      kind: "choice",
      id: "choose",
      title: "How do you want to give Keras the code?",
      body: (ctx) => candidatesText(ctx),
      options: [
        {
          id: "use-named",
          label: (ctx) => `Use ${namedModule(ctx)} (the file you named)`,
          when: (ctx) => namedModule(ctx) !== null,
          next: "verify-named",
        },
        {
          id: "use-found",
          label: (ctx) => {
            const best = bestSource(ctx)!;
            return `Use ${best.file} (defines ${best.matches.map((m) => m.name).join(", ")})`;
          },
          when: (ctx) => bestSource(ctx) !== null,
          next: "verify-found",
        },
        ...(canSkipCompile
          ? [{ id: "compile-false", label: "Load for predictions only (compile=False): no training setup needed", next: "verify-compile" }]
          : []),
        { id: "type-path", label: (ctx) => `Type the path to the .py file that defines ${missingOf(ctx).className}`, next: "type-path" },
        { id: "skeleton", label: "I don't have the code: generate a skeleton from the saved config", next: "skeleton" },
        { id: "show-code", label: "Show me the code to write", next: "show-code" },
        { id: "stop", label: "Stop here and show me the command to run", next: "auto-stopped" },
      ],
      // --auto loads only with the file named by --custom-objects, or (losses, metrics, optimizers) compile=False:
      // importing a file keras-fix found would run code the user did not name.
      auto: {
        among: canSkipCompile ? ["use-named", "compile-false", "stop"] : ["use-named", "stop"],
        pick: (ctx) => (namedModule(ctx) ? "use-named" : canSkipCompile ? "compile-false" : "stop"),
      },
    },
    {
      kind: "input",
      id: "type-path",
      title: "Which file defines it?",
      prompt: "Path to the .py file",
      key: "customObjectsModule",
      next: "verify-named",
    },
    {
      kind: "action",
      id: "verify-named",
      title: "Load the model with your file",
      action: (ctx) => ({ kind: "verify-load", fix: namedFix(ctx) }),
      onSuccess: "loaded",
      onFailure: "still-failing",
    },
    {
      kind: "action",
      id: "verify-found",
      title: "Load the model with the code found",
      body: (ctx) => paragraphs(["This imports ", path(bestSource(ctx)?.file ?? "?"), ", which runs its top-level code."]),
      action: (ctx) => ({ kind: "verify-load", fix: foundFix(ctx) }),
      onSuccess: "loaded",
      onFailure: "still-failing",
    },
    ...(canSkipCompile
      ? [
          {
            kind: "action" as const,
            id: "verify-compile",
            title: "Load the model without its training setup",
            action: (): ActionRequest => ({ kind: "verify-load", fix: { compile: false } }),
            onSuccess: "loaded",
            onFailure: "still-failing",
          },
        ]
      : []),
    {
      kind: "action",
      id: "skeleton",
      title: "Write a skeleton from the saved config",
      action: (ctx) => ({ kind: "generate-skeleton", keys: missingRefs(missingOf(ctx), ctx).filter((r) => r.kind !== "optimizer").map((r) => r.key) }),
      onSuccess: "verify-skeleton",
      onFailure: "show-code",
    },
    {
      kind: "action",
      id: "verify-skeleton",
      title: "Check that loading gets past the missing objects",
      action: (ctx) => {
        const data = ctx.results.skeleton?.data as { path?: string; customObjects?: Record<string, string> } | undefined;
        return { kind: "verify-load", fix: { customObjectsModule: data?.path, customObjects: data?.customObjects ?? {} } };
      },
      // Even a load that succeeds is not a fix: the skeleton's call() still raises until the user writes it.
      onSuccess: "skeleton-written",
      onFailure: "skeleton-written",
    },
    ...keepFixSteps({
      id: "loaded",
      fixedId: "fixed",
      body: (ctx) => {
        const fix = verifiedFix(ctx);
        return paragraphs(
          [strong("The model loads"), fix.compile === false ? " without its training setup (compile=False)." : " with the custom objects given."],
          fix.compile === false
            ? ["To train again, call ", code("model.compile(optimizer=..., loss=...)"), " with a loss and optimizer you have, or load with ", code("custom_objects"), " once you have the code."]
            : [],
        );
      },
    }),
    {
      kind: "end",
      id: "fixed",
      outcome: "fixed",
      title: "Fixed: the model loads",
      body: (ctx) => {
        const fix = verifiedFix(ctx);
        const written = ctx.results["loaded-loader"]?.data?.path as string | undefined;
        return paragraphs(
          written ? ["Run ", command(`python ${written}`), " to load it the same way."] : ["Load it with the code below."],
          fix.customObjectsModule
            ? [python(exampleCode(ctx, family))]
            : [python(`model = keras.models.load_model(${pythonString(ctx.modelPath ?? "model.keras")}${fix.compile === false ? ", compile=False" : ""})`)],
        );
      },
    },
    {
      kind: "end",
      id: "still-failing",
      outcome: "escalate",
      title: "Loading still fails",
      body: (ctx) => {
        // The named file was read before any load (effects.ts): missing, or without the class. Say which.
        const problem = ctx.results["verify-named"]?.data?.moduleProblem as { kind: string; path: string; names: string[] } | undefined;
        if (problem) {
          return paragraphs(
            problem.kind === "no-file"
              ? ["There is no file at ", path(problem.path), ": nothing was loaded. Check the path (it is read from the folder you run keras-fix in)."]
              : [path(problem.path), ` exists but does not define ${problem.names.join(", ")}: nothing was loaded. Name the .py file whose class or def has that name.`],
            ["Run: ", command(autoCommand(ctx).replace(" --auto", ""))],
          );
        }
        const attempt = failedAttempt(ctx);
        const final = attempt?.chain[attempt.chain.length - 1];
        return paragraphs(
          final ? ["The new error is ", code(`${final.type}: ${final.message.split("\n")[0]}`), "."] : "Loading failed again.",
          "The code was found and imported: the missing name was the first problem. If the new error says the class cannot be built from its config (an unexpected or missing argument), run keras-fix again with the same file to get the change that class needs.",
          ["Run: ", command(autoCommand(ctx).replace(" --auto", ""))],
        );
      },
    },
    {
      kind: "end",
      id: "auto-stopped",
      outcome: "not-fixed",
      title: "Stopped: keras-fix does not run code you did not name",
      body: (ctx) => {
        return paragraphs(
          ...candidatesText(ctx),
          ["Importing a .py file runs it. To let keras-fix use a file, name it:"],
          [command(autoCommand(ctx))],
          ["Or pass it yourself:"],
          [python(exampleCode(ctx, family))],
        );
      },
    },
    {
      kind: "end",
      id: "skeleton-written",
      outcome: "not-fixed",
      title: "A skeleton was written; it needs the real code",
      body: (ctx) => {
        const data = ctx.results.skeleton?.data as { path?: string } | undefined;
        const attempt = ctx.results["verify-skeleton"]?.data?.attempt as LoadAttempt | undefined;
        const final = attempt?.chain[attempt.chain.length - 1];
        const ownStop = final ? `${final.message}`.includes(SKELETON_MARKER) : false;
        return paragraphs(
          ["The skeleton is in ", path(data?.path ?? "?"), "."],
          attempt?.ok
            ? "With it the model loads: the names and weights fit. It cannot compute anything yet: call() raises until you write the original computation. Then run keras-fix again with --custom-objects pointing at that file."
            : ownStop
            ? "Loading got past the missing names and stopped where the skeleton asks for the real computation: fill in the TODOs, then run keras-fix again with --custom-objects pointing at that file."
            : final
              ? ["Loading with the skeleton still fails: ", code(`${final.type}: ${final.message.split("\n")[0]}`), ". Fill in the TODOs (weights in build(), the computation in call()) and try again."]
              : "Fill in the TODOs, then run keras-fix again with --custom-objects pointing at that file.",
        );
      },
    },
    {
      kind: "end",
      id: "show-code",
      outcome: "not-fixed",
      title: "The code to write",
      body: (ctx) =>
        paragraphs(
          ["Put the class or function definitions in a .py file next to your script, import it, and pass each one under the key the file stores:"],
          [python(exampleCode(ctx, family))],
          ["keras-fix can check it for you: ", command(autoCommand(ctx).replace(" --auto", ""))],
        ),
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The causes of the family differ only in which hits they claim; the factory keeps that in one place.

/** Frames of the compile step: a name missing there is a loss, a metric or an optimizer (Keras 3 .keras, K2 H5). */
export const COMPILE_FRAME = /compile_from_config|compile_args_from_training_config|compile_utils|training_config/;

export interface MissingCauseSpec {
  id: string;
  family: MissingFamily;
  title: string;
  /** When neither the file nor the wording names the kind: how much this cause believes a hit (0 = not at all). */
  unknownKindFactor: (captures: Record<string, string>) => number;
  matchers: Matcher[];
}

/**
 * Keras 3's R12 "Unknown layer: dense_7" (functional.py deserialize_node) names a layer *name* missing from a
 * hand-edited config, not a class; it reads like the unquoted R10'. Layer names are snake_case with a counter.
 */
function looksLikeLayerName(captures: Record<string, string>, facts: Facts): boolean {
  if (captures.unquoted === undefined || captures.printable !== "layer") return false;
  const name = captures.name ?? "";
  const layerNames = new Set<string>();
  const walk = (node: LayerNode | null) => {
    if (!node) return;
    layerNames.add(node.name);
    node.children.forEach(walk);
  };
  walk(facts.file?.layers ?? null);
  return layerNames.has(name) || /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*_\d+$/.test(name);
}

/** What is missing when the error does not name it (only a wrapper's first line, Keras 3's legacy-H5 loss error). */
function unnamedMissing(captures: Record<string, string>): string {
  if (captures.innerOf) return `a layer inside the ${captures.innerOf} model`;
  if (captures.innerOfLayer) return `a function the ${captures.innerOfLayer} layer's config names`;
  return "the loss named in the file's training config";
}

export function missingCause(spec: MissingCauseSpec): Cause {
  return {
    id: spec.id,
    title: spec.title,
    summary: (ctx) => {
      const missing = missingOf(ctx);
      if (!missing.className) {
        return paragraphs([
          `Keras could not rebuild ${unnamedMissing(ctx.diagnosis.captures)}, and this error does not name it: the whole traceback's inner error (or keras-fix run on the model file) does. Its Python code has to be imported and passed as custom_objects.`,
        ]);
      }
      return paragraphs([
        "Keras cannot find the ",
        text(FAMILY_WORDS[missing.family ?? spec.family]),
        " ",
        code(missing.className),
        missing.key !== missing.className ? " (stored under the key " : "",
        missing.key !== missing.className ? code(missing.key) : "",
        missing.key !== missing.className ? ")" : "",
        ": its Python code has to be imported and passed as custom_objects.",
      ]);
    },
    matchers: spec.matchers,
    when: (captures, facts) => {
      // "Unknown layer: ..." raised where nothing is being loaded is the user's own code speaking (a model
      // builder reading a YAML file), not Keras resolving a saved name.
      if (captures.stackShows === "other") return false;
      // Behind a Keras model's R8 first line: a layer first, a function (activation, initializer...) the other reading.
      if (captures.innerOf !== undefined) return spec.family === "layer" ? 1 : spec.family === "function" ? 0.8 : false;
      if (captures.innerOfLayer !== undefined) return spec.family === "function";
      const missing = resolveMissing(captures, facts);
      // Keras 3's legacy-H5 compile step names no object, only that a loss name was unknown: without the file, the
      // kind is known and the name is not. Its frameless form is one reading of a generic Python error.
      if (!missing.className && captures.lossFamily !== undefined) {
        if (captures.bareLoss !== undefined) return captures.stackShows === "nothing" && spec.family === "loss";
        return spec.family === "loss";
      }
      // tf.keras' SavedModel revival names the kind of object (_tf_keras_metric), not its class.
      if (!missing.className && captures.kindOnly !== undefined) return (missing.family ?? "layer") === spec.family ? 0.95 : false;
      // Without the file, a str called in process_node still most likely stands for a custom layer left unresolved.
      if (!missing.className && captures.layerFromFile !== undefined) return spec.family === "layer" ? 0.7 : false;
      if (!missing.className || looksLikeLayerName(captures, facts)) return false;
      // A built-in name stays a distant alternative: the release-bug and version causes claim it first.
      if (missing.builtin) return (missing.family ?? spec.family) === spec.family ? 0.35 : false;
      // A name only some Keras lines export: one reading of three, with the keras / tf.keras mix-up and a newer file.
      if (missing.builtinElsewhere) return missing.family === spec.family ? 0.6 : false;
      if (missing.family !== null) return missing.family === spec.family ? 1.05 : false;
      // The config shown, the module path or the name tell the kind; the other kinds stay as alternatives.
      const guessed = guessFamily(captures);
      if (guessed !== null) return guessed === spec.family ? 1.05 : 0.5;
      const factor = spec.unknownKindFactor(captures);
      if (factor <= 0) return false;
      const hint = familyHintFromName(missing.className);
      if (hint === null || (spec.family !== "loss" && spec.family !== "metric")) return factor;
      return hint === spec.family ? factor * 1.06 : factor * 0.97;
    },
    culprit: (captures, facts) => {
      const missing = resolveMissing(captures, facts);
      return missing.className ? culpritOf(missing) : unnamedMissing(captures);
    },
    start: "explain",
    steps: missingObjectSteps(spec.family),
  };
}

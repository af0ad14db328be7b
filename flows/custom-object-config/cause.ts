// The custom class is found, but Keras cannot rebuild it from the saved config: its __init__ lacks **kwargs, its
// get_config leaves out an argument, it does not deserialize a nested layer, or it passes its own keywords to the
// base Layer. These come wrapped in R9/R8 ("Error when deserializing class ..."); the classifier unwraps them.
// `Unrecognized keyword arguments passed to DepthwiseConv2D` is a built-in (keras2-file-in-keras3), not ours.
import { builtinKindOf } from "../../src/core/versions/builtins.js";
import { code, command, paragraphs, python, strong, text } from "../../src/core/content.js";
import { keepFixSteps } from "../_shared/keep-fix.js";
import { configChange, configProblemFrom } from "../../src/core/fixes/config-fix.js";
import type { Cause, CustomObjectRef, Facts, LoadAttempt, StepContext } from "../../src/core/types.js";
import { r8Alone, r9Alone } from "../_shared/wrapper-first-line.js";

// "file:function" (as the classifier presents a frame to a pattern) of a from_config/__init__ in the user's own code,
// not under site-packages, dist-packages, a Python install or the import machinery.
const USER_REBUILD_FRAME = /^(?!.*(?:site-packages|dist-packages|\/lib\/python\d|<frozen|\/keras\/src\/|\/tf_keras\/|\/tensorflow\/)).*\.py:(?:from_config|__init__|build_from_config)$/;

function refFor(captures: Record<string, string>, facts: Facts): CustomObjectRef | null {
  const name = captures.className || captures.wrappedClass;
  return facts.file?.customObjects.find((r) => r.className === name) ?? null;
}

function changeFor(ctx: StepContext) {
  const captures = { ...ctx.diagnosis.captures, className: classOf(ctx.diagnosis.captures, ctx) };
  const problem = configProblemFrom(captures);
  return problem ? configChange(problem, refFor(captures, ctx)) : null;
}

/** The custom class a config whose value is itself a serialized object (class_name + config): a nested layer. */
function nestingRef(facts: Facts): CustomObjectRef | null {
  return (
    (facts.file?.customObjects ?? []).find((r) =>
      Object.values(r.config ?? {}).some((v) => !!v && typeof v === "object" && "class_name" in (v as object)),
    ) ?? null
  );
}

const MODEL_CLASSES = new Set(["Sequential", "Functional", "Model"]);

// The AttributeError of a nested object names no class: the file's facts do. R8's first line names the class that
// failed, unless it is the Keras model around it.
const classOf = (captures: Record<string, string>, facts?: Facts) =>
  captures.className ||
  captures.wrappedClass ||
  (captures.outerClass && !MODEL_CLASSES.has(captures.outerClass) ? captures.outerClass : "") ||
  (facts && captures.attribute !== undefined ? nestingRef(facts)?.className ?? "" : "");

export const customObjectConfig: Cause = {
  id: "custom-object-config",
  title: "A custom class cannot be rebuilt from its saved config",
  summary: (ctx) => {
    const change = changeFor(ctx);
    return paragraphs(["Keras found ", code(classOf(ctx.diagnosis.captures, ctx) || "the class"), " but could not rebuild it from the file's config. ", text(change?.title ?? "")]);
  },
  matchers: [
    {
      // Only the first line of Keras 3's R8 wrapper pasted, around a Keras model class: its text is about a
      // from_config that did not rebuild what get_config returned; the inner error (which would say more) is missing.
      message: r8Alone("(?:[\\w.]+\\.)?(?<outerClass>\\w+)"),
      weight: 0.45,
      means: "Keras says a from_config did not rebuild what its get_config returned (the inner error was not pasted)",
    },
    {
      // Only the first line of R9 (tf_keras, Keras 2.13+, Keras 3): a class that was found but failed to rebuild
      // from this config. A built-in class (a function reference inside a Dense) is vetoed in `when`.
      message: r9Alone("(?<className>[^']+)"),
      weight: 0.5,
      means: "the class was found but could not be rebuilt from its saved config (the inner error was not pasted)",
    },
    {
      // Keras 2.10 / Keras 3 serialization_lib (mined table): the class was found, but it cannot rebuild itself.
      type: /^TypeError$/,
      message: /Unable to reconstruct an instance of '?(?<className>[A-Za-z_][\w.]*?)'?(?: because the class is missing a `from_config\(\)` method|\.|$)/,
      weight: 0.8,
      means: "the class was found but has no from_config to rebuild it from the saved config",
    },
    {
      // Python >= 3.10 prefixes the qualified name; Keras 3 and tf-keras wrap it in R9 (fixtures *--no-kwargs*).
      type: /^TypeError$/,
      message: /(?:(?<className>[A-Za-z_]\w*)\.)?__init__\(\) got an unexpected keyword argument '(?<keyword>\w+)'/,
      means: "the class' __init__ does not accept an argument its saved config holds",
    },
    {
      type: /^TypeError$/,
      message: /(?:(?<className>[A-Za-z_]\w*)\.)?__init__\(\) missing \d+ required (?:positional|keyword-only) arguments?: (?<missing>.+)/,
      means: "the saved config lacks an argument the class' __init__ requires (get_config leaves it out)",
    },
    {
      // Keras 3 Layer.__init__ (inside R9) when a class passes its own keywords to the base Layer.
      type: /^ValueError$/,
      message: /Unrecognized keyword arguments passed to (?<className>[A-Za-z_]\w*): (?<kwargs>\{.*\})/,
      means: "the class hands keywords to the base Layer that it does not accept",
    },
    {
      // Any error raised by the user's own from_config / __init__ while Keras rebuilds the class (a KeyError on a
      // config key, an assertion): the frame is in a file outside the installed packages.
      message: /^(?<detail>.+)/,
      frame: USER_REBUILD_FRAME,
      weight: 0.62,
      means: "the class' own from_config or __init__ failed while Keras rebuilt it from the saved config",
    },
    {
      // A nested layer left serialized: Keras 3 tracks it as a TrackedDict, Keras 2 as a dict (fixture
      // keras-3.15.1--nested-object).
      type: /^AttributeError$/,
      message: /'(?:TrackedDict|dict|_DictWrapper)' object has no attribute '(?<attribute>\w+)'/,
      weight: 0.7,
      means: "a layer stored inside the class' config came back as a dict: from_config did not deserialize it",
    },
  ],
  when: (captures, facts) => {
    // Keyword errors raised where nothing is being loaded come from the user building a model, not from a file.
    if (captures.stackShows === "other") return false;
    const name = classOf(captures);
    // Built-in classes with foreign keywords are a Keras-version problem (DepthwiseConv2D `groups`, InputLayer
    // `batch_shape`, an initializer's `dtype` from TF 1.x), owned by keras2-file-in-keras3 / keras3-file-in-keras2.
    // Except Functional/Model.__init__ missing `inputs` and `outputs`: Python names the class that defines the
    // __init__, and a subclass of Functional (a model library's task model, the user's own) inherits it; its
    // from_config called cls(**config) with a config that never held a graph.
    if (name && MODEL_CLASSES.has(name) && /\binputs\b/.test(captures.missing ?? "") && /\boutputs\b/.test(captures.missing ?? "")) return 0.95;
    if (name && builtinKindOf(name) !== null && !refFor(captures, facts)) return false;
    if (captures.attribute !== undefined) {
      return nestingRef(facts) ? 1.2 : facts.file ? 0.6 : 1;
    }
    // R8's first line around a Keras model: one of its layers failed, which the tuning halves of the paste sets show
    // to be a missing layer, a newer file or a missing function far more often than a custom get_config.
    if (captures.outerClass !== undefined && MODEL_CLASSES.has(captures.outerClass)) return 0.8;
    return refFor(captures, facts) ? 1.1 : 1;
  },
  culprit: (captures, facts) => {
    const problem = configProblemFrom(captures);
    const name = classOf(captures, facts) || "custom class";
    if (!problem) return name;
    switch (problem.shape) {
      case "no-kwargs":
      case "unknown-argument":
        return `${name}.__init__ rejects '${problem.keyword}'`;
      case "missing-argument":
        // The model class itself (see `when`): a subclass of it whose config holds no graph.
        if (MODEL_CLASSES.has(name)) return `a ${name} subclass whose config lacks ${problem.arguments.join(", ")}`;
        return `${name}.get_config lacks ${problem.arguments.join(", ")}`;
      case "unrecognized-kwargs":
        return `${name} passes ${problem.keywords.join(", ")} to Layer`;
      case "nested-object":
        return `${name}.from_config does not deserialize its nested layer`;
    }
  },
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "The class needs a small change",
      body: (ctx) => {
        const change = changeFor(ctx);
        if (!change) return paragraphs("Keras found the class but could not rebuild it from its saved config.");
        return paragraphs([strong(change.title), "."], change.why, [python(change.code)]);
      },
      next: "choose",
    },
    {
      kind: "choice",
      id: "choose",
      title: "Once the class is changed",
      options: [
        { id: "show", label: "I will change the class myself", next: "change-it" },
        {
          id: "retry",
          label: (ctx) => `I changed it: load again with ${ctx.inputs.customObjectsModule}`,
          when: (ctx) => !!ctx.inputs.customObjectsModule,
          next: "verify",
        },
      ],
      auto: "show",
    },
    {
      kind: "action",
      id: "verify",
      title: "Load again with the changed class",
      action: (ctx) => {
        const mapping: Record<string, string> = {};
        for (const ref of ctx.file?.customObjects ?? []) mapping[ref.key] = ref.className;
        return { kind: "verify-load", fix: { customObjectsModule: ctx.inputs.customObjectsModule, customObjects: mapping } };
      },
      onSuccess: "keep",
      onFailure: "still-failing",
    },
    ...keepFixSteps({ id: "keep", fixedId: "fixed" }),
    {
      kind: "end",
      id: "fixed",
      outcome: "fixed",
      title: "Fixed: the model loads with the changed class",
      body: () => paragraphs("Save the model again (model.save(\"new.keras\")) so the next load does not depend on this fix."),
    },
    {
      kind: "end",
      id: "still-failing",
      outcome: "escalate",
      title: "Still failing after the change",
      body: (ctx) => {
        const attempt = ctx.results.verify?.data?.attempt as LoadAttempt | undefined;
        const final = attempt?.chain[attempt.chain.length - 1];
        return paragraphs(final ? ["The error is now ", code(`${final.type}: ${final.message.split("\n")[0]}`)] : "Loading failed again.");
      },
    },
    {
      kind: "end",
      id: "change-it",
      outcome: "not-fixed",
      title: "Change the class, then check it",
      body: (ctx) =>
        paragraphs(
          "Make the change above in the file that defines the class, then let keras-fix load the model with it:",
          [command(`keras-fix ${JSON.stringify(ctx.modelPath ?? "model.keras")} --custom-objects path/to/your_layers.py`)],
        ),
    },
  ],
};

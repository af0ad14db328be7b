// Importing Keras/TensorFlow fails because two installed packages were built for different versions of each
// other: NumPy 2 under a NumPy-1 build of TensorFlow, protobuf 4 under an old TensorFlow, a keras newer than its
// TensorFlow, a mismatched ml_dtypes. Nothing is wrong with the model; the environment needs one pin.
import { code, paragraphs, shell, strong } from "../../src/core/content.js";
import type { Cause, ExceptionInfo, Facts, Matcher, StepContext } from "../../src/core/types.js";
import { wordingOf } from "../../src/core/classify/messages.js";
import { tf1OnlyName } from "../../src/core/versions/builtins.js";
import { conflictKind, conflictPrinted, declaredConflict, declaredPin, pinFor, type Pin } from "./pins.js";

const matchers: Matcher[] = [
  {
    // NumPy >= 2.0 prints this paragraph before the ImportError (captured: keras2 env with numpy 2.1.3 first on the path).
    message: /(?<numpyAbi>A module that was compiled using NumPy 1\.x cannot be run in\s+NumPy (?<numpy>\d+\.\d+\.\d+))/,
    weight: 0.9,
    means: "a package compiled for NumPy 1.x was imported under NumPy 2",
  },
  {
    type: /^(?:AttributeError|ImportError)$/,
    message: /(?<numpyAbi>_ARRAY_API not found|numpy\.core\.(?:_multiarray_umath|multiarray|umath) failed to import)/,
    weight: 0.85,
    means: "NumPy's C API does not match the one a compiled package expects",
  },
  {
    type: /^ValueError$/,
    message: /(?<numpyAbi>numpy\.(?:dtype|ndarray|ufunc) size changed, may indicate binary incompatibility)/,
    weight: 0.8,
    means: "a compiled package was built against another NumPy",
  },
  {
    // protobuf >= 4.21 under TF <= 2.10 (captured: tf21-py37 env with protobuf 4.21.12; note protobuf's own
    // "cannot not" typo in some releases).
    type: /^TypeError$/,
    message: /(?<protobufNew>Descriptors cannot (?:not )?be(?: created directly|\s*$))/,
    weight: 0.9,
    means: "protobuf is newer than the generated code TensorFlow ships",
  },
  {
    type: /^ImportError$/,
    message: /(?<protobufOld>cannot import name '(?:builder|runtime_version)' from 'google\.protobuf(?:\.internal)?')/,
    weight: 0.85,
    means: "protobuf is older than TensorFlow needs",
  },
  {
    type: /^AttributeError$/,
    message: /(?<mlDtypes>module 'ml_dtypes' has no attribute '(?<dtype>\w+)')/,
    weight: 0.85,
    means: "ml_dtypes does not match TensorFlow",
  },
  {
    // A keras newer than its TensorFlow calls TF APIs that do not exist yet (e.g. keras 2.13 on TF 2.12:
    // "module 'tensorflow.compat.v2.__internal__' has no attribute 'register_load_context_function'").
    type: /^AttributeError$/,
    message: /module '(?<tfModule>tensorflow[\w.]*)' has no attribute '(?<tfAttribute>\w+)'/,
    frame: /(?:^|\/)(?:keras|tf_keras)\//,
    weight: 0.6,
    means: "Keras called a TensorFlow function this TensorFlow does not have",
  },
  {
    // The same skew at import time: keras 2.9+ on TF 2.8 fails `from tensorflow.compat.v2.experimental import dtensor`.
    type: /^ImportError$/,
    message: /cannot import name '(?<tfAttribute>\w+)' from '(?<tfModule>tensorflow[\w.]*)'/,
    frame: /(?:^|\/)(?:keras|tf_keras)\//,
    weight: 0.7,
    means: "Keras imports a TensorFlow name this TensorFlow does not have",
  },
  {
    // The same skews pasted without the frames that show Keras calling: a TensorFlow module missing a name that a
    // Keras or tf_keras of another release needs ('tensorflow._api.v2.compat.v2.__internal__' ... 'register_load_
    // context_function'), or a TF 1 API that TensorFlow 2 removed (get_default_graph, placeholder, Session) called by
    // a multi-backend Keras written for TF 1 (any name TF 1's top level had and TF 2's has not, mined: see `when`).
    type: /^AttributeError$/,
    message: /(?<frameless>)module '(?<tfModule>tensorflow(?:\.(?:_api|compat|python)[\w.]*)?)' has no attribute '(?<tfAttribute>__internal__|register_\w+|__version__|\w*(?:context|Tracking|tracking|saved_model)\w*)'/,
    weight: 0.55,
    means: "a TensorFlow that does not have what this Keras release calls",
  },
  {
    type: /^AttributeError$/,
    message: /(?<frameless>)(?<tf1Api>)module '(?<tfModule>tensorflow)' has no attribute '(?<tfAttribute>\w+)'/,
    weight: 0.55,
    means: "a TensorFlow 2 without the TensorFlow 1 API this code or Keras release calls",
  },
  {
    type: /^ImportError$/,
    message: /(?<frameless>)cannot import name '(?<tfAttribute>\w+)' from '(?<tfModule>(?:tensorflow|keras|tf_keras)(?:\.[\w.]+)?)'/,
    weight: 0.55,
    means: "a package imports a TensorFlow or Keras name this release does not have",
  },
  {
    // A TensorFlow add-on's import guard (TensorFlow Probability, TF Addons, TF Text...): "This version of X
    // requires TensorFlow version >= 2.12; Detected an installation of version 2.10.0".
    type: /^(?:ImportError|ValueError)$/,
    message: /requires (?<tfModule>TensorFlow) version (?:>=|<|>)\s?(?<tfAttribute>[\d.]+)[;,.]? Detected an installation of version [\d.]+/,
    weight: 0.85,
    means: "a TensorFlow add-on needs another TensorFlow than the one installed",
  },
  {
    // Keras 2.4-2.5's own guard in keras/__init__.py (mined: "Keras requires TensorFlow 2.2 or higher").
    type: /^ImportError$/,
    message: /(?<kerasGuard>Keras requires (?<tfModule>TensorFlow) (?<tfAttribute>[\d.]+) or higher[^\n]*)/,
    weight: 0.9,
    means: "this Keras needs a newer TensorFlow than the one installed",
  },
  {
    // A third-party package importing Keras internals of another release (keras.src.legacy, keras.engine,
    // keras.src.engine...) while nothing is being loaded: the package and the installed Keras disagree.
    type: /^(?:ModuleNotFoundError|ImportError)$/,
    message: /^No module named '(?<tfModule>(?:keras|tf_keras)\.(?<tfAttribute>src\.legacy|src\.engine|engine|legacy|api\._v2|layers\.core|utils\.generic_utils|backend\.tensorflow_backend|wrappers|applications\.\w+|preprocessing(?:\.\w+)?)[\w.]*)'/,
    weight: 0.62,
    means: "a package imports a Keras module this Keras release does not have",
  },
  {
    // NumPy 1.24 removed the aliases np.object, np.bool, np.int... that TensorFlow <= 2.4 (and other old packages)
    // still use. Only an installed package's frame counts: the user's own `np.int` is their code to change.
    type: /^AttributeError$/,
    message: /module 'numpy' has no attribute '(?<numpyAlias>object|bool|int|float|complex|str|long|unicode)'/,
    frame: /(?:site|dist)-packages\/(?!numpy\/)[\w]+\//,
    weight: 0.8,
    means: "an installed package uses a NumPy alias that this (newer) NumPy removed",
  },
  {
    // The same pasted without frames: NumPy >= 1.24 words it at run time from one template (numpy/__init__.py,
    // "module 'numpy' has no attribute '{n}'.\n`np.{n}` was a deprecated alias for the builtin `{n}`...").
    type: /^AttributeError$/,
    message: /(?<frameless>)module 'numpy' has no attribute '(?<numpyAlias>object|bool|int|float|complex|str|long|unicode)'/,
    weight: 0.6,
    means: "a package uses a NumPy alias that NumPy 1.24 removed",
  },
  {
    // NumPy 2 under a TensorFlow built for NumPy 1: pybind11 cannot hand TF's types to Python at import.
    type: /^TypeError$/,
    message: /(?<numpyAbi>Unable to convert function return value to a Python type! The signature was)/,
    weight: 0.7,
    means: "a compiled package (TensorFlow) built for another NumPy",
  },
  {
    // A TensorFlow module missing any name where only another release's Keras looks (its private modules:
    // tensorflow.compat.v2.__internal__, tensorflow.python.*), pasted without frames.
    type: /^AttributeError$/,
    message: /(?<frameless>)module '(?<tfModule>tensorflow(?:_core)?(?:\.[\w.]*)?\.(?:__internal__|python)(?:\.[\w.]*)?)' has no attribute '(?<tfAttribute>\w+)'/,
    weight: 0.55,
    means: "a Keras of another release than this TensorFlow",
  },
  {
    // A Keras module missing a name another package or TensorFlow calls (keras.utils.generic_utils,
    // keras.backend...): the installed keras is not the release the caller was written against.
    type: /^AttributeError$/,
    message: /(?<frameless>)module '(?<tfModule>(?:keras|tf_keras)\.[\w.]+)' has no attribute '(?<tfAttribute>\w+)'/,
    weight: 0.5,
    means: "the installed Keras is not the release its caller was written for",
  },
];

/** The import failure as the probe saw it, or the chain the diagnosis was made from. */
function failingChain(ctx: StepContext): ExceptionInfo[] | null {
  return ctx.env?.importError ?? ctx.load?.chain ?? null;
}

function capturesFromChain(chain: ExceptionInfo[]): Record<string, string> | null {
  for (const exception of chain) {
    for (const matcher of matchers) {
      const match = matcher.message.exec(exception.message);
      if (match) return Object.fromEntries(Object.entries(match.groups ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>;
    }
  }
  return null;
}

function versionsAgree(captures: Record<string, string>, facts: Facts): boolean | number {
  const packages = facts.env?.packages;
  if (!packages) return 1;
  const kind = conflictKind(captures);
  if (kind === "keras-tf-mismatch") {
    const pin = pinFor(kind, packages);
    return pin.install[0]?.startsWith("keras==") ? 1.4 : 0.8;
  }
  if (kind === "numpy-abi" && packages.numpy && !packages.numpy.startsWith("1.")) return 1.2;
  if (kind === "protobuf-too-new" && packages.protobuf && Number(packages.protobuf.split(".")[0]) >= 4) return 1.2;
  return 1;
}

function pipLine(ctx: StepContext, install: string[]): string {
  const quoted = install.map((arg) => (/[<>=*]/.test(arg) ? `"${arg}"` : arg));
  return `${ctx.env?.python.path ?? "python"} -m pip install ${quoted.join(" ")}`;
}

/** The declared requirement the installed set violates when the metadata shows one, else the pin the error implies. */
function pinFrom(captures: Record<string, string>, facts: Facts): Pin {
  const declared = facts.env?.importError ? declaredConflict(facts.env) : null;
  // The metadata wins when the failing import printed that package, or when the error alone names no pair: a
  // numpy pin must not answer a protobuf error that the declared ranges happen to allow (TF 2.1: protobuf>=3.8).
  if (declared && (conflictPrinted(declared, facts.env!) || conflictKind(captures) === "unknown")) return declaredPin(declared, facts.env!);
  return pinFor(conflictKind(captures), facts.env?.packages ?? {}, facts.env?.importError ?? facts.load?.chain ?? null);
}

function pinOf(ctx: StepContext) {
  return pinFrom(ctx.diagnosis.captures, ctx);
}

/**
 * The pair a pasted traceback alone names (no environment was probed, so no versions are known): the package in
 * whose code the import failed (a library written for another Keras), the Keras release whose own guard speaks
 * (its wording is mined per release), TensorFlow 2 when a TF 1 name is missing from `tensorflow`, and tf_keras when
 * the paste shows it. null when the text says nothing more than "keras / tensorflow".
 */
function pastedPair(captures: Record<string, string>): string | null {
  if (conflictKind(captures) !== "keras-tf-mismatch") return null;
  const module = captures.tfModule ?? "";
  const keras = captures.namesTfKeras ? "tf_keras" : "keras";
  if (/^(?:keras|tf_keras)\./.test(module) && captures.callingPackage) {
    return `${captures.callingPackage} (written for another Keras than the installed one) / ${module.split(".")[0]}`;
  }
  if (captures.kerasGuard) {
    const minors = [...new Set([...(wordingOf("ImportError", captures.kerasGuard)?.wording ?? "").matchAll(/\bkeras (\d+\.\d+)\.\d+/g)].map((m) => m[1]))];
    const release = minors.length > 0 ? `keras ${minors.join("/")}` : "keras";
    return `${release} (needs TensorFlow ${captures.tfAttribute} or higher) / an older tensorflow`;
  }
  if (module === "tensorflow" && tf1OnlyName(captures.tfAttribute ?? "")) {
    return `tensorflow 2.x (no TF 1 ${captures.tfAttribute}) / code or a keras written for TensorFlow 1`;
  }
  if (/^tensorflow\b/.test(module) && captures.namesTfKeras) return `${keras} / tensorflow (another release)`;
  return null;
}

/** NumPy prints its ABI paragraph on stderr before the import error, which may say only "Unable to convert...". */
function capturesFromStderr(stderr: string | null | undefined): Record<string, string> | null {
  const match = stderr ? matchers[0]!.message.exec(stderr) : null;
  return match?.groups ? { numpyAbi: match.groups.numpyAbi!, numpy: match.groups.numpy! } : null;
}

export const envPackageConflict: Cause = {
  id: "env-package-conflict",
  title: "Two installed packages do not work together",
  summary: (ctx) => {
    const pin = pinOf(ctx);
    return pin.kind === "declared"
      ? paragraphs(["Keras could not even be imported: ", strong(pin.pair), ". The model file is not the problem."])
      : paragraphs(["Keras could not even be imported: ", strong(pin.pair), " do not match. The model file is not the problem."]);
  },
  matchers,
  // A Keras module missing while a model is being loaded is the file's (a pickle or a config naming another
  // release's module), not the environment's.
  // The frameless forms speak only for a pasted last line: with frames, those that show Keras calling must be there.
  when: (captures, facts) => {
    if (captures.frameless !== undefined && captures.stackShows !== "nothing") return false;
    if (captures.tf1Api !== undefined && !tf1OnlyName(captures.tfAttribute ?? "")) return false;
    return /^(?:keras|tf_keras)\./.test(captures.tfModule ?? "") && captures.stackShows === "load" ? false : versionsAgree(captures, facts);
  },
  detect: (facts) => {
    const chain = facts.env?.importError;
    if (!chain) return null;
    const declared = declaredConflict(facts.env);
    const captures = capturesFromChain(chain) ?? capturesFromStderr(facts.env!.importStderr) ?? (declared ? {} : null);
    if (!captures) return null;
    const evidence = [`importing Keras failed: ${pinFrom(captures, facts).pair}`];
    for (const conflict of facts.env!.conflicts ?? []) evidence.push(`pip check: ${conflict.requirer} ${conflict.requirerVersion} requires ${conflict.requirement.split(";")[0]!.trim()}, but ${conflict.name} ${conflict.installed} is installed`);
    if (capturesFromStderr(facts.env!.importStderr)) evidence.push("NumPy printed: A module that was compiled using NumPy 1.x cannot be run in NumPy 2");
    // A violated requirement whose package the failing import printed is near proof; one it never mentions is a
    // lead (an unrelated pin may be off while something else broke the import).
    const confidence = declared ? (conflictPrinted(declared, facts.env!) ? 0.95 : 0.6) : 0.9;
    return { confidence, captures: declared ? { ...captures, declared: declared.name } : captures, evidence };
  },
  culprit: (captures, facts) => (facts.env ? null : pastedPair(captures)) ?? pinFrom(captures, facts).pair,
  start: "explain",
  steps: [
    {
      kind: "info",
      id: "explain",
      title: "A version pair that does not fit",
      body: (ctx) => {
        const pin = pinOf(ctx);
        return paragraphs([strong(pin.pair), pin.kind === "declared" ? ". " : ": ", pin.why]);
      },
      next: "route",
    },
    {
      kind: "choice",
      id: "route",
      title: "Fix the environment",
      body: (ctx) => {
        const pin = pinOf(ctx);
        return pin.install.length > 0
          ? paragraphs(["The smallest change: ", code(pipLine(ctx, pin.install))])
          : paragraphs(["Run ", code(`${ctx.env?.python.path ?? "python"} -m pip check`), " to see which versions pip expects."]);
      },
      options: [
        { id: "show", label: "Show me the commands", next: "commands" },
        {
          id: "install",
          label: (ctx) => `Run ${pipLine(ctx, pinOf(ctx).install)} now`,
          next: "install",
          when: (ctx) => ctx.env !== null && pinOf(ctx).install.length > 0,
          needsConsent: { risk: "runs pip, which changes the packages installed in this Python environment" },
        },
      ],
      auto: "show",
    },
    {
      kind: "action",
      id: "install",
      title: "Installing the matching version",
      action: (ctx) => ({
        kind: "run-command",
        argv: [ctx.env?.python.path ?? "python", "-m", "pip", "install", ...pinOf(ctx).install],
      }),
      onSuccess: "installed",
      onFailure: "commands",
    },
    {
      kind: "end",
      id: "installed",
      outcome: "not-fixed",
      title: "Installed: check again",
      body: () => paragraphs("pip finished. Run keras-fix again: a fresh Python imports the new versions."),
    },
    {
      kind: "end",
      id: "commands",
      outcome: "not-fixed",
      title: "Make the versions agree",
      body: (ctx) => {
        const pin = pinOf(ctx);
        const python = ctx.env?.python.path ?? "python";
        const content = paragraphs(
          pin.install.length > 0 ? [shell(pipLine(ctx, pin.install))] : [shell(`${python} -m pip check`)],
        );
        if (pin.alternative) content.push(...paragraphs(["Or: ", code(pin.alternative), "."]));
        content.push(...paragraphs("In a project that pins versions (requirements.txt, environment.yml), change the pin there so the next install keeps the pair together."));
        return content;
      },
    },
  ],
};

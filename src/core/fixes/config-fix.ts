// The exact change a custom class needs when Keras finds it but cannot rebuild it from the saved config: one shape
// of error, one change, written with the class' own name and the arguments the file stores.
import type { CustomObjectRef } from "../types.js";
import { pythonLiteral } from "./skeleton.js";

export type ConfigProblem =
  /** `__init__() got an unexpected keyword argument 'name'`: the base layer keys reach an __init__ without **kwargs. */
  | { shape: "no-kwargs"; className: string; keyword: string }
  /** An unexpected keyword that is the class' own: get_config returns an argument __init__ does not take. */
  | { shape: "unknown-argument"; className: string; keyword: string }
  /** `__init__() missing 1 required positional argument: 'factor'`: get_config leaves an argument out. */
  | { shape: "missing-argument"; className: string; arguments: string[] }
  /** A nested layer returned by get_config comes back as a dict: from_config must deserialize it. */
  | { shape: "nested-object"; className: string; attribute: string | null }
  /** `Unrecognized keyword arguments passed to X: {...}`: the class hands its own arguments to the base Layer. */
  | { shape: "unrecognized-kwargs"; className: string; keywords: string[] };

export interface ConfigChange {
  /** One sentence: what to change. */
  title: string;
  /** Why this error means that, in plain words. */
  why: string;
  /** The change as Python (a diff-like before/after for __init__, or the method to add). */
  code: string;
}

// Keys the base Layer adds to every config (Keras 2 and 3): an __init__ without **kwargs receives them.
const BASE_KEYS = new Set(["name", "trainable", "dtype", "autocast", "activity_regularizer", "batch_input_shape", "batch_shape", "input_shape", "input_dim", "dynamic"]);

/** The class' own arguments as the file stores them (base keys removed). */
function ownArguments(ref: CustomObjectRef | null): [string, unknown][] {
  return Object.entries(ref?.config ?? {}).filter(([key]) => !BASE_KEYS.has(key) && /^[A-Za-z_]\w*$/.test(key));
}

/** Splits "'a' and 'b'" / "'a', 'b', and 'c'" (Python's missing-arguments wording) into names. */
export function argumentNames(listed: string): string[] {
  return [...listed.matchAll(/'([A-Za-z_]\w*)'/g)].map((m) => m[1]);
}

/** Reads the problem from a diagnosis' captures (custom-object-config's named groups). */
export function configProblemFrom(captures: Record<string, string>): ConfigProblem | null {
  const className = captures.className || captures.wrappedClass || "MyLayer";
  if (captures.keyword) {
    return BASE_KEYS.has(captures.keyword)
      ? { shape: "no-kwargs", className, keyword: captures.keyword }
      : { shape: "unknown-argument", className, keyword: captures.keyword };
  }
  if (captures.missing) return { shape: "missing-argument", className, arguments: argumentNames(captures.missing) };
  if (captures.kwargs) return { shape: "unrecognized-kwargs", className, keywords: argumentNames(captures.kwargs) };
  if (captures.attribute !== undefined) return { shape: "nested-object", className, attribute: captures.attribute || null };
  return null;
}

export function configChange(problem: ConfigProblem, ref: CustomObjectRef | null): ConfigChange {
  const own = ownArguments(ref);
  const ownNames = own.map(([key]) => key);
  const { className } = problem;
  switch (problem.shape) {
    case "no-kwargs": {
      const params = ownNames.length > 0 ? ownNames.join(", ") : "...";
      return {
        title: `Let ${className}.__init__ accept **kwargs and pass them to super().__init__`,
        why: `Every saved layer config also holds name, trainable and dtype. Keras passes them back to ${className}(...), whose __init__ does not accept '${problem.keyword}'.`,
        code: [
          `class ${className}(keras.layers.Layer):`,
          `-    def __init__(self, ${params}):`,
          "-        super().__init__()",
          `+    def __init__(self, ${params}, **kwargs):`,
          "+        super().__init__(**kwargs)",
        ].join("\n"),
      };
    }
    case "unknown-argument":
      return {
        title: `Make ${className}.__init__ take '${problem.keyword}', or stop returning it from get_config`,
        why: `get_config() returned '${problem.keyword}', so Keras passes it to ${className}(...), but __init__ has no such argument.`,
        code: [
          `class ${className}(keras.layers.Layer):`,
          `+    def __init__(self, ..., ${problem.keyword}=None, **kwargs):`,
          "+        super().__init__(**kwargs)",
          `+        self.${problem.keyword} = ${problem.keyword}`,
        ].join("\n"),
      };
    case "missing-argument": {
      const names = problem.arguments.length > 0 ? problem.arguments : ["..."];
      const update = [...ownNames, ...names.filter((n) => !ownNames.includes(n))].map((n) => `"${n}": self.${n}`).join(", ");
      return {
        title: `Add ${names.join(", ")} to ${className}.get_config()`,
        why: `get_config() did not return ${names.join(", ")}, so the file does not store ${names.length > 1 ? "them" : "it"} and Keras cannot call ${className}(...) with ${names.length > 1 ? "them" : "it"}. The file you have lacks the value: give __init__ a default equal to the value the model was trained with, and save again.`,
        code: [
          `class ${className}(keras.layers.Layer):`,
          `    def __init__(self, ${[...ownNames, ...names.map((n) => `${n}=<the value used in training>`)].join(", ")}, **kwargs):`,
          "        ...",
          "",
          "    def get_config(self):",
          "        config = super().get_config()",
          `+       config.update({${update}})`,
          "        return config",
        ].join("\n"),
      };
    }
    case "nested-object": {
      const nested = own.filter(([, value]) => isSerializedObject(value)).map(([key]) => key);
      const keys = nested.length > 0 ? nested : [problem.attribute ?? "inner"];
      return {
        title: `Deserialize the nested layer${keys.length > 1 ? "s" : ""} ${keys.join(", ")} in ${className}.from_config`,
        why: `get_config() returns ${keys.join(", ")} as a serialized layer (a dict). Loading hands that dict to __init__ unchanged unless from_config turns it back into a layer, so ${className} then calls a dict.`,
        code: [
          `class ${className}(keras.layers.Layer):`,
          "+    @classmethod",
          "+    def from_config(cls, config):",
          ...keys.map((key) => `+        config["${key}"] = keras.saving.deserialize_keras_object(config["${key}"])`),
          "+        return cls(**config)",
        ].join("\n"),
      };
    }
    case "unrecognized-kwargs":
      return {
        title: `Take ${problem.keywords.join(", ")} as ${className}'s own arguments instead of passing them to the base Layer`,
        why: `${className}.__init__ hands ${problem.keywords.join(", ")} to super().__init__(**kwargs), and the base Layer accepts only its own keywords (name, trainable, dtype...).`,
        code: [
          `class ${className}(keras.layers.Layer):`,
          `+    def __init__(self, ${problem.keywords.map((k) => `${k}=${pythonLiteral(ref?.config?.[k] ?? null)}`).join(", ")}, **kwargs):`,
          "+        super().__init__(**kwargs)",
          ...problem.keywords.map((k) => `+        self.${k} = ${k}`),
        ].join("\n"),
      };
  }
}

function isSerializedObject(value: unknown): boolean {
  return !!value && typeof value === "object" && "class_name" in (value as object) && "config" in (value as object);
}

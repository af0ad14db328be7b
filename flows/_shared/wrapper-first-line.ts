// Keras wraps the real deserialization error in two messages (research §1a): R8 "<class 'pkg.Name'> could not be
// deserialized properly. ... Exception encountered: <inner>" (Keras 3) and R9 "Error when deserializing class 'Name'
// using config={...}. Exception encountered: <inner>" (Keras 3, tf_keras). src/core/classify/traceback.ts unwraps them when
// the inner part is there. A paste that kept only the first line leaves the class (R8) or the class and its config
// (R9) to read: these build the patterns for that first line alone, one definition for every cause that reads it.

/** Fails when the wrapped error follows: then the causes read the inner error instead. */
const NO_INNER = "(?![\\s\\S]*Exception encountered)";

/** A Keras module path prefix: keras., keras.src., tf_keras.src. */
export const KERAS_MODULE = "(?:tf_)?keras(?:\\.src)?\\.";

/**
 * R8's first line alone. `classRepr` matches what stands between `<class '` and `'>` (with the caller's named
 * groups); `phraseGroup` names a group around "could not be deserialized properly" for causes whose `when` reads it.
 */
export function r8Alone(classRepr: string, phraseGroup?: string): RegExp {
  const phrase = phraseGroup ? `(?<${phraseGroup}>could not be deserialized properly)` : "could not be deserialized properly";
  return new RegExp(`^${NO_INNER}<class '${classRepr}'> ${phrase}`);
}

/** R9's first line alone: `className` matches the quoted class, `config` what follows "using config=". */
export function r9Alone(className: string, config = ""): RegExp {
  return new RegExp(`^${NO_INNER}Error when deserializing class '${className}' using config=${config}`);
}

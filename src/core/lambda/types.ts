// What src/python/lambda_read.py reports for one Lambda's stored code object, and what keras-fix makes of it.
// Plain data: the JSON of `--auto --json` and of the walk results carries it as is.

export interface CodeInstruction {
  op: string;
  /** dis' resolved argument (a name, a number, a constant), simplified to JSON. */
  arg: string | number | boolean | null;
  repr: string;
  /** The raw argument (oparg), when the instruction has one. */
  index: number | null;
  /** For constant loads: the constant as Python literal text (null for a nested code object). */
  literal?: string | null;
  code?: boolean;
  /** For a tuple of strings (keyword names, LOAD_FAST_LOAD_FAST pairs). */
  names?: string[] | null;
}

export interface CodeReading {
  name: string;
  filename: string;
  firstLine: number;
  args: string[];
  kwonly: string[];
  varargs: string | null;
  varkw: string | null;
  freevars: string[];
  names: string[];
  constants: { python?: string; code?: string }[];
  instructions: CodeInstruction[];
  nested: CodeReading[];
}

export type LambdaVerdict = "tensor-maths" | "caution" | "dangerous";

/** One Lambda as keras-fix shows it: what it touches, a verdict, and its body when the decompiler can write it. */
export interface LambdaReport {
  layerName: string;
  /** The Python that read the bytecode (its minor matches the writer's), or null when none could. */
  python: string | null;
  /** The Pythons that could have written it, read from the bytecode's layout ("3.8 to 3.10"), or null when unknown. */
  writer?: string | null;
  /** Why the bytecode could not be read: no matching interpreter, bad marshal data, a crash. */
  error: string | null;
  /** The lambda's parameters, e.g. ["x", "scale=<closure>"]. */
  args: string[];
  /** The `arguments=` the layer config passes (closure arguments), as the config stores them. */
  arguments: Record<string, unknown>;
  /** Globals and attribute chains it uses, e.g. "tf.clip_by_value", "os.system". */
  uses: string[];
  /** Its constants as Python literals (None and docstrings left out). */
  constants: string[];
  verdict: LambdaVerdict;
  /** Why the verdict: one line per finding ("calls os.system: runs a shell command"). */
  reasons: string[];
  /** The body as a Python expression, when it is a plain expression the decompiler knows. */
  expression: string | null;
  /** Why there is no expression (the first unsupported instruction), when there is none. */
  unsupported: string | null;
  /** Default values of its last parameters, as the config stores them. */
  defaults: unknown[] | null;
  /** Its free variables (closure) with the values the config stores. */
  closure: Record<string, unknown>;
}

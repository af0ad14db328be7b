// What a Lambda's code touches, read from its instructions, and whether that stays inside tensor maths. The
// verdict is the fact base for the user's consent: "calls tf.clip_by_value and nothing else" is a decision a
// newcomer can make; "calls os.system" is not a model, it is a program.
import type { CodeInstruction, CodeReading, LambdaVerdict } from "./types.js";

/** Modules and builtins whose use means the code can reach the machine: files, processes, network, imports. */
const DANGEROUS_ROOTS: Record<string, string> = {
  os: "the operating system (files, processes, environment)",
  posix: "the operating system (files, processes, environment)",
  nt: "the operating system (files, processes, environment)",
  subprocess: "runs programs",
  sys: "the interpreter itself",
  shutil: "copies and deletes files",
  pathlib: "files",
  io: "files",
  socket: "the network",
  urllib: "the network",
  http: "the network",
  requests: "the network",
  ftplib: "the network",
  smtplib: "the network",
  webbrowser: "opens URLs",
  pickle: "runs pickled code",
  marshal: "loads more bytecode",
  importlib: "imports modules",
  ctypes: "calls native code",
  pty: "runs programs",
  multiprocessing: "starts processes",
  builtins: "every Python builtin, including eval and open",
  __builtins__: "every Python builtin, including eval and open",
  __import__: "imports modules",
  eval: "runs arbitrary code",
  exec: "runs arbitrary code",
  compile: "builds arbitrary code",
  open: "reads or writes files",
  globals: "reaches the interpreter's globals",
  locals: "reaches the interpreter's frames",
  vars: "reaches objects' internals",
  getattr: "reaches any attribute by a computed name",
  setattr: "changes any attribute",
  delattr: "changes any attribute",
  breakpoint: "starts a debugger",
  input: "reads the terminal",
};

/** Attributes that escape any sandbox (the classic ().__class__.__bases__[0].__subclasses__() walk). */
const DANGEROUS_ATTRIBUTES = /^__(class|bases|base|mro|subclasses|globals|code|closure|builtins|dict|reduce|reduce_ex|getattribute|import|loader|spec)__$/;

/** Tensor-library functions that leave tensor maths: files, Python callbacks, downloads. */
const DANGEROUS_MEMBERS = /^(io|gfile|py_function|numpy_function|py_func|script_ops|get_file|load|loadtxt|save|savez|savetxt|fromfile|tofile|memmap|ctypeslib|DataSource|sysconfig|saved_model|system)$/;

/** Names a Lambda uses for tensor maths in the Keras, TensorFlow, NumPy and JAX eras. */
const TENSOR_ROOTS = new Set(["tf", "tensorflow", "K", "backend", "keras", "ops", "kops", "np", "numpy", "math", "jnp", "jax", "torch", "kb", "KB", "B"]);
/** Builtins that only compute. */
const PURE_BUILTINS = new Set(["abs", "min", "max", "len", "range", "float", "int", "bool", "round", "sum", "tuple", "list", "slice", "isinstance", "pow", "zip", "enumerate", "None", "True", "False", "divmod", "reversed", "sorted", "any", "all", "dict", "str"]);

const GLOBAL_LOADS = new Set(["LOAD_GLOBAL", "LOAD_NAME"]);
const LOCAL_LOADS = new Set(["LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_BORROW", "LOAD_DEREF", "LOAD_CLASSDEREF"]);
const ATTRIBUTE_LOADS = new Set(["LOAD_ATTR", "LOAD_METHOD"]);
const SKIPPED = new Set(["RESUME", "NOP", "CACHE", "PRECALL", "PUSH_NULL", "EXTENDED_ARG"]);

function* allCodes(code: CodeReading): Generator<CodeReading> {
  yield code;
  for (const nested of code.nested) yield* allCodes(nested);
}

/** Global names with the attribute chains loaded straight after them ("tf.clip_by_value"), attributes of locals,
 * and imports, in first-seen order. */
export function usesOf(code: CodeReading): { uses: string[]; imports: string[]; attributes: string[] } {
  const uses: string[] = [];
  const imports: string[] = [];
  const attributes: string[] = [];
  const add = (list: string[], value: string) => {
    if (!list.includes(value)) list.push(value);
  };
  for (const each of allCodes(code)) {
    let chain: string[] | null = null;
    const flush = () => {
      if (chain) add(uses, chain.join("."));
      chain = null;
    };
    for (const instruction of each.instructions) {
      if (SKIPPED.has(instruction.op)) continue;
      const name = typeof instruction.arg === "string" ? instruction.arg : null;
      if (GLOBAL_LOADS.has(instruction.op) && name) {
        flush();
        chain = [name];
      } else if (ATTRIBUTE_LOADS.has(instruction.op) && name) {
        add(attributes, name);
        if (chain) chain.push(name);
      } else if ((instruction.op === "IMPORT_NAME" || instruction.op === "IMPORT_FROM") && name) {
        flush();
        add(imports, name);
      } else if (!LOCAL_LOADS.has(instruction.op) || chain) {
        flush();
      }
    }
    flush();
  }
  return { uses, imports, attributes };
}

export function verdictOf(code: CodeReading, parameters: string[]): { verdict: LambdaVerdict; reasons: string[]; uses: string[] } {
  const { uses, imports, attributes } = usesOf(code);
  const dangerous: string[] = [];
  const caution: string[] = [];
  for (const module of imports) dangerous.push(`imports ${module}: a Lambda that imports can do anything Python can`);
  for (const use of uses) {
    const [root, ...members] = use.split(".");
    if (root in DANGEROUS_ROOTS) dangerous.push(`uses ${use}: ${DANGEROUS_ROOTS[root]}`);
    else if (TENSOR_ROOTS.has(root)) {
      const bad = members.find((member) => DANGEROUS_MEMBERS.test(member));
      if (bad) dangerous.push(`uses ${use}: ${bad} leaves tensor maths (files, Python callbacks or downloads)`);
    } else if (!PURE_BUILTINS.has(root) && !parameters.includes(root)) {
      caution.push(`uses ${use}, a global keras-fix does not know as tensor maths`);
    }
  }
  for (const attribute of attributes) {
    if (DANGEROUS_ATTRIBUTES.test(attribute)) dangerous.push(`reads .${attribute}: a way out to the interpreter's internals`);
  }
  for (const each of allCodes(code)) {
    if (each !== code) caution.push(`defines a nested function or comprehension (${each.name})`);
  }
  if (dangerous.length > 0) return { verdict: "dangerous", reasons: [...dangerous, ...caution], uses };
  if (caution.length > 0) return { verdict: "caution", reasons: caution, uses };
  return { verdict: "tensor-maths", reasons: [], uses };
}

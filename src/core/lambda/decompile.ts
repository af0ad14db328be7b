// A decompiler for the expression subset of a Lambda's bytecode: names, constants, attribute loads, calls with
// positional and keyword arguments, unary and binary operators, subscripts and slices, tuples and lists,
// comparisons. It understands the instruction sets of Python 2.7 and 3.0 to 3.13 as dis reports them (before 3.6
// CALL_FUNCTION's argument counts keyword pairs in its high byte, and 2.7 has SLICE+n and BINARY_DIVIDE;
// CALL_FUNCTION / CALL_METHOD, PRECALL + CALL + KW_NAMES, CALL_KW, BINARY_OP after). Anything else (a jump, a
// nested function, a store) makes it give up and say on which instruction: a Lambda it cannot write exactly is left
// as a TODO, never guessed.
import type { CodeInstruction, CodeReading } from "./types.js";

export type Decompiled = { ok: true; expression: string } | { ok: false; unsupported: string };

interface Expr {
  text: string;
  /** Atoms (names, literals, calls, subscripts) need no parentheses as an operand. */
  atom: boolean;
  /** Items of a tuple, so that a subscript can write x[a, b] rather than x[(a, b)]. */
  items?: Expr[];
}

const BINARY_OPS: Record<string, string> = {
  BINARY_ADD: "+", BINARY_SUBTRACT: "-", BINARY_MULTIPLY: "*", BINARY_TRUE_DIVIDE: "/", BINARY_FLOOR_DIVIDE: "//",
  BINARY_MODULO: "%", BINARY_POWER: "**", BINARY_MATRIX_MULTIPLY: "@", BINARY_AND: "&", BINARY_OR: "|",
  BINARY_XOR: "^", BINARY_LSHIFT: "<<", BINARY_RSHIFT: ">>",
  // Python 2's `/` without `from __future__ import division`; on float tensors (what Lambdas divide) both divide.
  BINARY_DIVIDE: "/",
};
const UNARY_OPS: Record<string, string> = { UNARY_NEGATIVE: "-", UNARY_POSITIVE: "+", UNARY_INVERT: "~", UNARY_NOT: "not " };
/** Bookkeeping instructions that do not change the expression. */
const NO_EFFECT = new Set(["RESUME", "NOP", "CACHE", "PRECALL", "PUSH_NULL", "COPY_FREE_VARS", "MAKE_CELL", "EXTENDED_ARG", "TO_BOOL"]);
const NAME_LOADS = new Set(["LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_BORROW", "LOAD_DEREF", "LOAD_GLOBAL", "LOAD_NAME", "LOAD_CLASSDEREF"]);
const CALLS = new Set(["CALL_FUNCTION", "CALL_METHOD", "CALL"]);

const atom = (text: string): Expr => ({ text, atom: true });
const operand = (expr: Expr) => (expr.atom ? expr.text : `(${expr.text})`);

class Unsupported extends Error {}

function take(stack: Expr[], count: number): Expr[] {
  if (count < 0 || stack.length < count) throw new Unsupported("stack underflow");
  return count === 0 ? [] : stack.splice(stack.length - count, count);
}

function call(func: Expr, args: Expr[], keywords: string[]): Expr {
  const positional = args.slice(0, args.length - keywords.length).map((a) => a.text);
  const named = keywords.map((name, i) => `${name}=${args[args.length - keywords.length + i].text}`);
  return atom(`${operand(func)}(${[...positional, ...named].join(", ")})`);
}

function sliceText(parts: Expr[]): string {
  return parts.map((p) => (p.text === "None" ? "" : p.text)).join(":");
}

function binaryOp(instruction: CodeInstruction): string | null {
  if (instruction.op === "BINARY_OP") {
    const op = instruction.repr.replace(/=$/, "");
    return /^(\+|-|\*|\/|\/\/|%|\*\*|@|&|\||\^|<<|>>)$/.test(op) ? op : null;
  }
  return BINARY_OPS[instruction.op] ?? BINARY_OPS[instruction.op.replace(/^INPLACE_/, "BINARY_")] ?? null;
}

function compareOp(instruction: CodeInstruction): string | null {
  if (instruction.op === "IS_OP") return instruction.index ? "is not" : "is";
  if (instruction.op === "CONTAINS_OP") return instruction.index ? "not in" : "in";
  const text = typeof instruction.arg === "string" ? instruction.arg : instruction.repr;
  const op = text.replace(/^bool\((.*)\)$/, "$1");
  return /^(<|<=|==|!=|>|>=|is|is not|in|not in)$/.test(op) ? op : null;
}

/** Python 2.7 and 3.0-3.5: CALL_FUNCTION's argument is positional count + 256 * keyword count, and each keyword
 * is pushed as its name constant then its value. */
function oldCall(arg: number, stack: Expr[]): Expr {
  const pairs = take(stack, 2 * ((arg >> 8) & 0xff));
  const args = take(stack, arg & 0xff);
  const [func] = take(stack, 1);
  const keywords: string[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const [name] = parseNames(pairs[i].text);
    if (!name) throw new Unsupported(`keyword name ${pairs[i].text}`);
    keywords.push(name);
    args.push(pairs[i + 1]);
  }
  return call(func, args, keywords);
}

/** Python 2's SLICE+0..3: x[:], x[a:], x[:b], x[a:b]. */
function oldSlice(op: string, stack: Expr[]): Expr {
  const kind = Number(op.slice("SLICE+".length));
  const end = kind & 2 ? take(stack, 1)[0].text : "";
  const start = kind & 1 ? take(stack, 1)[0].text : "";
  const [value] = take(stack, 1);
  return atom(`${operand(value)}[${start}:${end}]`);
}

function step(instruction: CodeInstruction, stack: Expr[], pending: { keywords: string[]; old: boolean }): Expr | null {
  const { op } = instruction;
  if (pending.old && op === "CALL_FUNCTION" && typeof instruction.arg === "number") {
    stack.push(oldCall(instruction.arg, stack));
    return null;
  }
  if (/^SLICE\+[0-3]$/.test(op)) {
    stack.push(oldSlice(op, stack));
    return null;
  }
  if (NO_EFFECT.has(op)) return null;
  if (NAME_LOADS.has(op) && typeof instruction.arg === "string") {
    stack.push(atom(instruction.arg));
    return null;
  }
  if (op === "LOAD_FAST_LOAD_FAST" && instruction.names?.length === 2) {
    stack.push(atom(instruction.names[0]), atom(instruction.names[1]));
    return null;
  }
  if (op === "LOAD_CONST" || op === "LOAD_SMALL_INT") {
    if (instruction.code || instruction.literal == null) throw new Unsupported(`${op} of a nested function`);
    stack.push(atom(instruction.literal));
    return null;
  }
  if ((op === "LOAD_ATTR" || op === "LOAD_METHOD") && typeof instruction.arg === "string") {
    const [owner] = take(stack, 1);
    stack.push(atom(`${operand(owner)}.${instruction.arg}`));
    return null;
  }
  if (op === "KW_NAMES") {
    pending.keywords = instruction.names ?? [];
    return null;
  }
  if (CALLS.has(op) && typeof instruction.arg === "number") {
    const args = take(stack, instruction.arg);
    const [func] = take(stack, 1);
    stack.push(call(func, args, op === "CALL" ? pending.keywords : []));
    pending.keywords = [];
    return null;
  }
  if ((op === "CALL_FUNCTION_KW" || op === "CALL_KW") && typeof instruction.arg === "number") {
    const [names] = take(stack, 1);
    const keywords = parseNames(names.text);
    const args = take(stack, instruction.arg);
    const [func] = take(stack, 1);
    if (keywords.length > args.length) throw new Unsupported(`${op} with more names than arguments`);
    stack.push(call(func, args, keywords));
    return null;
  }
  const binary = binaryOp(instruction);
  if (binary) {
    const [left, right] = take(stack, 2);
    stack.push({ text: `${operand(left)} ${binary} ${operand(right)}`, atom: false });
    return null;
  }
  if (op in UNARY_OPS) {
    const [value] = take(stack, 1);
    stack.push({ text: `${UNARY_OPS[op]}${operand(value)}`, atom: false });
    return null;
  }
  if (op === "COMPARE_OP" || op === "IS_OP" || op === "CONTAINS_OP") {
    const comparison = compareOp(instruction);
    if (!comparison) throw new Unsupported(`${op} ${instruction.repr}`);
    const [left, right] = take(stack, 2);
    stack.push({ text: `${operand(left)} ${comparison} ${operand(right)}`, atom: false });
    return null;
  }
  if (op === "BUILD_SLICE" && typeof instruction.arg === "number") {
    stack.push({ text: sliceText(take(stack, instruction.arg)), atom: false });
    return null;
  }
  if (op === "BINARY_SLICE") {
    const [value, start, end] = take(stack, 3);
    stack.push(atom(`${operand(value)}[${sliceText([start, end])}]`));
    return null;
  }
  if (op === "BUILD_TUPLE" && typeof instruction.arg === "number") {
    const items = take(stack, instruction.arg);
    const inner = items.map((i) => i.text).join(", ");
    stack.push({ text: `(${inner}${items.length === 1 ? "," : ""})`, atom: true, items });
    return null;
  }
  if (op === "BUILD_LIST" && typeof instruction.arg === "number") {
    stack.push(atom(`[${take(stack, instruction.arg).map((i) => i.text).join(", ")}]`));
    return null;
  }
  if (op === "BINARY_SUBSCR") {
    const [value, index] = take(stack, 2);
    const inside = index.items ? index.items.map((i) => i.text).join(", ") : index.text;
    stack.push(atom(`${operand(value)}[${inside}]`));
    return null;
  }
  if (op === "RETURN_VALUE") {
    const [value] = take(stack, 1);
    return value;
  }
  if (op === "RETURN_CONST" && instruction.literal != null) return atom(instruction.literal);
  throw new Unsupported(instruction.repr ? `${op} ${instruction.repr}` : op);
}

/** A keyword-names constant as lambda_read.py prints it: "('axis', 'keepdims')". */
function parseNames(literal: string): string[] {
  return [...literal.matchAll(/'([A-Za-z_][A-Za-z0-9_]*)'/g)].map((m) => m[1]);
}

/** The Lambda's body as one Python expression, or the first instruction outside the supported subset.
 * `python` is the version that read it ("2.7.18"), which tells how CALL_FUNCTION counts. */
export function decompile(code: CodeReading, python: string | null = null): Decompiled {
  const stack: Expr[] = [];
  const pending = { keywords: [] as string[], old: /^(2\.|3\.[0-5]\.)/.test(python ?? "") };
  try {
    for (let i = 0; i < code.instructions.length; i++) {
      const result = step(code.instructions[i], stack, pending);
      if (result) {
        // Only the trailing bookkeeping may follow the return of a plain expression.
        const rest = code.instructions.slice(i + 1).filter((next) => !NO_EFFECT.has(next.op));
        if (rest.length > 0 || stack.length > 0) return { ok: false, unsupported: `code after the return (${rest[0]?.op ?? "stack"})` };
        return { ok: true, expression: result.text };
      }
    }
    return { ok: false, unsupported: "no return" };
  } catch (error) {
    if (error instanceof Unsupported) return { ok: false, unsupported: error.message };
    throw error;
  }
}

// Which Python versions could have written a Lambda layer's marshalled bytecode, from the code object's layout
// (src/core/lambda/marshal-layout.ts reads it from the bytes, base64 or the raw string Keras 1 and 2.0 stored).
import { storedCodeBytes, writerOfCode, type Writer } from "../lambda/marshal-layout.js";
import type { Facts } from "../types.js";

export type BytecodeHint = Writer;

/** The writer's range for a func_dump code string as the config stores it, or null for no code object. */
export function bytecodeHint(stored: string): BytecodeHint | null {
  const bytes = storedCodeBytes(stored);
  return bytes ? writerOfCode(bytes) : null;
}

/** The writer's Python, read from the first Lambda bytecode the file stores that marshal-hint can place. */
export function storedBytecodeHint(facts: Facts): BytecodeHint | null {
  const stored = facts.file?.details?.lambdaBytecode;
  for (const code of Array.isArray(stored) ? stored : []) {
    const hint = typeof code === "string" ? bytecodeHint(code) : null;
    if (hint) return hint;
  }
  return null;
}

/** True when the file's Lambda bytecode is known to come from another Python minor than the one loading it. */
export function bytecodeIsForeign(facts: Facts): boolean {
  const hint = storedBytecodeHint(facts);
  const minor = /^(\d+\.\d+)/.exec(facts.env?.python.version ?? "")?.[1];
  return hint !== null && minor !== undefined && !hint.minors.includes(minor);
}

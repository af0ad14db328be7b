// Which Python versions could have written a Lambda layer's marshalled bytecode: marshal has no version header,
// but the code object's field layout and first opcode changed between minors. Verified on lambdas marshalled by
// Python 2.7 and 3.6-3.13 (test/fixes/marshal-hint.test.ts runs them) and on fixtures made by Python 3.11.
import type { Facts } from "../types.js";
export interface BytecodeHint {
  /** Human range, e.g. "3.11 or 3.12". */
  range: string;
  /** The minors it can be, as "3.11" strings. */
  minors: string[];
}

const TYPE_CODE = 0x63; // 'c', possibly with marshal's FLAG_REF (0x80)
const TYPE_STRINGS = new Set([0x73, 0xf3]); // 's' (bytes), with or without FLAG_REF
// RESUME opens every 3.11+ code object: opcode 151 in 3.11-3.12, 149 in 3.13 (MAKE_CELL / COPY_FREE_VARS may come
// first for closures, so the first few instructions are searched).
const RESUME_311_312 = 0x97;
const RESUME_313 = 0x95;

/** Decodes a func_dump code string (base64; Windows writers replaced "\" by "/" before encoding, research §2a). */
function decode(base64: string): Uint8Array | null {
  try {
    const bytes = Buffer.from(base64.replace(/\s+/g, ""), "base64");
    return bytes.length > 8 ? new Uint8Array(bytes) : null;
  } catch {
    return null;
  }
}

export function bytecodeHint(base64: string): BytecodeHint | null {
  const bytes = decode(base64);
  if (!bytes || (bytes[0] & 0x7f) !== TYPE_CODE) return null;
  // Count the 4-byte integers before the bytecode string.
  let offset = 1;
  let ints = 0;
  while (offset + 4 < bytes.length && ints < 8 && !TYPE_STRINGS.has(bytes[offset])) {
    offset += 4;
    ints++;
  }
  if (!TYPE_STRINGS.has(bytes[offset])) return null;
  const codeStart = offset + 5;
  const firstOps = Array.from(bytes.slice(codeStart, codeStart + 8)).filter((_, i) => i % 2 === 0);
  if (ints === 4) return { range: "2.x", minors: ["2.7"] };
  if (ints === 6) return { range: "3.8 to 3.10", minors: ["3.8", "3.9", "3.10"] };
  if (ints === 5) {
    if (firstOps.includes(RESUME_311_312)) return { range: "3.11 or 3.12", minors: ["3.11", "3.12"] };
    if (firstOps.includes(RESUME_313)) return { range: "3.13 or newer", minors: ["3.13"] };
    return { range: "3.7 or older", minors: ["3.6", "3.7"] };
  }
  return null;
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

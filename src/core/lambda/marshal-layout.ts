// Which Python wrote a Lambda's marshalled code object, read from the bytes alone (nothing is unmarshalled or run).
// Marshal has no version header, but CPython's code object layout in marshal.c changed by era:
//   2.x        'c' argcount nlocals stacksize flags | code consts names varnames freevars cellvars filename name
//              firstlineno lnotab                                                            (4 ints, 1 after)
//   3.0-3.7    argcount kwonlyargcount nlocals stacksize flags | the same 7 objects, firstlineno, lnotab (5, 1)
//   3.8-3.10   argcount posonlyargcount kwonlyargcount nlocals stacksize flags | the same          (6, 1)
//   3.11+      argcount posonlyargcount kwonlyargcount stacksize flags | code consts names localsplusnames
//              localspluskinds filename name qualname firstlineno linetable exceptiontable       (5, 2)
// The layout whose reading ends exactly at the last byte is the writer's. Inside an era the instructions tell the
// rest: 3.6 made every instruction two bytes (wordcode); 3.11-3.12 open with RESUME 151, 3.13 with RESUME 149; 3.11
// and 3.12 differ in opcodes and inline cache sizes. Checked against every pyenv minor (test/lambda/marshal-layout.test.ts).

export interface Writer {
  /** Human range, e.g. "3.6 or 3.7". */
  range: string;
  /** The minors it can be, oldest first, as "3.6" strings. */
  minors: string[];
}

interface Layout {
  ints: number;
  after: number;
}

const LAYOUTS: { layout: Layout; era: "2" | "3.0" | "3.8" | "3.11" }[] = [
  { layout: { ints: 4, after: 1 }, era: "2" },
  { layout: { ints: 5, after: 1 }, era: "3.0" },
  { layout: { ints: 6, after: 1 }, era: "3.8" },
  { layout: { ints: 5, after: 2 }, era: "3.11" },
];

class Bad extends Error {}

/** Walks marshal data by type code (marshal.c r_object), keeping only the top code object's instructions. */
class MarshalWalk {
  private pos = 0;
  private refs = 0;
  private depth = 0;
  topCode: Uint8Array | null = null;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly layout: Layout,
  ) {}

  /** True when the data is one code object of this layout, ending exactly at the last byte. */
  run(): boolean {
    try {
      const type = this.bytes[0] & 0x7f;
      if (type !== 0x63) return false;
      this.object();
      return this.pos === this.bytes.length;
    } catch (error) {
      if (error instanceof Bad) return false;
      throw error;
    }
  }

  private skip(count: number): Uint8Array {
    if (count < 0 || this.pos + count > this.bytes.length) throw new Bad();
    const start = this.pos;
    this.pos += count;
    return this.bytes.subarray(start, this.pos);
  }

  private u8(): number {
    return this.skip(1)[0];
  }

  private i32(): number {
    const b = this.skip(4);
    return b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24);
  }

  private many(count: number): void {
    if (count < 0) throw new Bad();
    for (let i = 0; i < count; i++) this.object();
  }

  /** One object: its type code, and the payload of a byte string (a code object's instructions are one). */
  private object(): { type: string; data: Uint8Array | null } {
    if (++this.depth > 100) throw new Bad();
    try {
      const raw = this.u8();
      // FLAG_REF (marshal version 3, Python 3.4+): the object takes the next slot 'r' can point back to.
      if (raw & 0x80) this.refs++;
      const type = String.fromCharCode(raw & 0x7f);
      return { type, data: this.payload(type) };
    } finally {
      this.depth--;
    }
  }

  private payload(type: string): Uint8Array | null {
    switch (type) {
      case "0": case "N": case "F": case "T": case "S": case ".":
        return null;
      case "i": this.skip(4); return null;
      case "I": this.skip(8); return null; // Python 2's 64-bit int
      case "l": this.skip(Math.abs(this.i32()) * 2); return null;
      case "f": this.skip(this.u8()); return null;
      case "g": this.skip(8); return null;
      case "x": this.skip(this.u8()); this.skip(this.u8()); return null;
      case "y": this.skip(16); return null;
      case "s": return this.skip(this.i32());
      case "t": case "u": case "a": case "A": this.skip(this.i32()); return null;
      case "z": case "Z": this.skip(this.u8()); return null;
      case "R": this.i32(); return null; // Python 2's reference to an interned string
      case "r": if (this.i32() >= this.refs) throw new Bad(); return null;
      case "(": case "[": case "<": case ">": this.many(this.i32()); return null;
      case ")": this.many(this.u8()); return null;
      case "{": while (this.object().type !== "0") this.object(); return null;
      case ":": this.many(3); return null; // slice, marshal version 5 (3.14)
      case "c": this.code(); return null;
      default: throw new Bad();
    }
  }

  private code(): void {
    for (let i = 0; i < this.layout.ints; i++) this.i32();
    const instructions = this.object().data;
    if (instructions === null) throw new Bad();
    this.topCode ??= instructions;
    this.many(7);
    this.i32(); // firstlineno
    this.many(this.layout.after);
  }
}

// Inline cache entries after each opcode in 3.11 and 3.12 ('.' = no such opcode), from dis._inline_cache_entries.
const CACHES: Record<"3.11" | "3.12", string> = {
  "3.11": "000......0000..0.........4....0000.000...........000000.....10......0000..00......0000000000100400000000004200000.0050000.10000.0000000000000.0.000000.00..000..a.00001....400000...............................................................................",
  "3.12": "000000...0.00..0.0.......100..0000.000...........0000000....10......00.0..00.......0.0.0.0001104000000000091000...0040000011000000000000000001000000.0000..000....0000.....300000............................................................000000000000000000.",
};

/** True when the instructions read as this minor's: known opcodes, zeroed caches, ending on the last byte. */
function walksAs(code: Uint8Array, minor: "3.11" | "3.12"): boolean {
  const table = CACHES[minor];
  if (code.length % 2 !== 0) return false;
  for (let i = 0; i < code.length; ) {
    const op = code[i];
    const caches = table[op];
    if (op === 0 || caches === ".") return false; // CACHE is never an instruction of its own
    const count = parseInt(caches, 36);
    for (let c = 1; c <= count; c++) if (code[i + 2 * c] !== 0 || code[i + 2 * c + 1] !== 0) return false;
    i += 2 * (count + 1);
    if (i > code.length) return false;
  }
  return true;
}

/** Before 3.6 an instruction with an argument (opcode >= 90) took three bytes; a lambda ends on RETURN_VALUE (83). */
function isPreWordcode(code: Uint8Array): boolean {
  let i = 0;
  let last = -1;
  while (i < code.length) {
    last = code[i];
    i += last >= 90 ? 3 : 1;
  }
  return i === code.length && last === 83;
}

/** The writer of these minors, with its range as words ("3.8 to 3.10"). */
export const writerOf = (minors: string[]): Writer => ({
  range: minors.length === 1 ? minors[0] : minors.length === 2 ? `${minors[0]} or ${minors[1]}` : `${minors[0]} to ${minors.at(-1)}`,
  minors,
});

function era311(code: Uint8Array): Writer {
  // Closures start with MAKE_CELL / COPY_FREE_VARS before RESUME: the first few instructions are searched.
  const first = Array.from(code.subarray(0, 8)).filter((_, i) => i % 2 === 0);
  if (first.includes(151)) {
    const as = (["3.11", "3.12"] as const).filter((minor) => walksAs(code, minor));
    return writerOf(as.length === 1 ? [as[0]] : ["3.11", "3.12"]);
  }
  if (first.includes(149)) return writerOf(["3.13"]);
  // Every 3.11-3.13 code object has one of those RESUMEs: a 3.11 layout without it comes from a later Python.
  return { range: "3.14 or newer", minors: ["3.14"] };
}

/** The Python range that wrote these marshal bytes, or null when they are no code object keras-fix knows. */
export function writerOfCode(bytes: Uint8Array): Writer | null {
  for (const { layout, era } of LAYOUTS) {
    const walk = new MarshalWalk(bytes, layout);
    if (!walk.run() || !walk.topCode) continue;
    const code = walk.topCode;
    if (era === "2") return writerOf(["2.7"]);
    if (era === "3.8") return writerOf(["3.8", "3.9", "3.10"]);
    if (era === "3.11") return era311(code);
    if (isPreWordcode(code)) return writerOf(["3.0", "3.1", "3.2", "3.3", "3.4", "3.5"]);
    return writerOf(["3.6", "3.7"]);
  }
  return null;
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/**
 * The marshal bytes of a func_dump code string, decoded as Keras' func_load does: base64 (Keras 2.1.x onwards;
 * Windows writers' "/" for "\" included), else the raw string Keras 1 and 2.0 stored
 * (`marshal.dumps(code).decode('raw_unicode_escape')`), which `code.encode('raw_unicode_escape')` turns back.
 */
export function storedCodeBytes(stored: string): Uint8Array | null {
  if (stored.length === 0) return null;
  if (BASE64.test(stored) && stored.replace(/\s+/g, "").length % 4 === 0) {
    return new Uint8Array(Buffer.from(stored.replace(/\s+/g, ""), "base64"));
  }
  const bytes: number[] = [];
  for (const char of stored) {
    const point = char.codePointAt(0)!;
    if (point < 0x100) bytes.push(point);
    else {
      const escape = point > 0xffff ? `\\U${point.toString(16).padStart(8, "0")}` : `\\u${point.toString(16).padStart(4, "0")}`;
      bytes.push(...Buffer.from(escape, "latin1"));
    }
  }
  return new Uint8Array(bytes);
}

// The writer's Python read from a marshalled code object's layout, checked on reference bytes that every pyenv minor
// (2.7, 3.6-3.13) marshals for the same lambdas, in both forms Keras stores: base64 (Keras 2.1+) and the raw
// `marshal.dumps(code).decode('raw_unicode_escape')` string of Keras 1 and 2.0, as it comes back from the JSON.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bytecodeHint } from "../../src/core/fixes/marshal-hint.js";
import { storedCodeBytes, writerOfCode } from "../../src/core/lambda/marshal-layout.js";

const pyenv = join(homedir(), ".pyenv", "versions");
const versions = existsSync(pyenv) ? readdirSync(pyenv).filter((v) => /^(2\.7|3\.(6|7|8|9|10|11|12|13))\.\d+$/.test(v)) : [];

// Lambdas as Keras users wrote them; `call` has attribute loads and a keyword call, whose instructions differ
// between 3.11 and 3.12. compile() of the text only: nothing is called.
const SOURCES = {
  plain: "lambda x: x * 2.0 + 1",
  call: "lambda x: K.expand_dims(x, axis=-1) * 3",
  closure: "(lambda s: (lambda x: x * s))(2)",
  nested: "lambda x: [v * 2 for v in x]",
  branch: "lambda x: x if x is not None else -x[:, 0]",
  big: "lambda x: x * 12345678901234567890 + 1e-300j",
};

// Python 2 and 3: compile each source, take the lambda's code object (the inner one for the closure), and print it
// base64 and as Keras 1/2.0 stored it (raw_unicode_escape text, JSON-encoded as Keras wrote the config).
const SCRIPT = [
  "import base64, json, marshal, sys, types",
  "def lam(code):",
  "    inner = [c for c in code.co_consts if isinstance(c, types.CodeType)]",
  "    return lam(inner[0]) if inner and inner[0].co_name == '<lambda>' else code",
  "out = []",
  "for s in json.loads(sys.argv[1]):",
  "    top = [c for c in compile(s, '<fixture>', 'eval').co_consts if isinstance(c, types.CodeType)][0]",
  "    data = marshal.dumps(lam(top))",
  "    out.append([base64.b64encode(data).decode('ascii'), data.decode('raw_unicode_escape')])",
  "print(json.dumps(out))",
].join("\n");

function reference(version: string): [string, string][] {
  const run = spawnSync(join(pyenv, version, "bin", "python"), ["-c", SCRIPT, JSON.stringify(Object.values(SOURCES))], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as [string, string][];
}

/** What the reader must say for each minor: the exact range, and for `call` the exact minor where one exists. */
function expected(minor: string, source: keyof typeof SOURCES): string {
  if (minor === "2.7") return "2.7";
  if (minor === "3.6" || minor === "3.7") return "3.6 or 3.7";
  if (["3.8", "3.9", "3.10"].includes(minor)) return "3.8 to 3.10";
  if (minor === "3.13") return "3.13";
  // 3.11 and 3.12 marshal an arithmetic lambda to the same bytes; a call or a subscript tells them apart.
  return ["call", "branch", "nested"].includes(source) ? minor : "3.11 or 3.12";
}

describe("the writer's Python from the code object's layout", () => {
  it("has 2.7 and 3.6 to 3.13 to check against", () => {
    const minors = versions.map((v) => v.split(".").slice(0, 2).join("."));
    expect(new Set(minors)).toEqual(new Set(["2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]));
  });

  for (const version of versions) {
    const minor = version.split(".").slice(0, 2).join(".");
    it(`places lambdas marshalled by Python ${version}, base64 and raw, in ${minor}'s range`, () => {
      const codes = reference(version);
      Object.keys(SOURCES).forEach((name, i) => {
        const [base64, raw] = codes[i];
        const want = expected(minor, name as keyof typeof SOURCES);
        expect(bytecodeHint(base64)?.range, `${name} (base64)`).toBe(want);
        expect(bytecodeHint(raw)?.range, `${name} (raw)`).toBe(want);
        expect(bytecodeHint(base64)?.minors).toContain(minor);
      });
    });
  }

  it("never throws on damaged or hostile bytes: each mutant is placed or not, within the nesting bound", () => {
    let seed = 25;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const version of versions.filter((v) => /^(2\.7|3\.6|3\.11|3\.13)\./.test(v))) {
      for (const [base64] of reference(version)) {
        const bytes = storedCodeBytes(base64)!;
        for (let n = 0; n < 300; n++) {
          const copy = Uint8Array.from(bytes);
          for (let k = 0; k <= n % 3; k++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
          const writer = writerOfCode(n % 5 === 0 ? copy.subarray(0, Math.floor(random() * copy.length)) : copy);
          if (writer) expect(writer.minors.length).toBeGreaterThan(0);
        }
      }
    }
    // Tuples nested past any real code object: refused, not a stack overflow.
    const deep = new Uint8Array([0x63, ...new Array(20).fill(0), ...new Array(100_000).fill([0x29, 0x01]).flat()]);
    expect(writerOfCode(deep)).toBeNull();
  });

  it("says nothing for bytes that are not one whole code object", () => {
    const [[base64]] = reference(versions.find((v) => v.startsWith("3.11."))!);
    const bytes = storedCodeBytes(base64)!;
    expect(writerOfCode(bytes)).not.toBeNull();
    expect(writerOfCode(bytes.subarray(0, bytes.length - 1))).toBeNull();
    expect(writerOfCode(new Uint8Array([...bytes, 0x4e]))).toBeNull();
    expect(bytecodeHint("bm90IGNvZGUgYXQgYWxs")).toBeNull();
    expect(bytecodeHint("")).toBeNull();
    expect(bytecodeHint("c\u0001garbage")).toBeNull();
  });
});

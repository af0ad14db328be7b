// Reads each Lambda's stored code object in a throwaway Python (src/python/lambda_read.py): marshal + dis only,
// never exec. Bytecode is tied to the Python minor that wrote it, so the reader is an interpreter of that minor
// (the bytecode's layout tells it, src/core/lambda/marshal-layout.ts): the user's, pyenv's, or pythonX.Y on PATH,
// 2.7 included.
// A separate process because marshal data from another Python, or crafted data, can crash the interpreter.
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { bytecodeHint } from "../fixes/marshal-hint.js";
import { decompile } from "./decompile.js";
import { storedCodeBytes, writerOf } from "./marshal-layout.js";
import type { CodeReading, LambdaReport } from "./types.js";
import { verdictOf } from "./verdict.js";
import { probeFilePath } from "../probe/probe.js";
import { runIsolatedScript } from "../probe/processes.js";

/** One stored lambda: the layer, its base64 code, and the `arguments=` its config passes. */
export interface StoredLambda {
  layerName: string;
  code: string;
  arguments: Record<string, unknown>;
  /** func_dump's defaults (the lambda's default argument values) and closure (its free variables' values). */
  defaults?: unknown[] | null;
  closure?: unknown[] | null;
}

const READ_TIME_LIMIT_MS = 20_000;

type Reading = { ok: true; code: CodeReading } | { ok: false; error: string };

export function lambdaReaderPath(): string {
  return probeFilePath("lambda_read.py");
}

/** Interpreters of one minor ("3.11") on this machine: pyenv's builds, then python3.11 on PATH. */
export function interpretersFor(minor: string, userPython: { path: string; version: string } | null): string[] {
  const found: string[] = [];
  if (userPython && (userPython.version === minor || userPython.version.startsWith(`${minor}.`))) found.push(userPython.path);
  const pyenvRoot = process.env.PYENV_ROOT ?? join(homedir(), ".pyenv");
  try {
    for (const version of readdirSync(join(pyenvRoot, "versions")).sort().reverse()) {
      if (version !== minor && !version.startsWith(`${minor}.`)) continue;
      const candidate = join(pyenvRoot, "versions", version, "bin", `python${minor}`);
      if (existsSync(candidate)) found.push(candidate);
    }
  } catch {
    // no pyenv here
  }
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, `python${minor}`);
    if (dir && existsSync(candidate)) found.push(candidate);
  }
  return [...new Set(found)];
}

async function runReader(python: string, codes: string[], minor: string): Promise<{ python: string; readings: Reading[] } | { failure: string }> {
  const isolation = minor.startsWith("2.") ? ["-E", "-s", "-S"] : ["-I", "-S"];
  const result = await runIsolatedScript(python, lambdaReaderPath(), JSON.stringify({ codes }), READ_TIME_LIMIT_MS, isolation);
  if (result.exitCode !== 0) {
    const why = result.timedOut ? "timed out" : result.signal ? `crashed (${result.signal})` : `exited with ${result.exitCode}`;
    return { failure: `${python} ${why}: ${result.stderr.trim().split("\n").at(-1) ?? ""}`.trim() };
  }
  try {
    const parsed = JSON.parse(result.stdout) as { python: string; readings: Reading[] };
    return parsed;
  } catch {
    return { failure: `${python} printed no reading` };
  }
}

const UNKNOWN_OPCODE = /^<\d+>$/;

/** 3.11 always emits PRECALL before CALL; 3.12 dropped it (same marshal layout, different opcodes). */
function callsWithoutPrecall(code: CodeReading): boolean {
  const ops = code.instructions.map((i) => i.op).filter((op) => op !== "CACHE" && op !== "KW_NAMES");
  return ops.some((op, i) => op === "CALL" && ops[i - 1] !== "PRECALL");
}

function isCleanReading(reading: Reading, python: string): boolean {
  if (!reading.ok) return false;
  const codes = [reading.code];
  for (let code = codes.pop(); code; code = codes.pop()) {
    if (code.instructions.some((i) => UNKNOWN_OPCODE.test(i.op))) return false;
    if (python.startsWith("3.11.") && callsWithoutPrecall(code)) return false;
    codes.push(...code.nested);
  }
  return true;
}

/** After a crash on the batch (crafted marshal data can kill the reader): each code alone, so one bad Lambda
 * does not hide what the others do. */
async function readOneByOne(python: string, codes: string[], minor: string): Promise<{ python: string; readings: Reading[] } | { failure: string }> {
  const readings: Reading[] = [];
  let version: string | null = null;
  for (const one of codes) {
    const outcome = await runReader(python, [one], minor);
    if ("failure" in outcome) readings.push({ ok: false, error: outcome.failure });
    else {
      version = outcome.python;
      readings.push(outcome.readings[0] ?? { ok: false, error: "no reading" });
    }
  }
  return version ? { python: version, readings } : { failure: (readings[0] as { error: string } | undefined)?.error ?? "no reading" };
}

function unreadable(stored: StoredLambda, error: string, writer: string | null = null): LambdaReport {
  return {
    layerName: stored.layerName, python: null, writer, error, args: [], arguments: stored.arguments, uses: [], constants: [],
    verdict: "caution", reasons: ["its code could not be read, so nothing is known about what it does"], expression: null,
    unsupported: null, defaults: stored.defaults ?? null, closure: {},
  };
}

export function reportOf(stored: StoredLambda, code: CodeReading, python: string, writer: string | null): LambdaReport {
  const parameters = [...code.args, ...code.kwonly, ...code.freevars, ...(code.varargs ? [code.varargs] : []), ...(code.varkw ? [code.varkw] : [])];
  const { verdict, reasons, uses } = verdictOf(code, parameters);
  const decompiled = decompile(code, python);
  const constants = code.constants
    .map((c) => c.python)
    .filter((c): c is string => typeof c === "string" && c !== "None");
  return {
    layerName: stored.layerName,
    python,
    writer,
    error: null,
    args: [...code.args, ...(code.varargs ? [`*${code.varargs}`] : []), ...code.kwonly, ...(code.varkw ? [`**${code.varkw}`] : [])],
    arguments: stored.arguments,
    uses,
    constants: [...new Set(constants)],
    verdict,
    reasons,
    expression: decompiled.ok ? decompiled.expression : null,
    unsupported: decompiled.ok ? null : decompiled.unsupported,
    defaults: stored.defaults ?? null,
    closure: Object.fromEntries(code.freevars.map((name, i) => [name, stored.closure?.[i] ?? null])),
  };
}

/** Reads every stored lambda; a lambda no interpreter here can read is reported with why, never thrown. */
/** Bounds on what is handed to the reader: real Lambda code is a few hundred bytes, models have a few Lambdas. */
export const MAX_LAMBDAS = 64;
export const MAX_CODE_CHARS = 1024 * 1024;

export async function readLambdas(all: StoredLambda[], userPython: { path: string; version: string } | null): Promise<LambdaReport[]> {
  const stored = all.slice(0, MAX_LAMBDAS);
  const reports = new Map<number, LambdaReport>();
  const byMinor = new Map<string, number[]>();
  // One file's Lambdas were marshalled by one Python: where the ranges overlap, the overlap is the writer (an
  // arithmetic lambda reads as "3.11 or 3.12", a call beside it as "3.12").
  const hints = stored.map((each) => (each.code.length > MAX_CODE_CHARS ? null : bytecodeHint(each.code)));
  const placed = hints.filter((hint) => hint !== null);
  const common = placed.length > 0 ? placed[0].minors.filter((minor) => placed.every((hint) => hint.minors.includes(minor))) : [];
  const writerAt = (index: number) => (common.length > 0 ? writerOf(common).range : (hints[index]?.range ?? null));
  stored.forEach((each, index) => {
    if (each.code.length > MAX_CODE_CHARS) {
      reports.set(index, unreadable(each, `its code is ${each.code.length} characters, more than keras-fix reads (${MAX_CODE_CHARS})`));
      return;
    }
    const hint = hints[index];
    if (!hint) {
      reports.set(index, unreadable(each, "the bytecode's layout matches no Python keras-fix knows"));
      return;
    }
    // The hint names a family ("3.8 to 3.10"); any minor of it reads the layout, in order.
    const key = (common.length > 0 ? common : hint.minors).join(",");
    byMinor.set(key, [...(byMinor.get(key) ?? []), index]);
  });
  for (const [key, indices] of byMinor) {
    const minors = key.split(",");
    // The reader takes base64; Keras 1 and 2.0 stored the raw marshal string.
    const codes = indices.map((i) => Buffer.from(storedCodeBytes(stored[i].code) ?? []).toString("base64"));
    // Any interpreter of the range reads it, without Keras: say which one to install.
    const wanted = minors.length > 2 ? `${minors[0]} to ${minors.at(-1)}` : minors.join(" or ");
    let lastFailure = `no Python ${wanted} found on this machine (pyenv, PATH or yours) to read it; a bare one will do (for example: pyenv install ${minors.at(-1)})`;
    let fallback: { python: string; readings: Reading[] } | null = null;
    let chosen: { python: string; readings: Reading[] } | null = null;
    // A family shares marshal's layout, not opcodes (3.11 vs 3.12): a reading with opcodes its Python does not
    // know ("<166>") or that fails belongs to the next minor.
    for (const minor of minors) {
      const python = interpretersFor(minor, userPython)[0];
      if (!python) continue;
      let outcome = await runReader(python, codes, minor);
      if ("failure" in outcome && codes.length > 1) outcome = await readOneByOne(python, codes, minor);
      if ("failure" in outcome) {
        lastFailure = outcome.failure;
        continue;
      }
      if (outcome.readings.every((reading) => isCleanReading(reading, outcome.python))) {
        chosen = outcome;
        break;
      }
      fallback ??= outcome;
    }
    const used = chosen ?? fallback;
    indices.forEach((storedIndex, i) => {
      const reading = used?.readings[i];
      const each = stored[storedIndex];
      reports.set(storedIndex, reading?.ok ? reportOf(each, reading.code, used!.python, writerAt(storedIndex)) : unreadable(each, reading && !reading.ok ? reading.error : lastFailure, writerAt(storedIndex)));
    });
  }
  return stored.map((_, index) => reports.get(index)!);
}

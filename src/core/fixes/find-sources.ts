// Finds, without running anything, the .py files that define the classes and functions a model file needs: the
// user's own code near the model, in the current folder and in the git repository around them.
import { existsSync, type Dirent } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import type { SourceMatch } from "../types.js";
import { dirname, join, resolve } from "node:path";

export type { SourceMatch };

// Bounds keep a search from a home folder or a monorepo root finite.
const MAX_DEPTH = 6;
const MAX_PY_FILES = 4000;
const MAX_DIRECTORIES = 20000;
const MAX_FILE_BYTES = 2_000_000;

// Installed packages, caches and VCS data: never the user's own model code.
const SKIPPED_DIRECTORIES = new Set([
  "site-packages",
  "dist-packages",
  "node_modules",
  "__pycache__",
  "build",
  "dist",
]);

/** The nearest folder at or above `dir` that holds a `.git` entry, or null. */
export function gitRootOf(dir: string): string | null {
  let current = resolve(dir);
  for (;;) {
    if (existsSync(join(current, ".git"))) return current;
    const parent = dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

function isSkipped(name: string): boolean {
  // Dot folders: .git, .venv, .tox, .mypy_cache, .ipynb_checkpoints ...
  return name.startsWith(".") || SKIPPED_DIRECTORIES.has(name);
}

function isVirtualenv(dir: string): boolean {
  // A virtualenv or conda env can have any name (venv, env, py311...); its pyvenv.cfg or conda-meta gives it away.
  return existsSync(join(dir, "pyvenv.cfg")) || existsSync(join(dir, "conda-meta"));
}

/** Every .py file under the roots, each once (by real path), within the bounds above; symlinked folders are not followed. */
export async function listPythonFiles(roots: string[]): Promise<string[]> {
  const seen = new Set<string>();
  const files: string[] = [];
  let directories = 0;
  const queue: { dir: string; depth: number }[] = [];
  for (const root of roots) {
    if (existsSync(root) && (await stat(root)).isDirectory()) queue.push({ dir: resolve(root), depth: 0 });
  }
  const visited = new Set<string>();
  while (queue.length > 0 && files.length < MAX_PY_FILES && directories < MAX_DIRECTORIES) {
    const { dir, depth } = queue.shift()!;
    const real = await realpath(dir).catch(() => null);
    if (!real || visited.has(real)) continue;
    visited.add(real);
    directories++;
    if (depth > 0 && isVirtualenv(dir)) continue;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isFile() && entry.name.endsWith(".py")) {
        const realFile = await realpath(full).catch(() => null);
        if (realFile && !seen.has(realFile)) {
          seen.add(realFile);
          files.push(full);
          if (files.length >= MAX_PY_FILES) break;
        }
      } else if (entry.isDirectory() && depth < MAX_DEPTH && !isSkipped(entry.name)) {
        queue.push({ dir: full, depth: depth + 1 });
      }
    }
  }
  return files;
}

interface LogicalLine {
  text: string;
  /** 1-based line where it starts. */
  line: number;
  indent: number;
}

/**
 * Source lines joined across open brackets and backslashes, comments dropped and (unless `keepStrings`) strings'
 * contents blanked, so that a definition inside a docstring is not taken for code and a decorator's arguments
 * spread over lines read as one.
 */
export function logicalLines(source: string, keepStrings = false): LogicalLine[] {
  const out: LogicalLine[] = [];
  let current = "";
  let start = 1;
  let depth = 0;
  let quote: string | null = null; // the open string's delimiter: ' " ''' """
  let lineNo = 1;
  let continued = false;
  let i = 0;
  const flush = () => {
    if (current.trim() !== "") {
      const indent = current.length - current.trimStart().length;
      out.push({ text: current.trim(), line: start, indent });
    }
    current = "";
  };
  while (i < source.length) {
    const ch = source[i];
    if (quote) {
      if (ch === "\\") {
        if (keepStrings) current += source.slice(i, i + 2);
        if (source[i + 1] === "\n") lineNo++;
        i += 2;
        continue;
      }
      if (source.startsWith(quote, i)) {
        current += quote;
        i += quote.length;
        quote = null;
        continue;
      }
      if (ch === "\n") {
        lineNo++;
        if (quote.length === 1) quote = null; // an unterminated one-line string ends at the newline
      }
      if (keepStrings) current += ch === "\n" ? " " : ch;
      i++;
      continue;
    }
    if (ch === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = source.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      current += quote;
      i += quote.length;
      continue;
    }
    if (ch === "\\" && source[i + 1] === "\n") {
      continued = true;
      current += " ";
      lineNo++;
      i += 2;
      continue;
    }
    if (ch === "\n") {
      lineNo++;
      i++;
      if (depth > 0 || continued) {
        current += " ";
        continued = false;
        continue;
      }
      flush();
      start = lineNo;
      continue;
    }
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    if ((ch === ")" || ch === "]" || ch === "}") && depth > 0) depth--;
    if (current === "" && ch !== " " && ch !== "\t") start = lineNo;
    current += ch;
    i++;
  }
  flush();
  return out;
}

/** A decorator argument's literal string value; undefined when absent or None, null when not a literal. */
function stringArgument(args: string, keyword: string, position: number): string | null | undefined {
  const byKeyword = new RegExp(`\\b${keyword}\\s*=\\s*(?:(['"])(?<value>[^'"]*)\\1|(?<none>None)\\b|(?<other>[^,)]+))`).exec(args);
  if (byKeyword?.groups) {
    if (byKeyword.groups.value !== undefined) return byKeyword.groups.value;
    if (byKeyword.groups.none) return undefined;
    return null; // a variable or an expression: we cannot know its value without running the code
  }
  const positional = args
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "" && !/^\w+\s*=/.test(part));
  const value = positional[position];
  if (value === undefined || value === "None") return undefined;
  const literal = /^(['"])(.*)\1$/.exec(value);
  return literal ? literal[2] : null;
}

const DEFINITION = /^(?:async\s+)?(?<keyword>class|def)\s+(?<name>[A-Za-z_]\w*)\s*[(:]/;
const ASSIGNMENT = /^(?<name>[A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)/;
// @register_keras_serializable(...), @keras.saving.register_keras_serializable(...), @tf.keras.utils....(...)
const REGISTER = /^@\s*(?:[\w.]+\.)?register_keras_serializable\s*(?<call>\((?<args>.*)\))?\s*$/;

/**
 * The key a `register_keras_serializable` decorator gives a definition: "Package>Name" with Keras' defaults
 * (package "Custom", name = the class or function name). Used bare (no call) the decorator receives the class as
 * its `package` and registers nothing, so the key is null; so is a package given by a variable.
 */
export function registeredKeyOf(decorator: string, definitionName: string): string | null {
  const match = REGISTER.exec(decorator);
  if (!match?.groups?.call) return null;
  const args = match.groups.args ?? "";
  const pkg = stringArgument(args, "package", 0);
  const name = stringArgument(args, "name", 1);
  if (pkg === null || name === null) return null;
  return `${pkg ?? "Custom"}>${name ?? definitionName}`;
}

/** The definitions of `names` in one file's text (class, def, top-level assignment), in source order. */
export function definitionsIn(source: string, file: string, names: ReadonlySet<string>): SourceMatch[] {
  // Decorator arguments are read from a second pass that keeps string literals: their values are the key.
  const decorators = source.includes("register_keras_serializable") ? decoratorLines(source) : null;
  const lines = logicalLines(source);
  const matches: SourceMatch[] = [];
  lines.forEach((logical, index) => {
    const definition = DEFINITION.exec(logical.text);
    if (definition?.groups && names.has(definition.groups.name)) {
      const name = definition.groups.name;
      let registeredKey: string | null = null;
      for (let back = index - 1; back >= 0 && lines[back].text.startsWith("@"); back--) {
        const decoratorText = decorators?.get(lines[back].line) ?? lines[back].text;
        if (REGISTER.test(decoratorText)) registeredKey = registeredKeyOf(decoratorText, name);
      }
      matches.push({ name, file, line: logical.line, kind: definition.groups.keyword === "class" ? "class" : "function", registeredKey });
      return;
    }
    // Only module-level assignments are importable attributes (`swishy = make_activation(...)`).
    const assignment = logical.indent === 0 ? ASSIGNMENT.exec(logical.text) : null;
    if (assignment?.groups && names.has(assignment.groups.name)) {
      matches.push({ name: assignment.groups.name, file, line: logical.line, kind: "assignment", registeredKey: null });
    }
  });
  return matches;
}

/** Decorator lines with their string literals intact, by starting line. */
function decoratorLines(source: string): Map<number, string> {
  const byLine = new Map<number, string>();
  for (const logical of logicalLines(source, true)) {
    if (!logical.text.startsWith("@")) continue;
    byLine.set(logical.line, logical.text);
  }
  return byLine;
}

/**
 * Where `names` are defined under `roots`, best file first: the file that defines the most of the names, then the
 * one nearest the first root (the model's folder), then by path; within a file, in source order.
 */
export async function findSources(names: string[], roots: string[]): Promise<SourceMatch[]> {
  const wanted = new Set(names.filter((name) => /^[A-Za-z_]\w*$/.test(name)));
  if (wanted.size === 0) return [];
  const files = await listPythonFiles(roots);
  const byFile: { file: string; order: number; matches: SourceMatch[] }[] = [];
  for (const [order, file] of files.entries()) {
    const info = await stat(file).catch(() => null);
    if (!info || info.size > MAX_FILE_BYTES) continue;
    const source = await readFile(file, "utf8").catch(() => null);
    if (source === null || ![...wanted].some((name) => source.includes(name))) continue;
    const matches = definitionsIn(source, file, wanted);
    if (matches.length > 0) byFile.push({ file, order, matches });
  }
  const distinct = (matches: SourceMatch[]) => new Set(matches.map((m) => m.name)).size;
  byFile.sort((a, b) => distinct(b.matches) - distinct(a.matches) || a.order - b.order);
  return byFile.flatMap((entry) => entry.matches);
}

// `keras-fix check [PATH…]`: which model files the arguments name. Files are taken as given; folders are walked
// (skipping what .gitignore ignores, node_modules, .git and virtualenvs); globs are expanded by tinyglobby. A model is
// an .h5/.hdf5/.keras file (Git LFS pointers and weights-only files included: inspect says what they are), a
// SavedModel folder, or a TF checkpoint (its prefix). Nothing is read beyond names and folder listings here.
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { glob, isDynamicPattern } from "tinyglobby";
import { UserError } from "../../core/errors.js";

export interface FoundModel {
  /** Absolute path (a checkpoint's prefix, a SavedModel's folder). */
  absolute: string;
  /** What reports show: relative to the current folder with `/` separators when inside it, else absolute. */
  path: string;
}

const MODEL_FILE = /\.(h5|hdf5|keras)$/i;
const SKIP_DIRS = new Set(["node_modules", ".git", "__pycache__", ".hg", ".svn"]);

export function displayPath(absolute: string, cwd = process.cwd()): string {
  const rel = relative(cwd, absolute);
  if (rel === "") return ".";
  if (rel.startsWith("..") || isAbsolute(rel)) return absolute;
  return rel.split(sep).join("/");
}

/** A SavedModel folder, or what is left of one (Keras metadata without saved_model.pb): inspect says which. */
function isSavedModel(dir: string): boolean {
  return ["saved_model.pb", "saved_model.pbtxt", "keras_metadata.pb"].some((name) => existsSync(join(dir, name)));
}

/** A Python virtualenv or conda env: never a place for the user's models. */
function isEnvironment(dir: string): boolean {
  return existsSync(join(dir, "pyvenv.cfg")) || existsSync(join(dir, "conda-meta"));
}

/** `<prefix>.index` beside a `<prefix>.data-*` file is a TF checkpoint: the prefix is what load_weights takes. */
function checkpointPrefix(dir: string, name: string, siblings: string[]): string | null {
  if (!name.endsWith(".index")) return null;
  const prefix = name.slice(0, -".index".length);
  return siblings.some((s) => s.startsWith(`${prefix}.data-`)) ? join(dir, prefix) : null;
}

interface Matcher {
  base: string;
  rules: Ignore;
}

function gitignoreAt(dir: string): Matcher | null {
  const file = join(dir, ".gitignore");
  if (!existsSync(file)) return null;
  try {
    return { base: dir, rules: ignore().add(readFileSync(file, "utf8")) };
  } catch {
    return null;
  }
}

/** The .gitignore files that apply to `dir` from above it, up to the repository root (the folder holding .git). */
function ancestorsIgnores(dir: string): Matcher[] {
  const chain: string[] = [];
  for (let at = dirname(dir); ; at = dirname(at)) {
    chain.unshift(at);
    if (existsSync(join(at, ".git")) || dirname(at) === at) break;
  }
  if (!chain.some((at) => existsSync(join(at, ".git")))) return [];
  return chain.map(gitignoreAt).filter((m): m is Matcher => m !== null);
}

function ignored(matchers: Matcher[], full: string, isDir: boolean): boolean {
  return matchers.some(({ base, rules }) => {
    const rel = relative(base, full).split(sep).join("/");
    return rel !== "" && !rel.startsWith("..") && rules.ignores(isDir ? `${rel}/` : rel);
  });
}

function walk(dir: string, matchers: Matcher[], out: Set<string>): void {
  if (isSavedModel(dir)) {
    out.add(dir);
    return;
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const own = gitignoreAt(dir);
  const here = own ? [...matchers, own] : matchers;
  const names = entries.map((e) => e.name);
  for (const entry of entries) {
    const full = join(dir, entry.name);
    let isDir = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      // Linked files count; linked folders are not followed (no loops, no walking out of the repository).
      try {
        if (statSync(full).isDirectory()) continue;
      } catch {
        continue;
      }
      isDir = false;
    }
    if (ignored(here, full, isDir)) continue;
    if (isDir) {
      if (!SKIP_DIRS.has(entry.name) && !isEnvironment(full)) walk(full, here, out);
      continue;
    }
    const prefix = checkpointPrefix(dir, entry.name, names);
    if (prefix) out.add(prefix);
    else if (MODEL_FILE.test(entry.name)) out.add(full);
  }
}

/** Every model the arguments name, sorted by display path; a path that names nothing is a usage error. */
export async function findModels(args: string[], cwd = process.cwd()): Promise<FoundModel[]> {
  const found = new Set<string>();
  for (const arg of args.length > 0 ? args : ["."]) {
    const full = resolve(cwd, arg);
    let info;
    try {
      info = statSync(full);
    } catch {
      info = null;
    }
    if (info?.isDirectory()) {
      walk(full, ancestorsIgnores(full), found);
    } else if (info) {
      found.add(full);
    } else if (isDynamicPattern(arg)) {
      const matches = await glob(arg, { cwd, absolute: true, onlyFiles: false, ignore: ["**/node_modules/**", "**/.git/**"] });
      const before = found.size;
      for (const match of matches.map((m) => resolve(m))) {
        const isDir = statSync(match, { throwIfNoEntry: false })?.isDirectory() ?? false;
        if (isDir && isSavedModel(match)) found.add(match);
        else if (!isDir) {
          const prefix = checkpointPrefix(dirname(match), match.slice(dirname(match).length + 1), readdirSync(dirname(match)));
          if (prefix) found.add(prefix);
          else if (MODEL_FILE.test(match)) found.add(match);
        }
      }
      if (found.size === before) throw new UserError(`check: the pattern ${arg} matches no model file.`, "keras-fix check 'models/**/*.h5' (quoted, from the folder the pattern starts in)");
    } else if (existsSync(`${full}.index`)) {
      found.add(full); // a checkpoint's prefix names no file
    } else {
      throw new UserError(`check: nothing at ${arg}.`, "keras-fix check [PATH…]: files, folders or quoted globs such as 'models/**/*.h5'");
    }
  }
  return [...found].map((absolute) => ({ absolute, path: displayPath(absolute, cwd) })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// The names each Keras line deserializes without custom_objects, from the catalogues that
// scripts/make-catalogues.py generates from real installs; a name outside them is what a user must supply.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ModelFacts } from "../types.js";

export type KerasLine = NonNullable<ModelFacts["kerasLine"]>;
export type BuiltinKind =
  | "layers"
  | "losses"
  | "metrics"
  | "activations"
  | "initializers"
  | "regularizers"
  | "constraints"
  | "optimizers";

const KINDS: BuiltinKind[] = [
  "layers",
  "losses",
  "metrics",
  "activations",
  "initializers",
  "regularizers",
  "constraints",
  "optimizers",
];
const CATALOGUE_FILES = ["keras3", "tf-keras2", "keras2"] as const;

export interface Builtins {
  line: KerasLine | null;
  has(kind: BuiltinKind, name: string): boolean;
}

/** The catalogues folder ships beside dist/ (package.json "files"); found by walking up from this module. */
export function cataloguesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "catalogues");
    if (existsSync(join(candidate, "keras3.json"))) return candidate;
    dir = dirname(dir);
  }
  throw new Error("keras-fix is installed without its catalogues/ folder");
}

let loaded: Map<string, Record<BuiltinKind, Set<string>>> | null = null;

function catalogues(): Map<string, Record<BuiltinKind, Set<string>>> {
  if (loaded) return loaded;
  const dir = cataloguesDir();
  loaded = new Map();
  for (const file of CATALOGUE_FILES) {
    const data = JSON.parse(readFileSync(join(dir, `${file}.json`), "utf8")) as Record<string, unknown>;
    const sets = {} as Record<BuiltinKind, Set<string>>;
    for (const kind of KINDS) sets[kind] = new Set((data[kind] as string[] | undefined) ?? []);
    loaded.set(file, sets);
  }
  return loaded;
}

/** Which catalogues judge a file of this line. Keras 1 has no install to read (it needs Python 2 era
 * TensorFlow/Theano), and an unknown line is judged by the union so that nothing built in is called custom. */
function cataloguesFor(line: KerasLine | null): string[] {
  if (line === "keras3" || line === "tf-keras2" || line === "keras2") return [line];
  return [...CATALOGUE_FILES];
}

export function builtinsFor(line: KerasLine | null): Builtins {
  const chosen = cataloguesFor(line).map((name) => catalogues().get(name)!);
  return {
    line,
    has(kind, name) {
      // Optimizer strings go through optimizers.get, which lower-cases them.
      const candidates = kind === "optimizers" ? [name, name.toLowerCase()] : [name];
      return chosen.some((sets) => candidates.some((candidate) => sets[kind].has(candidate)));
    },
  };
}

/** The kind of Keras object a built-in name is (a layer, an initializer...), or null when no Keras line has it. */
export function builtinKindOf(name: string, line: KerasLine | null = null): BuiltinKind | null {
  const builtins = builtinsFor(line);
  return KINDS.find((kind) => builtins.has(kind, name)) ?? null;
}

let tf1Only: Set<string> | null = null;

/** The names TensorFlow 1's top-level module had and TensorFlow 2's has not (scripts/mine-tf-top-level.py, from real
 *  installs of TF 1.15, 2.15 and 2.21); tf.compat.v1 keeps them. */
export function tf1OnlyName(name: string): boolean {
  tf1Only ??= new Set((JSON.parse(readFileSync(join(cataloguesDir(), "tf-top-level.json"), "utf8")) as { tf1Only: string[] }).tf1Only);
  return tf1Only.has(name);
}

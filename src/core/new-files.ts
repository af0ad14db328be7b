// Names for the files keras-fix writes: always new ones beside what exists, never over it. Kept apart from
// effects.ts so that flows can name a file without importing the action layer (which imports every flow).
import { existsSync } from "node:fs";
import { basename, extname, join } from "node:path";

/** A path in `dir` named `stem + suffix`, or `stem-2 + suffix`, ... whichever does not exist yet. */
export function freshPath(dir: string, stem: string, suffix: string): string {
  for (let n = 1; ; n++) {
    const candidate = join(dir, `${stem}${n === 1 ? "" : `-${n}`}${suffix}`);
    if (!existsSync(candidate)) return candidate;
  }
}

/** A new .py path in `dir` that Python can import: `stem` made an identifier, then `_2`, `_3`... until it is free. */
export function freshModulePath(dir: string, stem: string): string {
  const name = stem.replace(/\W+/g, "_").replace(/^(?=\d)/, "m_") || "model";
  for (let n = 1; ; n++) {
    const candidate = join(dir, `${name}${n === 1 ? "" : `_${n}`}.py`);
    if (!existsSync(candidate)) return candidate;
  }
}

export function modelStem(modelPath: string): string {
  const name = basename(modelPath.replace(/[\\/]+$/, ""));
  return name.replace(/\.weights\.h5$/, "").replace(new RegExp(`${extname(name).replace(".", "\\.")}$`), "") || "model";
}

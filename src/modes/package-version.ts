// package.json's version, read beside the built files: dist/src/modes (tsc) or the bundle's chunk in dist/bin.
import { readFileSync } from "node:fs";

export function packageVersion(): string {
  for (const up of ["../package.json", "../../package.json", "../../../package.json"]) {
    try {
      return JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")).version;
    } catch {
      // Not at this level.
    }
  }
  return "unknown";
}

// The house by stage (docs/architecture.md): cli → modes → ui + engine → flows → core's rooms → core's ground.
// An import circle, or a lower room reaching up, is what made src/core one drawer before; these tests keep it out.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import madge from "madge";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/envs.js";
import { importedSpecifiers } from "../helpers/imports.js";

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourcesUnder(join(dir, entry.name)) : /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [join(dir, entry.name)] : [],
  );
}

/** Every relative import of the files under `dir` that lands under one of `forbidden` (repository-relative folders). */
function importsInto(dir: string, forbidden: string[]): string[] {
  return sourcesUnder(join(repoRoot, dir)).flatMap((file) =>
    importedSpecifiers(readFileSync(file, "utf8"))
      .filter((specifier) => specifier.startsWith("."))
      .map((specifier) => relative(repoRoot, resolve(dirname(file), specifier)))
      .filter((target) => forbidden.some((folder) => target === folder || target.startsWith(`${folder}/`)))
      .map((target) => `${relative(repoRoot, file)} -> ${target}`),
  );
}

describe("the house", () => {
  it("has no import circle anywhere in src/ or flows/ (madge, type imports included)", async () => {
    const graph = await madge([join(repoRoot, "src"), join(repoRoot, "flows")], {
      fileExtensions: ["ts", "tsx"],
      tsConfig: join(repoRoot, "tsconfig.json"),
      baseDir: repoRoot,
    });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    expect(graph.circular()).toEqual([]);
  });

  it("madge sees a circle when there is one (the check itself works)", async () => {
    const graph = await madge(join(repoRoot, "test", "house", "circle-sample"), { fileExtensions: ["ts"], tsConfig: join(repoRoot, "tsconfig.json"), baseDir: repoRoot });
    expect(graph.circular().length).toBe(1);
  });

  it("keeps the lower floors from reaching up: core imports neither flows nor the engine, modes or ui; flows not the engine", () => {
    expect(importsInto("src/core", ["flows", "src/engine", "src/modes", "src/ui", "src/cli.tsx"])).toEqual([]);
    expect(importsInto("flows", ["src/engine", "src/modes", "src/ui", "src/cli.tsx"])).toEqual([]);
    expect(importsInto("src/engine", ["src/modes", "src/ui", "src/cli.tsx"])).toEqual([]);
  });

  it("the repository root holds only the files it is meant to", () => {
    const tracked = execFileSync("git", ["ls-files"], { cwd: repoRoot, encoding: "utf8" }).split("\n").filter(Boolean);
    const topLevelFiles = [...new Set(tracked.filter((file) => !file.includes("/")))].sort();
    expect(topLevelFiles).toEqual([".gitignore", ".pre-commit-hooks.yaml", "LICENSE", "README.md", "package-lock.json", "package.json", "tsconfig.json", "tsconfig.test.json", "vitest.config.ts"]);
    const topLevelFolders = [...new Set(tracked.filter((file) => file.includes("/")).map((file) => file.split("/")[0]))].sort();
    expect(topLevelFolders).toEqual([".ci", "catalogues", "docs", "fixtures", "flows", "scripts", "src", "test"]);
  });
});

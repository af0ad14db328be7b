// DESIGN rule 1: src/core and src/engine never import Ink or React, so --auto, --json and the tests of logic never load a UI.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/envs.js";
import { importedSpecifiers } from "../helpers/imports.js";

const coreDir = join(repoRoot, "src", "core");
const UI_PACKAGES = /^(ink|ink-[\w-]+|react|react-dom|react\/.*)$|^(\.\.\/)+ui\//;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourcesUnder(join(dir, entry.name)) : /\.(ts|tsx|mts|js)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}


describe("src/core and src/engine stay free of the UI", () => {
  it("finds the imports it is looking for (the scanner itself works)", () => {
    const sample = `import { render } from "ink";\nimport React from 'react';\nexport { x } from "../ui/app.js";\nconst m = await import("ink-spinner");\nimport "react/jsx-runtime";`;
    expect(importedSpecifiers(sample).filter((s) => UI_PACKAGES.test(s))).toEqual(["ink", "react", "../ui/app.js", "react/jsx-runtime", "ink-spinner"]);
  });

  it("no file under src/core or src/engine imports ink, react or src/ui", () => {
    const files = [...sourcesUnder(coreDir), ...sourcesUnder(join(repoRoot, "src", "engine"))];
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.flatMap((file) =>
      importedSpecifiers(readFileSync(file, "utf8"))
        .filter((specifier) => UI_PACKAGES.test(specifier))
        .map((specifier) => `${relative(repoRoot, file)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
    expect(files.some((file) => file.endsWith(".tsx"))).toBe(false);
  });

  it("only src/core/probe/processes.ts starts processes through execa (DESIGN rule 6: one module owns every child)", () => {
    const files = sourcesUnder(join(repoRoot, "src"));
    const users = files.filter((file) => importedSpecifiers(readFileSync(file, "utf8")).includes("execa")).map((file) => relative(repoRoot, file));
    expect(users).toEqual([join("src", "core", "probe", "processes.ts")]);
  });
});

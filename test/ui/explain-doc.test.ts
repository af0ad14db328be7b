// "Why did this happen?" comes from flows/<id>/explain.md at run time: found from src (tests) and from dist (the
// built CLI, where dist/flows holds only compiled code), and split into its four sections.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { contentToPlain } from "../../src/core/content.js";
import { explainDocPath, parseExplainDoc, readExplainDoc } from "../../src/engine/explain-doc.js";
import { repoRoot } from "../helpers/envs.js";

const sample = `# custom-layer-missing

## What happened
Keras found the name \`ScaledDense\` in the file and nothing that defines it.

## Why
- A \`.keras\` file stores **names**, not code.
- Keras looks names up in \`custom_objects\`.

## How to fix
Import the module before loading:

\`\`\`python
import keras
from my_layers import ScaledDense
model = keras.models.load_model("model.keras", custom_objects={"ScaledDense": ScaledDense})
\`\`\`

## See also
[Keras saving guide](https://keras.io/guides/serialization_and_saving/)
`;

describe("explain.md", () => {
  it("splits the four sections into content: inline code, lists, code blocks, links", () => {
    const doc = parseExplainDoc(sample)!;
    expect(contentToPlain(doc.whatHappened)).toBe("Keras found the name `ScaledDense` in the file and nothing that defines it.");
    expect(contentToPlain(doc.why)).toBe("• A `.keras` file stores names, not code.\n• Keras looks names up in `custom_objects`.");
    expect(doc.why[0]).toContainEqual({ kind: "strong", value: "names" });
    expect(doc.howToFix[1]).toEqual([
      { kind: "codeblock", language: "python", value: 'import keras\nfrom my_layers import ScaledDense\nmodel = keras.models.load_model("model.keras", custom_objects={"ScaledDense": ScaledDense})' },
    ]);
    expect(doc.seeAlso[0]).toContainEqual({ kind: "link", value: "https://keras.io/guides/serialization_and_saving/" });
  });

  it("is null when a section is missing", () => {
    expect(parseExplainDoc(sample.replace("## Why", "## Because"))).toBeNull();
  });

  it("resolves flows/<id>/explain.md at the package root from the source tree", () => {
    expect(explainDocPath("custom-layer-missing")).toBe(join(repoRoot, "flows", "custom-layer-missing", "explain.md"));
    expect(readExplainDoc("no-such-cause")).toBeNull();
    expect(readExplainDoc("../../etc")).toBeNull();
  });

  it("resolves the same path from the built module in dist/ (dist/flows has no .md files)", async () => {
    const built = join(repoRoot, "dist", "src", "engine", "explain-doc.js");
    expect(existsSync(built)).toBe(true);
    const module = (await import(pathToFileURL(built).href)) as { explainDocPath: (id: string) => string };
    expect(module.explainDocPath("file-not-found")).toBe(join(repoRoot, "flows", "file-not-found", "explain.md"));
  });
});

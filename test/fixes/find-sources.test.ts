// find-sources reads Python files without running them: definitions by name, the registered key a decorator gives,
// skipped virtualenvs and caches, ranking by how many missing names a file defines.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { definitionsIn, findSources, gitRootOf, registeredKeyOf } from "../../src/core/fixes/find-sources.js";
import { modelsDir } from "../helpers/envs.js";

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "kf-sources-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

describe("registeredKeyOf", () => {
  it("gives Keras' default package and name, keyword or positional", () => {
    expect(registeredKeyOf("@keras.saving.register_keras_serializable()", "Gate")).toBe("Custom>Gate");
    expect(registeredKeyOf('@register_keras_serializable(package="FixturePkg")', "Gate")).toBe("FixturePkg>Gate");
    expect(registeredKeyOf("@tf.keras.utils.register_keras_serializable('Pkg', 'gate_v2')", "Gate")).toBe("Pkg>gate_v2");
    expect(registeredKeyOf('@keras.utils.register_keras_serializable(name="N", package="P")', "Gate")).toBe("P>N");
  });

  it("knows no key for a bare decorator (it registers nothing) or a package held in a variable", () => {
    expect(registeredKeyOf("@keras.saving.register_keras_serializable", "Gate")).toBeNull();
    expect(registeredKeyOf("@register_keras_serializable(package=PACKAGE)", "Gate")).toBeNull();
  });
});

describe("definitionsIn", () => {
  it("finds classes, functions and module-level assignments, but not text inside strings or local variables", () => {
    const source = [
      '"""Docs: class ScaledDense(Layer) is described here."""',
      "import keras",
      "",
      "@keras.saving.register_keras_serializable(",
      '    package="FixturePkg",',
      ")",
      "class Gate(keras.layers.Layer):",
      "    pass",
      "",
      "try:",
      "    def swishy(x):",
      "        return x",
      "except ImportError:",
      "    pass",
      "",
      "def helper():",
      "    weighted_mse = 1",
      "",
      "weighted_mse = make_loss()",
    ].join("\n");
    const found = definitionsIn(source, "m.py", new Set(["Gate", "swishy", "weighted_mse", "ScaledDense"]));
    expect(found).toEqual([
      { name: "Gate", file: "m.py", line: 7, kind: "class", registeredKey: "FixturePkg>Gate" },
      { name: "swishy", file: "m.py", line: 11, kind: "function", registeredKey: null },
      { name: "weighted_mse", file: "m.py", line: 19, kind: "assignment", registeredKey: null },
    ]);
  });
});

describe("findSources", () => {
  it("ranks the file defining the most missing names first and skips venvs, site-packages and dot folders", async () => {
    const root = tree({
      "one.py": "class ScaledDense:\n    pass\n",
      "lib/both.py": "class ScaledDense:\n    pass\n\ndef swishy(x):\n    return x\n",
      "venv/pyvenv.cfg": "home = /usr\n",
      "venv/lib/python3.11/site-packages/pkg/layers.py": "class ScaledDense:\n    pass\n",
      "anyname/pyvenv.cfg": "home = /usr\n",
      "anyname/x.py": "def swishy(x):\n    pass\n",
      ".ipynb_checkpoints/old.py": "class ScaledDense:\n    pass\n",
      "node_modules/a/b.py": "class ScaledDense:\n    pass\n",
    });
    const matches = await findSources(["ScaledDense", "swishy"], [root]);
    expect(matches.map((m) => [m.file.slice(root.length + 1), m.name])).toEqual([
      ["lib/both.py", "ScaledDense"],
      ["lib/both.py", "swishy"],
      ["one.py", "ScaledDense"],
    ]);
  });

  it("reads the registered key of the real renamed fixture source (NewPkg, while the file stores OldPkg)", async () => {
    const matches = await findSources(["Gate2"], [join(modelsDir, "sources")]);
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ name: "Gate2", kind: "class", registeredKey: "NewPkg>Gate2" });
  });

  it("returns nothing for no names, and finds the git root by walking up", async () => {
    expect(await findSources([], [modelsDir])).toEqual([]);
    const root = tree({ ".git/HEAD": "ref: refs/heads/main\n", "a/b/c.py": "x = 1\n" });
    expect(gitRootOf(join(root, "a", "b"))).toBe(root);
  });
});

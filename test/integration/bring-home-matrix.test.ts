// The "brought home" column of docs/matrix.md (issue 23), made as its generator makes it: `node scripts/matrix-doc.mjs
// --home <saved-by>:<loaded-in>` reads the matrix tables and runs the real CLI (`--auto --json --try-versions
// --bring-home`) on each cell where bringing home applies. Here on a copy of the doc cut to two rows saved by Keras
// 3.15 and loaded in Keras 3.5: a versions cell (brought home and proven) and a custom-layer cell (bringing home
// does not apply: the code is missing, not a version). The trial environment is the one trial-env.test.ts builds.
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envCache, repoRoot, scratchDir } from "../helpers/envs.js";

const DOC = `# Which file loads where: the cross-version matrix

## Saved by \`keras3\` (Keras 3.15.1, tensorflow backend, Python 3.11.7)

| kind | file | in \`keras2\` | in \`keras3\` | in \`keras35-py312\` |
|---|---|---|---|---|
| plain | \`plain.keras\` | fails → \`keras3-file-in-keras2\` | loads | fails → \`file-from-newer-keras\` |
| custom_layer_unregistered | \`custom_layer_unregistered.keras\` | fails → \`custom-layer-missing\` | fails → \`custom-layer-missing\` | fails → \`custom-layer-missing\` |

## The failures, one line each
`;

describe("the matrix's brought-home column", () => {
  it("runs the CLI on the cells where bringing home applies and writes whether the copy was brought home and proven", () => {
    const dir = scratchDir();
    const doc = join(dir, "matrix.md");
    writeFileSync(doc, DOC);
    const run = spawnSync(process.execPath, [join(repoRoot, "scripts", "matrix-doc.mjs"), "--home", "keras3:keras35-py312"], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, KERAS_FIX_MATRIX_DOC: doc, KERAS_FIX_TRIAL_CACHE: join(envCache, "..", "trials") },
      timeout: 900_000,
    });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const written = readFileSync(doc, "utf8");
    // The tables stay as they were; the section follows them.
    expect(written.startsWith(DOC.trimEnd())).toBe(true);
    const rows = written.split("\n").filter((line) => line.startsWith("| `keras3`"));
    // Only the versions cell in a Keras 3 env: not the Keras 2 column, not the missing custom layer.
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^\| `keras3` \| `plain\.keras` \| `keras35-py312` \| `file-from-newer-keras` \| proven: keras>=3\.15\S* .*\| ✔ proven \(max diff [\d.e-]+, tolerance [\d.e-]+\) \|$/);
    expect(written).toContain("**1 cells, 1 brought home and proven.**");
    // A second run for another pair keeps this row as it was.
    copyFileSync(doc, join(dir, "before.md"));
    const again = spawnSync(process.execPath, [join(repoRoot, "scripts", "matrix-doc.mjs"), "--home", "keras2:keras3"], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, KERAS_FIX_MATRIX_DOC: doc },
      timeout: 300_000,
    });
    expect(again.status, again.stderr.slice(-2000)).toBe(0);
    expect(readFileSync(doc, "utf8")).toBe(readFileSync(join(dir, "before.md"), "utf8"));
  }, 1_200_000);
});

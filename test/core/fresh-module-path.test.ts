// Generated scripts that the user imports (a rebuilt model, a custom-objects skeleton) must be importable names:
// a model called my-model.v2.h5, or a second run beside the first one's script, still gives an identifier.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { freshModulePath } from "../../src/engine/effects.js";

describe("freshModulePath", () => {
  it("turns the stem into an identifier and counts with _N, never overwriting", () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-module-"));
    const first = freshModulePath(dir, "my-model.v2_rebuilt");
    expect(basename(first)).toBe("my_model_v2_rebuilt.py");
    writeFileSync(first, "");
    const second = freshModulePath(dir, "my-model.v2_rebuilt");
    expect(basename(second)).toBe("my_model_v2_rebuilt_2.py");
    expect(basename(freshModulePath(dir, "3d-unet_rebuilt"))).toBe("m_3d_unet_rebuilt.py");
    for (const path of [first, second]) expect(basename(path, ".py")).toMatch(/^[A-Za-z_]\w*$/);
  });
});

// unclassified: an error nobody recognises (a real Keras 3 load of a .keras whose config.json is cut) still shows
// the real error, the general checks phrased from the file, and ends by escalating.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { autoWalk, baseFor, causeOf, plainWalk } from "../catalogue/walk.js";
import { facts } from "../catalogue/facts.js";

const cause = causeOf("unclassified");

describe("unclassified", () => {
  it("shows the real error of a real failed load and escalates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-unclassified-"));
    const broken = join(dir, "broken.keras");
    // Rewrite a real .keras with its config.json cut in half, using the env's own zipfile module.
    const script = [
      "import sys, zipfile",
      "src = zipfile.ZipFile(sys.argv[1])",
      "with zipfile.ZipFile(sys.argv[2], 'w') as out:",
      "    for name in src.namelist():",
      "        data = src.read(name)",
      "        out.writestr(name, data[: len(data) // 2] if name == 'config.json' else data)",
      "import keras",
      "keras.models.load_model(sys.argv[2])",
    ].join("\n");
    const run = spawnSync(pythonFor("keras3"), ["-c", script, join(modelsDir, "keras3", "sequential.keras"), broken], {
      encoding: "utf8",
      env: { ...process.env, ...envVarsFor("keras3") },
    });
    expect(run.status).not.toBe(0);
    const base = baseFor(facts({ file: { format: "keras-zip", path: broken, kerasVersion: "3.15.1", customClasses: ["Gate"] } }), run.stderr);
    expect(base.diagnosis.cause).toBe("unclassified");
    expect(base.diagnosis.captures.exceptionType).toBe("json.decoder.JSONDecodeError");
    const walk = await autoWalk(cause, base);
    expect(walk.outcome).toBe("escalate");
    const text = plainWalk(walk);
    expect(text).toContain("json.decoder.JSONDecodeError: Expecting");
    expect(text).toMatch(/Custom objects: the file uses `Gate`/);
    expect(text).toContain("saved by Keras `3.15.1`");
    expect(text).toContain("keras-fix --json");
  });

  it("says there was nothing to show when there was no error", async () => {
    const walk = await autoWalk(cause, baseFor(facts({ file: { format: "h5-model", path: "m.h5" } }), null));
    expect(plainWalk(walk)).toContain("There was no Python error to show");
  });
});

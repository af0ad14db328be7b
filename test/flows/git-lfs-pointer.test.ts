// git-lfs-pointer: a real pointer file is recognised by the real inspector before Python runs; --auto explains and
// ends not-fixed; `git lfs pull` is only ever offered behind a consent option.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import type { Step } from "../../src/core/types.js";
import { autoWalk, baseFor, causeOf, failed, ok, plainWalk, walkWith } from "../catalogue/walk.js";
import { facts } from "../catalogue/facts.js";

const cause = causeOf("git-lfs-pointer");
const POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345678\n";

describe("git-lfs-pointer", () => {
  it("is found by the real inspector, and --auto explains without running anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kf-lfs-"));
    const model = join(dir, "model.h5");
    writeFileSync(model, POINTER);
    const session = createDiagnoseSession({ modelPath: model, timeoutSeconds: 60 });
    const result = await session.diagnose(() => {});
    await session.close();
    expect(result.diagnosis).toMatchObject({ cause: "git-lfs-pointer", culprit: model });
    const walk = await autoWalk(cause, { file: result.file, env: null, load: null, diagnosis: result.diagnosis!, modelPath: model });
    expect(walk.outcome).toBe("not-fixed");
    expect(walk.steps.map((s) => s.id)).toEqual(["explain", "how", "manual"]);
    const text = plainWalk(walk);
    expect(text).toContain("11.8 MB");
    expect(text).toContain(`git lfs pull --include "${model}"`);
  });

  it("offers git lfs pull only behind consent, as an argv, then verifies the load", () => {
    const how = cause.steps.find((s) => s.id === "how") as Extract<Step, { kind: "choice" }>;
    expect(how.options.find((o) => o.id === "pull")?.needsConsent?.risk).toMatch(/git lfs/);
    const base = baseFor(facts({ file: { format: "git-lfs-pointer", path: "weights/m.h5" } }), null);
    const pulled = walkWith(cause, base, { how: "pull", keep: "done" }, { pull: ok(), verify: ok() });
    expect(pulled.requests).toEqual([
      { kind: "run-command", argv: ["git", "lfs", "pull", "--include", "weights/m.h5"] },
      { kind: "verify-load", fix: {} },
    ]);
    expect(pulled.state.outcome).toBe("fixed");
    expect(walkWith(cause, base, { how: "pull" }, { pull: failed }).state.stepId).toBe("pull-failed");
    expect(walkWith(cause, base, { how: "pull" }, { pull: ok(), verify: failed }).state).toMatchObject({ stepId: "pulled", outcome: "not-fixed" });
  });

  it("does not claim 'file signature not found' for a file the inspector calls HTML", () => {
    const text = "OSError: Unable to synchronously open file (file signature not found)";
    expect(baseFor(facts({ file: { format: "html", path: "m.h5" } }), text).diagnosis.cause).toBe("not-a-model-file");
    expect(baseFor(facts({ file: { format: "git-lfs-pointer", path: "m.h5" } }), text).diagnosis.cause).toBe("git-lfs-pointer");
  });
});

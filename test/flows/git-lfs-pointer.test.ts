// git-lfs-pointer: a real pointer file is recognised by the real inspector before Python runs; --auto explains and
// ends not-fixed; `git lfs pull` is only ever offered behind a consent option, and only where it can work: inside a
// repository, with Git LFS installed (issue 21). Elsewhere the walk says why not, and what to do instead.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitLfsInstalled, lfsRoute } from "../../flows/git-lfs-pointer/where.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { gitRootOf } from "../../src/core/fixes/find-sources.js";
import { contextFor, startWalk, visibleOptions } from "../../src/engine/step-machine.js";
import type { Step } from "../../src/core/types.js";
import { autoWalk, baseFor, causeOf, failed, ok, plainWalk, walkWith } from "../catalogue/walk.js";
import { facts } from "../catalogue/facts.js";
import { jsonOf, runCli } from "../helpers/cli.js";

/** A folder with a pointer at sub/model.h5; `repo` adds a .git at its root. */
function pointerIn(repo: boolean): { root: string; model: string } {
  const root = mkdtempSync(join(tmpdir(), "kf-lfs-"));
  if (repo) mkdirSync(join(root, ".git"));
  mkdirSync(join(root, "sub"));
  const model = join(root, "sub", "model.h5");
  writeFileSync(model, POINTER);
  return { root, model };
}

/** A folder holding a program named git-lfs (it is never run here). */
function fakeGitLfs(): string {
  const dir = mkdtempSync(join(tmpdir(), "kf-lfs-bin-"));
  writeFileSync(join(dir, "git-lfs"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(dir, "git-lfs"), 0o755);
  return dir;
}

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
    // A temporary folder is no repository: the walk says so, and what to do instead.
    expect(walk.steps.map((s) => s.id)).toEqual(["explain", "how", "instead"]);
    const text = plainWalk(walk);
    expect(text).toContain("11.8 MB");
    expect(text).toContain("is not inside a git repository (no .git folder above it), so git lfs cannot fetch it from here.");
    expect(text).toContain("Download the real file from where this one came");
    expect(text).not.toContain("git lfs pull --include");
  });

  it("knows where git lfs pull can run: a repository above the model, and a git-lfs program", () => {
    const bin = fakeGitLfs();
    const empty = mkdtempSync(join(tmpdir(), "kf-lfs-nobin-"));
    expect(gitLfsInstalled({ PATH: bin }, [])).toBe(true);
    expect(gitLfsInstalled({ PATH: empty }, [])).toBe(false);
    expect(gitLfsInstalled({ PATH: empty }, [bin])).toBe(true);
    const inRepo = pointerIn(true);
    expect(lfsRoute(inRepo.model, { PATH: bin }, [])).toEqual({ root: inRepo.root, include: "sub/model.h5", gitLfs: true });
    expect(lfsRoute(pointerIn(false).model, { PATH: bin }, []).root).toBeNull();
  });

  it("offers git lfs pull only where it can work, run from the repository's root with the path relative to it", () => {
    const { root, model } = pointerIn(true);
    const base = baseFor(facts({ file: { format: "git-lfs-pointer", path: model } }), null);
    const how = cause.steps.find((s) => s.id === "how") as Extract<Step, { kind: "choice" }>;
    const optionsWith = (path: string) => {
      const saved = process.env.PATH;
      process.env.PATH = path;
      try {
        return visibleOptions(how, contextFor(base, startWalk(cause))).map((o) => o.id);
      } finally {
        process.env.PATH = saved;
      }
    };
    expect(optionsWith(fakeGitLfs())).toEqual(["manual", "pull"]);
    // Git LFS not installed: no pull (git's own exec-path folders are looked at too, so only where none has it).
    if (!gitLfsInstalled({ PATH: "" })) {
      expect(optionsWith(mkdtempSync(join(tmpdir(), "kf-lfs-nobin-")))).toEqual(["instead"]);
      const text = walkWith(cause, base, {}).text;
      expect(text).toContain("Git LFS is not installed here");
      expect(text).toMatch(new RegExp(`cd ${root}\\n +git lfs install\\n +git lfs pull --include sub/model\\.h5`));
    }
    const saved = process.env.PATH;
    process.env.PATH = fakeGitLfs();
    try {
      const pulled = walkWith(cause, base, { how: "pull", keep: "done" }, { pull: ok(), verify: ok() });
      expect(pulled.requests).toEqual([
        { kind: "run-command", argv: ["git", "-C", root, "lfs", "pull", "--include", "sub/model.h5"] },
        { kind: "verify-load", fix: {} },
      ]);
      expect(pulled.state.outcome).toBe("fixed");
    } finally {
      process.env.PATH = saved;
    }
  });

  it("--auto in a repository without Git LFS: says it is not installed and gives the commands from the root", () => {
    const { root, model } = pointerIn(true);
    const empty = mkdtempSync(join(tmpdir(), "kf-lfs-nobin-"));
    const doc = jsonOf(runCli([model, "--auto", "--json"], { env: { PATH: `${empty}:${process.env.PATH}` } }));
    expect(doc.diagnosis.cause).toBe("git-lfs-pointer");
    const text = (doc.walk.steps as { text: string }[]).map((s) => s.text).join("\n");
    if (gitLfsInstalled()) {
      expect(text).toContain(`From the repository's root ${root}, \`git lfs pull --include sub/model.h5\``);
    } else {
      expect(doc.walk.steps.map((s: { id: string }) => s.id)).toEqual(["explain", "how", "instead"]);
      expect(text).toContain("Git LFS is not installed here");
      expect(text).toContain("git lfs pull --include sub/model.h5");
    }
  });

  it("offers git lfs pull only behind consent, as an argv, then verifies the load", () => {
    const how = cause.steps.find((s) => s.id === "how") as Extract<Step, { kind: "choice" }>;
    expect(how.options.find((o) => o.id === "pull")?.needsConsent?.risk).toMatch(/git lfs/);
    const base = baseFor(facts({ file: { format: "git-lfs-pointer", path: "weights/m.h5" } }), null);
    const pulled = walkWith(cause, base, { how: "pull", keep: "done" }, { pull: ok(), verify: ok() });
    expect(pulled.requests).toEqual([
      // A relative path is read from here: this checkout is the repository it is run in.
      { kind: "run-command", argv: ["git", "-C", gitRootOf(process.cwd()), "lfs", "pull", "--include", "weights/m.h5"] },
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

describe("git-lfs-pointer culprit on a paste (issue 22)", () => {
  it("names the file the code before a bare error line loads", () => {
    const text = ["from keras.models import load_model", "model = load_model('weights/unet_v2.h5')", "", "OSError: Unable to open file (file signature not found)"].join("\n");
    expect(baseFor(facts(), text).diagnosis).toMatchObject({ cause: "git-lfs-pointer", culprit: "weights/unet_v2.h5" });
  });
});

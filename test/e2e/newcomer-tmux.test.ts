// The wizard as a newcomer meets it (issue 21), in a real terminal:
// - the quick start on a Python without Keras does not stop at "install Keras": it says what the model needs next
//   (its custom layer's code), read from the file;
// - "Run git lfs pull now" is offered only where it can work: not for a pointer outside a repository (the walk says
//   what to do instead), and inside one with Git LFS installed it runs from the repository's root and fetches the
//   real file, which then loads.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonOf, runCli } from "../helpers/cli.js";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { END_WITH_SUMMARY, EXIT_MARK, exitCodeOn, nextStep, pick, tmuxSession, typeYes } from "./session.js";
import { hints, liveOptions, type Terminal } from "./tmux.js";

const POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345678\n";
const session = tmuxSession();
const folder = session.folder;

function start(name: string, dir: string, args: string[], env: Record<string, string> = {}): Terminal {
  return session.start(name, dir, args, { env, size: { columns: 100, rows: 50 } });
}

const flat = (screen: string) => screen.replace(/\s+/g, " ");

describe("the quick start with a Python without Keras", () => {
  it("gives the pip line, then says the model will need its custom layer's code", async () => {
    const dir = folder("kf-bare-");
    copyFileSync(join(modelsDir, "keras3", "custom_layer_unregistered.keras"), join(dir, "custom_layer_unregistered.keras"));
    const term = start("bare", dir, ["custom_layer_unregistered.keras", "--python", pythonFor("bare")]);
    let screen = await nextStep(term, "", 60_000);
    expect(screen).toContain("Keras is not installed");
    for (let step = 0; step < 6 && !/Enter: finish/.test(hints(screen)); step++) {
      const previous = screen;
      if (/Enter: continue/.test(hints(screen))) term.send("Enter");
      else pick(term, screen, /Show me the command/);
      screen = await nextStep(term, previous, 120_000);
    }
    screen = await term.waitFor(END_WITH_SUMMARY, 10_000);
    expect(flat(screen)).toMatch(/pip install "keras>=3\.15" tensorflow/);
    expect(flat(screen)).toMatch(/Then the model needs more: custom_layer_unregistered\.keras also needs, once Keras is installed,/);
    expect(flat(screen)).toMatch(/the Python code of its custom layer ScaledDense \(saved from the module fixture_layers\)/);
    expect(flat(screen)).toContain("--custom-objects file.py");
    term.send("Enter");
    expect(exitCodeOn(await term.waitFor(EXIT_MARK, 30_000))).toBe("1");
  });
});

describe("git lfs pull, offered only where it can work", () => {
  it("a pointer outside any repository: no pull offered; the walk says why and what to do instead", async () => {
    const dir = folder("kf-lfs-norepo-");
    writeFileSync(join(dir, "model.h5"), POINTER);
    const term = start("lfs-norepo", dir, ["model.h5"]);
    let screen = await nextStep(term, "", 60_000);
    for (let step = 0; step < 6 && !/Enter: finish/.test(hints(screen)); step++) {
      const previous = screen;
      if (/Enter: continue/.test(hints(screen))) {
        term.send("Enter");
      } else {
        expect(liveOptions(screen).join("\n")).not.toMatch(/git lfs pull/i);
        pick(term, screen, /what to do instead/);
      }
      screen = await nextStep(term, previous, 120_000);
    }
    screen = await term.waitFor(END_WITH_SUMMARY, 10_000);
    expect(flat(screen)).toContain("is not inside a git repository (no .git folder above it), so git lfs cannot fetch it from here.");
    expect(flat(screen)).toContain("Download the real file from where this one came");
    expect(screen).not.toMatch(/Run git lfs pull/);
    term.send("Enter");
    await term.waitFor(EXIT_MARK, 30_000);
  });

  it("inside a repository with Git LFS: runs it from the repository's root, and the real model is then there and loads", async () => {
    const repo = folder("kf-lfs-repo-");
    mkdirSync(join(repo, ".git"));
    mkdirSync(join(repo, "models"));
    const pointer = join(repo, "models", "model.keras");
    writeFileSync(pointer, POINTER);
    // Stands in for Git LFS: `git -C <root> lfs pull --include models/model.keras` fetches the real file.
    const bin = folder("kf-lfs-bin-");
    const real = join(modelsDir, "keras3", "sequential.keras");
    writeFileSync(
      join(bin, "git-lfs"),
      `#!/bin/sh\n[ "$1" = pull ] && [ "$2" = --include ] && [ "$3" = models/model.keras ] && [ "$(pwd -P)" = "$(cd ${JSON.stringify(repo)} && pwd -P)" ] && cp ${JSON.stringify(real)} "$3" && exit 0\necho "unexpected: $* in $(pwd)" >&2; exit 1\n`,
    );
    chmodSync(join(bin, "git-lfs"), 0o755);
    // Started in the model's folder, as a user who cd'ed there: the pull still runs from the root.
    const term = start("lfs-repo", join(repo, "models"), ["model.keras", "--python", pythonFor("keras3")], {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      ...envVarsFor("keras3"),
    });
    let screen = await nextStep(term, "", 60_000);
    const picked: string[] = [];
    for (let step = 0; step < 12 && !/Enter: finish/.test(hints(screen)); step++) {
      const previous = screen;
      if (/Enter: continue/.test(hints(screen))) {
        term.send("Enter");
      } else if (/Enter: submit/.test(hints(screen))) {
        // The typed answer is on screen before Enter goes: a person reads what they typed.
        await typeYes(term);
      } else {
        picked.push(pick(term, screen, /Run git lfs pull for models\/model\.keras now|Nothing more|No, that's all/));
      }
      screen = await nextStep(term, previous, 180_000);
    }
    screen = await term.waitFor(END_WITH_SUMMARY, 10_000);
    expect(picked[0]).toMatch(/^Run git lfs pull for models\/model\.keras now/);
    expect(flat(screen)).toContain(`git -C ${repo} lfs pull --include models/model.keras exited with 0.`);
    expect(readFileSync(pointer)).toEqual(readFileSync(real));
    // The pointer started no Python; the load after the pull starts one, and the walk proves the download there.
    expect(flat(screen)).toMatch(/the model loads/);
    term.send("Enter");
    await term.waitFor(EXIT_MARK, 30_000);
    // What the walk then says to do, run: the real file loads.
    const again = runCli([pointer, "--auto", "--json", "--python", pythonFor("keras3")], { env: envVarsFor("keras3") });
    expect(jsonOf(again).outcome).toBe("loads");
    expect(again.status).toBe(0);
  }, 300_000);
});

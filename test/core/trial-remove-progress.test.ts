// `keras-fix envs --remove` said nothing for the 30 s it took to size and delete a TensorFlow venv (issue 21). It now
// says where it looks, then each environment as it goes (in a terminal, a line redrawn with the megabytes removed).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliPath } from "../helpers/envs.js";
import { removeTrials, type RemoveProgress } from "../../src/core/trial/environment.js";

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A trial cache with one venv-shaped environment: packages of files under lib/python3.11/site-packages. */
function cacheWithEnv(name: string): string {
  const cache = mkdtempSync(join(tmpdir(), "kf-remove-"));
  folders.push(cache);
  const site = join(cache, name, "lib", "python3.11", "site-packages");
  for (let p = 0; p < 20; p++) {
    mkdirSync(join(site, `package${p}`), { recursive: true });
    for (let f = 0; f < 5; f++) writeFileSync(join(site, `package${p}`, `module${f}.py`), Buffer.alloc(100_000, 35));
  }
  mkdirSync(join(cache, name, "bin"));
  writeFileSync(join(cache, name, "bin", "python"), "");
  return cache;
}

describe("removing trial environments", () => {
  it("reports the bytes removed, part by part, up to the whole environment", () => {
    const cache = cacheWithEnv("py3.11-aaaaaaaaaaaa");
    const seen: RemoveProgress[] = [];
    expect(removeTrials({ all: true }, { KERAS_FIX_TRIAL_CACHE: cache }, (progress) => seen.push(progress))).toEqual(["py3.11-aaaaaaaaaaaa"]);
    expect(seen.length).toBeGreaterThan(20);
    expect(seen[0]).toMatchObject({ doneBytes: 0, totalBytes: 10_000_000 });
    expect(seen.at(-1)).toMatchObject({ doneBytes: 10_000_000, totalBytes: 10_000_000 });
    expect(seen.every((p, i) => i === 0 || p.doneBytes >= seen[i - 1].doneBytes)).toBe(true);
    expect(existsSync(join(cache, "py3.11-aaaaaaaaaaaa"))).toBe(false);
  });

  it("keras-fix envs --remove --all says what it does on stderr, and keeps --json's stdout one document", () => {
    const cache = cacheWithEnv("py3.11-bbbbbbbbbbbb");
    const run = spawnSync("node", [cliPath, "envs", "--remove", "--all"], { env: { ...process.env, KERAS_FIX_TRIAL_CACHE: cache }, encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`Looking at the trial environments in ${cache}`);
    expect(run.stderr).toContain("Removing py3.11-bbbbbbbbbbbb (9.5 MB)…");
    expect(run.stderr).toContain("Removed py3.11-bbbbbbbbbbbb.");
    expect(run.stdout).toBe("Removed py3.11-bbbbbbbbbbbb.\n");

    const again = cacheWithEnv("py3.11-cccccccccccc");
    const json = execFileSync("node", [cliPath, "envs", "--remove", "--all", "--json"], { env: { ...process.env, KERAS_FIX_TRIAL_CACHE: again }, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    expect(JSON.parse(json)).toEqual({ schemaVersion: 1, removed: ["py3.11-cccccccccccc"] });
  });
});

// The trial environment's mechanics that need no Python: where its interpreter comes from (pyenv, conda, PATH, uv:
// fake folders and fake `conda`/`uv` programs on PATH), the lock two keras-fix processes share, the download
// estimate against pip's cache, and pip's output read as progress. The real venv + pip + load is in
// test/integration/trial*.test.ts.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeEstimate, estimateDownload, pipHasCached, plannedFiles } from "../../src/core/trial/download.js";
import { cpuWheelsWherePossible, PipProgressReader, removeTrials } from "../../src/core/trial/environment.js";
import { acquireTrialLock } from "../../src/core/trial/lock.js";
import { tryVersions } from "../../src/core/trial/actions.js";
import { installPlanFor, type PlanProof } from "../../src/core/versions/plans.js";
import { condaEnvironments, findPythonOfMinor } from "../../src/core/trial/python.js";

function fakeExecutable(path: string, body = "#!/bin/sh\nexit 0\n"): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, body);
  chmodSync(path, 0o755);
  return path;
}

const scratch = () => mkdtempSync(join(tmpdir(), "keras-fix-trial-mech-"));

describe("the trial's Python", () => {
  it("finds conda environments in the usual folders when conda is not on PATH", async () => {
    const home = scratch();
    const python = fakeExecutable(join(home, "miniconda3", "envs", "py311", "bin", "python3.11"));
    fakeExecutable(join(home, "anaconda3", "bin", "python3.9"));
    const env = { HOME: home, PYENV_ROOT: join(home, "no-pyenv"), PATH: join(home, "empty") };
    expect(await condaEnvironments(env)).toEqual(expect.arrayContaining([join(home, "miniconda3", "envs", "py311"), join(home, "anaconda3")]));
    expect(await findPythonOfMinor("3.11", null, env)).toEqual({ path: python, source: "conda" });
    expect(await findPythonOfMinor("3.9", null, env)).toEqual({ path: join(home, "anaconda3", "bin", "python3.9"), source: "conda" });
  });

  it("asks `conda env list --json` when conda is on PATH, and `uv python find` when uv is", async () => {
    const home = scratch();
    const bin = join(home, "bin");
    const condaEnv = join(home, "elsewhere", "tf215");
    const condaPython = fakeExecutable(join(condaEnv, "bin", "python3.10"));
    fakeExecutable(join(bin, "conda"), `#!/bin/sh\n[ "$1 $2 $3" = "env list --json" ] && echo '{"envs": ["${condaEnv}"]}'\n`);
    const uvPython = fakeExecutable(join(home, "uv", "cpython-3.13", "bin", "python3.13"));
    fakeExecutable(join(bin, "uv"), `#!/bin/sh\n[ "$1 $2 $3 $4" = "python find --system 3.13" ] && echo "${uvPython}" && exit 0\nexit 2\n`);
    const env = { HOME: home, PYENV_ROOT: join(home, "no-pyenv"), PATH: bin };
    expect(await findPythonOfMinor("3.10", null, env)).toEqual({ path: condaPython, source: "conda" });
    expect(await findPythonOfMinor("3.13", null, env)).toEqual({ path: uvPython, source: "uv" });
    expect(await findPythonOfMinor("3.8", null, env)).toBeNull();
    // The user's own interpreter comes first when its minor fits.
    const mine = fakeExecutable(join(home, "venv", "bin", "python"));
    expect(await findPythonOfMinor("3.10", { path: mine, version: "3.10.4" }, env)).toEqual({ path: mine, source: "yours" });
  });

  it("takes tensorflow-cpu for tensorflow on Linux x86_64, unless tf_keras would pull the full wheel in", () => {
    expect(cpuWheelsWherePossible(["tensorflow==2.15.*"], "linux-x64")).toEqual(["tensorflow-cpu==2.15.*"]);
    expect(cpuWheelsWherePossible(["tensorflow==2.16.*", "tf_keras==2.16.*"], "linux-x64")).toEqual(["tensorflow==2.16.*", "tf_keras==2.16.*"]);
    expect(cpuWheelsWherePossible(["tensorflow==2.15.*"], "darwin-arm64")).toEqual(["tensorflow==2.15.*"]);
    expect(cpuWheelsWherePossible(["keras>=3.15", "tensorflow-io==0.37"], "linux-x64")).toEqual(["keras>=3.15", "tensorflow-io==0.37"]);
  });
});

describe("candidate plans", () => {
  it("tries at most 3 plans that install something, skips (without counting) one that installs nothing, and says each", async () => {
    const [base] = installPlanFor({ fileKerasVersion: "3.15.1", fileLine: "keras3", userPython: "3.12.1", currentPackages: { keras: "3.5.0" } });
    // No Python can satisfy these: each attempt stops at finding one, without building anything.
    const impossible = (n: number) => ({ ...base, packages: [`"keras==3.${n}.*"`], pythonOk: false, requiresPython: ">=3.99" });
    const plans = [{ ...base, packages: [] }, impossible(10), impossible(11), impossible(12), impossible(13)];
    const result = await tryVersions(plans, { modelPath: "/m.keras", facts: { file: null, env: null, load: null } as never, probe: () => expect.unreachable() });
    const proofs = result.data?.proofs as PlanProof[];
    expect(result.ok).toBe(false);
    expect(proofs.map((proof) => [proof.attempt, proof.stage])).toEqual([[null, "python"], [1, "python"], [2, "python"], [3, "python"]]);
    expect(proofs[0].message).toMatch(/installs nothing/);
    expect(proofs[1].message).toMatch(/no Python/);
  });
});

describe("the trial lock", () => {
  it("lets one holder in at a time, takes over a dead owner's lock, and is gone once released", async () => {
    const dir = scratch();
    const path = join(dir, "py3.11-abc.lock");
    const first = await acquireTrialLock(path, { timeoutMs: 5_000 });
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.pid);
    // A second holder in the same process waits until the first lets go (the owner is alive: us).
    let waitedFor: number | null = null;
    const second = acquireTrialLock(path, { timeoutMs: 5_000, pollMs: 20, onWait: (pid) => (waitedFor = pid) }).then((lock) => lock);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(waitedFor).toBe(process.pid);
    first.release();
    (await second).release();
    expect(existsSync(path)).toBe(false);

    // A lock left by a process that no longer exists (SIGKILLed mid-install) is stale: taken over at once.
    const dead = spawn(process.execPath, ["-e", ""]);
    const deadPid = dead.pid!;
    await new Promise((resolve) => dead.once("exit", resolve));
    writeFileSync(path, JSON.stringify({ pid: deadPid, host: (await import("node:os")).hostname(), since: "then" }));
    const taken = await acquireTrialLock(path, { timeoutMs: 1_000, onWait: () => expect.unreachable("a stale lock is not waited for") });
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.pid);
    taken.release();
    // Half a lock (the owner died between creating and writing it) is stale too.
    writeFileSync(path, "");
    (await acquireTrialLock(path, { timeoutMs: 1_000 })).release();
  });

  it("keras-fix envs --remove leaves an environment alone while a live keras-fix builds it, and takes stale locks along", () => {
    const cache = scratch();
    for (const name of ["py3.12-aaaaaaaaaaaa", "py3.11-bbbbbbbbbbbb"]) mkdirSync(join(cache, name));
    writeFileSync(join(cache, "py3.12-aaaaaaaaaaaa.lock"), JSON.stringify({ pid: process.pid, host: "h", since: "now" }));
    writeFileSync(join(cache, "py3.11-bbbbbbbbbbbb.lock"), JSON.stringify({ pid: 2 ** 22 + 1, host: "h", since: "then" }));
    const env = { KERAS_FIX_TRIAL_CACHE: cache };
    expect(() => removeTrials({ name: "py3.12-aaaaaaaaaaaa" }, env)).toThrow(/being built by keras-fix \(pid \d+\)/);
    expect(removeTrials({ all: true }, env)).toEqual(["py3.11-bbbbbbbbbbbb"]);
    expect(readdirSync(cache).sort()).toEqual(["py3.12-aaaaaaaaaaaa", "py3.12-aaaaaaaaaaaa.lock"]);
  });

  it("gives up after its time limit while a live process holds it", async () => {
    const path = join(scratch(), "held.lock");
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(path, JSON.stringify({ pid: holder.pid, host: (await import("node:os")).hostname(), since: "now" }));
      await expect(acquireTrialLock(path, { timeoutMs: 200, pollMs: 20 })).rejects.toThrow(new RegExp(`pid ${holder.pid}`));
    } finally {
      holder.kill("SIGKILL");
    }
  });
});

describe("the download estimate", () => {
  const report = JSON.stringify({
    install: [
      { download_info: { url: "https://files.pythonhosted.org/packages/aa/bb/tensorflow_cpu-2.15.1-cp311-cp311-manylinux_2_17_x86_64.whl" }, metadata: { name: "tensorflow-cpu", version: "2.15.1" } },
      { download_info: { url: "https://files.pythonhosted.org/packages/cc/dd/numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl" }, metadata: { name: "numpy", version: "1.26.4" } },
      { download_info: { url: "file:///wheels/local-1.0-py3-none-any.whl" }, metadata: { name: "local", version: "1.0" } },
    ],
  });

  it("adds PyPI's file sizes and counts what pip's HTTP cache already has", async () => {
    const cacheDir = scratch();
    const numpyUrl = plannedFiles(report)[1].url;
    const key = createHash("sha224").update(numpyUrl).digest("hex");
    const cached = join(cacheDir, "http-v2", key.slice(0, 2), key.slice(2, 4), key.slice(4, 6), key.slice(6, 8));
    mkdirSync(cached, { recursive: true });
    writeFileSync(join(cached, `${key}.body`), "");
    expect(pipHasCached(numpyUrl, cacheDir)).toBe(true);
    // PyPI's JSON API as it answers (per-release `urls`, with `size`); the real one is asked in the integration test.
    const sizes: Record<string, { filename: string; size: number }[]> = {
      "tensorflow-cpu": [{ filename: "tensorflow_cpu-2.15.1-cp311-cp311-manylinux_2_17_x86_64.whl", size: 207_000_000 }],
      numpy: [{ filename: "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl", size: 18_000_000 }],
    };
    const fetcher = (async (url: string) => {
      const name = /pypi\/([^/]+)\//.exec(url)![1];
      return new Response(JSON.stringify({ urls: sizes[name] }), { status: 200 });
    }) as typeof fetch;
    const estimate = await estimateDownload(report, { fetcher, cacheDir });
    expect(estimate).toEqual({ totalBytes: 225_000_000, cachedBytes: 18_000_000, files: 2, unknown: 0 });
    // A HEAD of the file's own URL answers first when the host gives its length (files.pythonhosted.org does).
    const byHead = (async (url: string, init?: RequestInit) =>
      init?.method === "HEAD" ? new Response(null, { status: 200, headers: { "content-length": url.includes("numpy") ? "1000000" : "2000000" } }) : fetcher(url, init)) as typeof fetch;
    expect(await estimateDownload(report, { fetcher: byHead, cacheDir })).toEqual({ totalBytes: 3_000_000, cachedBytes: 1_000_000, files: 2, unknown: 0 });
    expect(describeEstimate(estimate)).toBe("about 207 MB to download (18 MB more already in pip's cache)");
  });

  it("offline, says how many files and that their sizes are unknown", async () => {
    const offline = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    const estimate = await estimateDownload(report, { fetcher: offline, cacheDir: scratch() });
    expect(estimate).toMatchObject({ totalBytes: 0, files: 2, unknown: 2 });
    expect(describeEstimate(estimate)).toMatch(/2 files to download \(their sizes could not be read/);
  });
});

describe("pip's output as progress", () => {
  it("reads pip ≥ 24.1's raw progress and older pips' Collecting/Downloading lines", () => {
    const reader = new PipProgressReader({ totalBytes: 300_000_000, cachedBytes: 0, files: 2, unknown: 0 });
    expect(reader.feed("Collecting tensorflow-cpu==2.15.*")).toMatchObject({ package: "tensorflow-cpu", doneBytes: 0, totalBytes: 300_000_000 });
    expect(reader.feed("  Downloading tensorflow_cpu-2.15.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (207.2 MB)")).toMatchObject({ package: "tensorflow-cpu", doneBytes: 0 });
    expect(reader.feed("Progress 100000000 of 207200000")).toMatchObject({ doneBytes: 100_000_000 });
    expect(reader.feed("Collecting numpy<2")).toMatchObject({ package: "numpy", doneBytes: 207_200_000 });
    expect(reader.feed("  Downloading numpy-1.26.4-cp311.whl (18.3 MB)")).toMatchObject({ package: "numpy" });
    expect(reader.feed("  Using cached six-1.16.0-py2.py3-none-any.whl (11 kB)")).toBeNull();
    expect(reader.feed("Installing collected packages: numpy, tensorflow-cpu")).toMatchObject({ phase: "install", doneBytes: 225_500_000 });
    // Without an estimate the total is unknown and the bytes still count up.
    const bare = new PipProgressReader(null);
    bare.feed("  Downloading https://files.pythonhosted.org/packages/x/keras-3.15.1-py3-none-any.whl (2.4 MB)");
    expect(bare.feed("Installing collected packages: keras")).toMatchObject({ totalBytes: null, doneBytes: 2_400_000 });
  });
});

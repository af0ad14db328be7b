// Safety: the user's model is never changed; no Python outlives keras-fix (after a normal run, a probe timeout,
// SIGINT, SIGTERM, even SIGKILL); and neither --auto nor a run without a terminal ever deserialises a Lambda
// unsafely: a real Lambda that touches a canary file when called proves it at the Python level.
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath, pythonFor } from "../helpers/envs.js";
import { commandLineOf, descendantsOf, fixture, isAlive, pollUntil, runBounded, runCli, stackTraceIn, withUnchangedBytes } from "./helpers.js";

// The probe worker watches its parent every 0.5 s; a few seconds is a generous bound for it to notice and exit.
const GONE_WITHIN_MS = 20_000;

let dir: string;
let canaryKeras: string;
let canaryH5: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "keras-fix-safety-"));
  canaryKeras = join(dir, "canary_lambda.keras");
  canaryH5 = join(dir, "canary_lambda.h5");
  const made = await runBounded([pythonFor("keras3"), new URL("make_canary_lambda.py", import.meta.url).pathname, canaryKeras, canaryH5], { timeoutMs: 300_000 });
  expect(made.code, made.stderr.slice(-1500)).toBe(0);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Spawns the built CLI and records every process it starts (pid → command line when first seen) while it runs. */
function spawnWatched(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const seen = new Map<number, string[]>();
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const watcher = setInterval(() => {
    // Read the command line again on every tick: a child seen between fork and exec still shows node's argv.
    if (!child.pid) return;
    for (const pid of descendantsOf(child.pid)) {
      const argv = commandLineOf(pid);
      if (argv.length > 0) seen.set(pid, argv);
      else if (!seen.has(pid)) seen.set(pid, argv);
    }
  }, 25);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => {
      clearInterval(watcher);
      resolve({ code, signal });
    });
  });
  return { child, seen, exited, output: () => ({ stdout, stderr }) };
}

async function expectAllGone(pids: Iterable<number>): Promise<void> {
  const list = [...pids];
  const gone = await pollUntil(() => list.every((pid) => !isAlive(pid)), GONE_WITHIN_MS);
  const left = list.filter(isAlive).map((pid) => `${pid}: ${commandLineOf(pid).join(" ")}`);
  expect(gone, `still running: ${left.join("; ")}`).toBe(true);
}

describe("the model file is never changed", () => {
  it("keeps every byte of failing fixtures through a whole --auto walk", async () => {
    const python = pythonFor("keras3");
    for (const model of ["keras3/custom_layer_unregistered.keras", "keras3/lambda_layer.h5", "keras2/savedmodel_keras"]) {
      const path = fixture(model);
      await withUnchangedBytes(path, async () => {
        const run = await runCli([path, "--auto", "--json", "--python", python]);
        expect([0, 1, 2, 3], `${model}: ${run.stderr.slice(-800)}`).toContain(run.code);
        expect(run.leftover).toEqual([]);
      });
    }
  });

  it("withUnchangedBytes notices a change", async () => {
    const path = join(dir, "changes.bin");
    writeFileSync(path, "before");
    await expect(withUnchangedBytes(path, () => writeFileSync(path, "after"))).rejects.toThrow(/changed/);
  });
});

describe("no Python outlives keras-fix", () => {
  it("after a normal --auto run", async () => {
    const run = spawnWatched([fixture("keras3/custom_layer_unregistered.keras"), "--auto", "--json", "--python", pythonFor("keras3")]);
    const { code } = await run.exited;
    expect(code, run.output().stderr.slice(-800)).toBe(1);
    expect(run.seen.size).toBeGreaterThan(0);
    await expectAllGone(run.seen.keys());
  });

  it("after the probe's timeout on a real TensorFlow import (--timeout 1)", async () => {
    const run = spawnWatched([fixture("keras3/sequential.keras"), "--auto", "--json", "--timeout", "1", "--python", pythonFor("keras3")]);
    const { code } = await run.exited;
    const { stdout, stderr } = run.output();
    expect(code, stderr.slice(-800)).toBe(2);
    expect(stackTraceIn(stderr + stdout)).toBeNull();
    // "did not finish starting and importing Keras within 1 s" (src/core/probe/probe.ts): the limit the user set, named.
    expect(JSON.parse(stdout).error.message).toMatch(/\b1 s\b|timeout|time limit/i);
    expect(run.seen.size).toBeGreaterThan(0);
    await expectAllGone(run.seen.keys());
  });

  // A wrapper that execs (as pyenv shims do) and one that forks: neither the worker nor its own children may stay.
  for (const [label, body] of [["execs", "exec sleep 600"], ["forks a child", "sleep 600"]] as const) {
    it(`after the timeout of an interpreter that never answers (a wrapper that ${label})`, async () => {
      const fake = join(dir, `slow-python-${label.replace(/\W/g, "-")}`);
      writeFileSync(fake, `#!/bin/sh\n# Never speaks the probe protocol: sleeps where Python would import Keras.\n${body}\n`);
      chmodSync(fake, 0o755);
      const run = spawnWatched([fixture("keras3/sequential.keras"), "--auto", "--json", "--timeout", "1", "--python", fake]);
      const { code } = await run.exited;
      expect(code, run.output().stderr.slice(-800)).toBe(2);
      expect([...run.seen.values()].some((argv) => argv.includes("sleep") || argv.includes(fake)), JSON.stringify([...run.seen])).toBe(true);
      await expectAllGone(run.seen.keys());
    });
  }

  for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
    it(`after ${signal} to keras-fix while Python is loading`, async () => {
      const run = spawnWatched([fixture("keras3/custom_layer_unregistered.keras"), "--auto", "--json", "--python", pythonFor("keras3")]);
      const pythonSeen = await pollUntil(() => [...run.seen.values()].some((argv) => basename(argv[0] ?? "").startsWith("python")), 120_000);
      expect(pythonSeen, "a Python child appeared").toBe(true);
      run.child.kill(signal);
      const { code, signal: endedBy } = await run.exited;
      if (signal === "SIGKILL") expect(endedBy).toBe("SIGKILL");
      else expect(code === 130 || endedBy === signal, `exit ${code} ${endedBy}`).toBe(true);
      await expectAllGone(run.seen.keys());
    });
  }
});

describe("never unsafe without a yes", () => {
  function assertSafeWalk(report: Record<string, any>, label: string): void {
    expect(report.diagnosis?.cause, `${label}: ${JSON.stringify(report.diagnosis)}`).toBe("lambda-safe-mode");
    expect(report.walk?.fix?.safeMode, label).not.toBe(false);
    expect(report.walk?.fix?.allowStoredCode, label).not.toBe(true);
    // A proven walk reports "loads" (issue 21): here only through the rebuild in code, which runs nothing from the file.
    if (report.outcome === "loads") {
      expect(report.walk?.steps?.find((step: { id: string }) => step.id === "choose")?.choice, label).toBe("rebuild");
    }
  }

  it("--auto --json refuses to run the Lambda of real fixtures (keras3 env)", async () => {
    const python = pythonFor("keras3");
    for (const model of ["keras3/lambda_layer.keras", "keras3/lambda_layer.h5", "keras2/lambda_layer.h5"]) {
      const run = await runCli([fixture(model), "--auto", "--json", "--python", python]);
      assertSafeWalk(JSON.parse(run.stdout), model);
      expect(run.leftover).toEqual([]);
    }
  });

  it("--auto and a run without a terminal never call a Lambda: the canary stays absent", async () => {
    const python = pythonFor("keras3");
    for (const [model, args] of [[canaryKeras, ["--auto", "--json"]], [canaryH5, ["--auto"]], [canaryKeras, []]] as const) {
      const canary = join(dir, `CANARY-${basename(model)}-${args.length}`);
      const run = await runCli([model, ...args, "--python", python], { env: { KERAS_FIX_CANARY: canary } });
      expect([1, 3], `${model} ${args.join(" ")}: ${run.stderr.slice(-800)}`).toContain(run.code);
      if ((args as readonly string[]).includes("--json")) assertSafeWalk(JSON.parse(run.stdout), model);
      expect(existsSync(canary), `${model} ${args.join(" ")}: the Lambda ran`).toBe(false);
      expect(run.leftover).toEqual([]);
    }
  });

  it("the canary does fire when the Lambda is deserialised unsafely (the proof above can fail)", async () => {
    const canary = join(dir, "CANARY-control");
    const copy = join(dir, "control.keras");
    copyFileSync(canaryKeras, copy);
    const run = await runBounded([pythonFor("keras3"), "-c", "import sys, keras; keras.models.load_model(sys.argv[1], safe_mode=False)", copy], {
      timeoutMs: 300_000, env: { KERAS_FIX_CANARY: canary },
    });
    expect(run.code, run.stderr.slice(-800)).toBe(0);
    expect(existsSync(canary)).toBe(true);
  });
});

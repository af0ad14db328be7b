// The probe session's logic against scripted fake workers: protocol validation, crashes as data, time limits,
// the legacy-Keras second worker. No real process runs here: the fake runner throws on unknown commands.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startProbe, type ProbeSession } from "../../src/core/probe/probe.js";
import { ProbeError, ProbeProtocolError } from "../../src/core/probe/protocol.js";
import { UserError } from "../../src/core/errors.js";
import { fakeEnv, fakeRunner, fakeWorkerStats, keyOf, readyWorker } from "./fake-runner.js";
import { makeTempDir } from "./helpers.js";

const python = { path: "/fake/bin/python", source: "virtualenv" as const };
const script = "/fake/keras_probe.py";
const env = { PYTHONIOENCODING: "utf-8", PYTHONDONTWRITEBYTECODE: "1" };
const mainKey = keyOf(python.path, ["-u", script], env);
const legacyKey = keyOf(python.path, ["-u", script], { ...env, TF_USE_LEGACY_KERAS: "1" });

const sessions: ProbeSession[] = [];
async function start(scripts: Parameters<typeof fakeRunner>[0], timeoutSeconds = 30) {
  const runner = fakeRunner(scripts);
  const session = await startProbe({ python, timeoutSeconds, runner, probeScript: script });
  sessions.push(session);
  return { session, runner };
}

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

describe("probe session over a scripted worker", () => {
  it("reports the ready env with where the interpreter came from, and sends absolute paths and the fix", async () => {
    const requests: Record<string, unknown>[] = [];
    const { session } = await start({
      [mainKey]: readyWorker((request) => {
        requests.push(request);
        return { ok: true, seconds: 0.2, chain: [], warnings: [], model: { className: "Functional", params: 18 }, stage: null };
      }),
    });
    expect(session.env.python).toEqual({ path: python.path, version: "3.11.7", source: "virtualenv" });
    expect(session.env.loader).toBe("keras3");
    expect(session.env.importSeconds).toBe(9.5);
    const attempt = await session.load("model.keras", { compile: false });
    expect(requests[0]).toMatchObject({ op: "load", path: resolve("model.keras"), fix: { compile: false } });
    expect(attempt).toMatchObject({ ok: true, model: { className: "Functional", params: 18 }, worker: { kerasImports: 1, requests: 1 } });
  });

  it("never falls through to a real process: an unknown command throws", async () => {
    await expect(start({ "/other/python -u x.py": readyWorker() })).rejects.toThrow(/fake runner: no script for \/fake\/bin\/python/);
  });

  it("treats a stdout line that is not JSON as a broken probe, with the stderr tail", async () => {
    const attempt = start({
      [mainKey]: (worker) => {
        worker.stderr("Traceback (most recent call last):\nImportError: numpy is broken\n");
        setImmediate(() => worker.send("Hello from sitecustomize"));
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(ProbeProtocolError);
    await expect(attempt).rejects.toThrow(/not JSON: Hello from sitecustomize[\s\S]*ImportError: numpy is broken/);
  });

  it("rejects a response that does not match the protocol", async () => {
    const { session } = await start({ [mainKey]: readyWorker(() => ({ ok: "yes" })) });
    await expect(session.load("m.keras")).rejects.toBeInstanceOf(ProbeProtocolError);
  });

  it("reports a non-zero exit before ready as a ProbeError that quotes stderr", async () => {
    const attempt = start({
      [mainKey]: (worker) => {
        worker.stderr("keras-fix needs Python 3.6 or newer; this is 2.7.18\n");
        worker.exit(2);
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(ProbeError);
    await expect(attempt).rejects.toMatchObject({ reason: "exit", stderrTail: expect.stringMatching(/needs Python 3\.6/) });
  });

  it("turns a signal during the Keras import into EnvFacts.importError, keeping the versions already reported", async () => {
    const { session, runner } = await start({
      [mainKey]: (worker) => {
        worker.send({ event: "facts", protocol: 1, env: fakeEnv(), worker: fakeWorkerStats() });
        worker.stderr("The TensorFlow library was compiled to use AVX instructions\n");
        worker.exit(null, "SIGILL");
      },
    });
    expect(session.env.packages.tensorflow).toBe("2.21.0");
    expect(session.env.importError).toHaveLength(1);
    expect(session.env.importError![0]).toMatchObject({ type: "SIGILL", message: expect.stringMatching(/signal SIGILL[\s\S]*AVX/) });
    const attempt = await session.load("m.keras");
    expect(attempt).toMatchObject({ ok: false, stage: "import-keras", chain: session.env.importError });
    expect(runner.spawned).toHaveLength(1);
  });

  it("still reports a signal that kills Python before it printed anything", async () => {
    const { session } = await start({ [mainKey]: (worker) => worker.exit(null, "SIGSEGV") });
    expect(session.env.python.version).toBe("unknown");
    expect(session.env.importError![0].type).toBe("SIGSEGV");
  });

  it("turns a worker killed by a signal during a load into a failed LoadAttempt, and restarts for the next load", async () => {
    let spawns = 0;
    const { session, runner } = await start({
      [mainKey]: (worker) => {
        spawns += 1;
        if (spawns > 1) return readyWorker()(worker);
        worker.send({ event: "ready", protocol: 1, env: fakeEnv(), worker: fakeWorkerStats() });
        worker.onRequest(() => worker.exit(null, "SIGSEGV"));
      },
    });
    const crashed = await session.load("corrupt.h5");
    expect(crashed).toMatchObject({ ok: false, stage: "crash", chain: [{ type: "SIGSEGV" }] });
    const next = await session.load("other.keras");
    expect(next.ok).toBe(true);
    expect(runner.spawned).toHaveLength(2);
  });

  it("kills a worker that does not answer in time (SIGTERM, then SIGKILL) and reports a timeout", async () => {
    const { session, runner } = await start({
      [mainKey]: (worker) => {
        worker.send({ event: "ready", protocol: 1, env: fakeEnv(), worker: fakeWorkerStats() });
        worker.ignoreSigterm = true;
      },
    }, 1);
    const attempt = session.load("slow.keras");
    await expect(attempt).rejects.toBeInstanceOf(ProbeError);
    await expect(attempt).rejects.toMatchObject({ reason: "timeout" });
    expect(runner.spawned[0].worker.kills.slice(0, 2)).toEqual(["SIGTERM", "SIGKILL"]);
  });

  it("times out a worker that never becomes ready", async () => {
    const attempt = start({ [mainKey]: () => undefined }, 1);
    await expect(attempt).rejects.toMatchObject({ reason: "timeout", name: "ProbeError" });
  });

  it("runs legacyKeras loads in a second worker started with TF_USE_LEGACY_KERAS=1, reused, and closed with the session", async () => {
    const seen: string[] = [];
    const { session, runner } = await start({
      [mainKey]: readyWorker(() => {
        seen.push("main");
        return { ok: false, seconds: 0.1, chain: [{ type: "ValueError", message: "Unknown layer: 'TFOpLambda'", frames: [] }], warnings: [], model: null, stage: "load" };
      }),
      [legacyKey]: readyWorker(
        () => {
          seen.push("legacy");
          return { ok: true, seconds: 0.1, chain: [], warnings: [], model: { className: "Functional", params: 10 }, stage: null };
        },
        { loader: "tf_keras", legacyKeras: true },
      ),
    });
    expect((await session.load("tfop.h5")).ok).toBe(false);
    expect((await session.load("tfop.h5", { legacyKeras: true })).ok).toBe(true);
    expect((await session.load("tfop.h5", { legacyKeras: true })).ok).toBe(true);
    expect(seen).toEqual(["main", "legacy", "legacy"]);
    expect(runner.spawned.map((s) => s.key)).toEqual([mainKey, legacyKey]);
    expect(session.legacyEnv).toMatchObject({ loader: "tf_keras", legacyKeras: true, python: { source: "virtualenv" } });
    await session.close();
    for (const { worker } of runner.spawned) {
      expect(worker.received.at(-1)).toMatchObject({ op: "quit" });
      expect(worker.kills).not.toContain("SIGTERM");
    }
  });

  it("refuses an interpreter inside the model's folder before starting anything", async () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, "venv", "bin"), { recursive: true });
    writeFileSync(join(dir, "model.keras"), "");
    const runner = fakeRunner({});
    const attempt = startProbe({ python: { path: join(dir, "venv", "bin", "python"), source: "path" }, modelPath: join(dir, "model.keras"), timeoutSeconds: 5, runner, probeScript: script });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    expect(runner.spawned).toHaveLength(0);
  });

  it("refuses to re-save over the model itself without asking Python", async () => {
    const asked: unknown[] = [];
    const { session } = await start({ [mainKey]: readyWorker((request) => asked.push(request)) });
    await expect(session.resaveCompare("m.keras", {}, "./m.keras")).rejects.toThrow(/new file/);
    expect(asked).toHaveLength(0);
  });
});

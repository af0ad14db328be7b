// Real processes: time limits kill the whole worker tree, a Python that dies by a signal is reported as data, and no
// Python survives the Node process that started it (SIGINT, SIGTERM, plain exit, uncaught error).
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { startProbe } from "../../src/core/probe/probe.js";
import { ProbeError } from "../../src/core/probe/protocol.js";
import { repoRoot } from "../helpers/envs.js";
import { envPython, eventually, isAlive, makeTempDir } from "./helpers.js";

/** A `keras` package (claiming 3.9.0 in its dist-info) that the real bare Python imports through PYTHONPATH. */
function fakeKeras(init: string): string {
  const site = makeTempDir("keras-fix-fake-keras-");
  mkdirSync(join(site, "keras"));
  writeFileSync(join(site, "keras", "__init__.py"), init);
  mkdirSync(join(site, "keras-3.9.0.dist-info"));
  writeFileSync(join(site, "keras-3.9.0.dist-info", "METADATA"), "Metadata-Version: 2.1\nName: keras\nVersion: 3.9.0\n");
  return site;
}

const slowLoad = `
import os, subprocess, time
class saving:
    @staticmethod
    def load_model(path, **kwargs):
        child = subprocess.Popen(["sleep", "300"])
        with open(os.environ["PROBE_TEST_PIDFILE"], "w") as handle:
            handle.write(str(child.pid))
        time.sleep(300)
`;

describe("time limits", () => {
  it("kills a load that runs too long, with the process it started, and reports a timeout", async () => {
    const pidFile = join(makeTempDir(), "grandchild.pid");
    const session = await startProbe({
      python: envPython("bare"),
      timeoutSeconds: 4,
      env: { PYTHONPATH: fakeKeras(slowLoad), PROBE_TEST_PIDFILE: pidFile },
    });
    expect(session.env.loader).toBe("keras3");
    const [worker] = session.pids();
    const attempt = session.load("/any/model.keras");
    await expect(attempt).rejects.toBeInstanceOf(ProbeError);
    await expect(attempt).rejects.toMatchObject({ reason: "timeout" });
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    expect(await eventually(() => !isAlive(worker) && !isAlive(grandchild))).toBe(true);
    expect(session.pids()).toEqual([]);
    await session.close();
  });
});

describe("an interpreter that cannot start", () => {
  it("is a ProbeError naming the path, not a hang or a crash", async () => {
    const missing = join(makeTempDir(), "python");
    const attempt = startProbe({ python: { path: missing, source: "KERAS_FIX_PYTHON" }, timeoutSeconds: 30 });
    await expect(attempt).rejects.toBeInstanceOf(ProbeError);
    await expect(attempt).rejects.toMatchObject({ reason: "spawn", message: expect.stringContaining(missing) });
  });
});

describe("a Python killed by a signal is data", () => {
  it("reports SIGILL during the Keras import as EnvFacts.importError, with the versions read before it", async () => {
    const site = fakeKeras("import os, signal, sys\nsys.stderr.write('simulated: CPU lacks AVX\\n')\nos.kill(os.getpid(), signal.SIGILL)\n");
    const session = await startProbe({ python: envPython("bare"), timeoutSeconds: 60, env: { PYTHONPATH: site } });
    expect(session.env).toMatchObject({ loader: "keras3", packages: { keras: "3.9.0" }, python: { version: expect.stringMatching(/^3\.11\./) } });
    expect(session.env.importError).toEqual([
      { type: "SIGILL", message: expect.stringMatching(/killed by signal SIGILL[\s\S]*simulated: CPU lacks AVX/), frames: [] },
    ]);
    expect(await session.load("/any/model.keras")).toMatchObject({ ok: false, stage: "import-keras", chain: [{ type: "SIGILL" }] });
    await session.close();
  });

  it("reports a segfault while loading as a failed load, then serves the next load from a new worker", async () => {
    const site = fakeKeras(`
import os, signal
class saving:
    @staticmethod
    def load_model(path, **kwargs):
        if path.endswith("corrupt.h5"):
            os.kill(os.getpid(), signal.SIGSEGV)
        raise ValueError("fine otherwise")
`);
    const session = await startProbe({ python: envPython("bare"), timeoutSeconds: 60, env: { PYTHONPATH: site } });
    const [first] = session.pids();
    const crashed = await session.load("/any/corrupt.h5");
    expect(crashed).toMatchObject({ ok: false, stage: "crash", chain: [{ type: "SIGSEGV" }] });
    const next = await session.load("/any/other.h5");
    expect(next).toMatchObject({ ok: false, stage: "load", chain: [{ type: "ValueError", message: "fine otherwise" }] });
    expect(next.worker.pid).not.toBe(first);
    expect(isAlive(first)).toBe(false);
    await session.close();
  });
});

function mapsOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/maps`, "utf8");
  } catch {
    return "";
  }
}

/** Starts a Node process that imports the built probe.js, starts a worker and prints its pid. */
function nodeWithProbe(python: string, mode: "mid-import" | "ready" | "exit" | "throw") {
  const dir = makeTempDir("keras-fix-node-probe-");
  const script = join(dir, "start-probe.mjs");
  const probeModule = join(repoRoot, "dist", "src", "core", "probe", "probe.js");
  const processesModule = join(repoRoot, "dist", "src", "core", "probe", "processes.js");
  writeFileSync(
    script,
    `import { startProbe } from ${JSON.stringify(probeModule)};
import { livePythonPids } from ${JSON.stringify(processesModule)};
const mode = ${JSON.stringify(mode)};
const started = startProbe({ python: { path: ${JSON.stringify(python)}, source: "flag" }, timeoutSeconds: 300 });
if (mode === "mid-import") {
  const poll = setInterval(() => {
    const pids = livePythonPids();
    if (pids.length) { clearInterval(poll); console.log(JSON.stringify({ pid: pids[0] })); }
  }, 20);
  await started;
} else {
  const session = await started;
  console.log(JSON.stringify({ pid: session.pids()[0] }));
  if (mode === "throw") throw new Error("keras-fix crashed");
}
if (mode === "mid-import" || mode === "ready") setInterval(() => undefined, 1000);
`,
  );
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const pid = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", (line) => resolve((JSON.parse(line) as { pid: number }).pid));
    child.once("exit", () => reject(new Error("node exited before printing the python pid")));
  });
  return { child, pid, exited };
}

describe("no Python outlives keras-fix", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("%s to Node while Python is importing TensorFlow leaves no Python", async (signal) => {
    const node = nodeWithProbe(envPython("keras3").path, "mid-import");
    const python = await node.pid;
    // Wait until TensorFlow's shared libraries are mapped: the import is under way, not finished.
    expect(await eventually(() => isAlive(python) && mapsOf(python).includes("tensorflow"), 60_000)).toBe(true);
    node.child.kill(signal);
    expect(await node.exited).toEqual({ code: null, signal });
    expect(await eventually(() => !isAlive(python))).toBe(true);
  });

  it("SIGTERM to Node with an idle ready worker leaves no Python", async () => {
    const node = nodeWithProbe(envPython("bare").path, "ready");
    const python = await node.pid;
    node.child.kill("SIGTERM");
    expect((await node.exited).signal).toBe("SIGTERM");
    expect(await eventually(() => !isAlive(python))).toBe(true);
  });

  it("a Node that finishes without closing the session exits (the idle worker does not hold it) and kills the worker", async () => {
    const node = nodeWithProbe(envPython("bare").path, "exit");
    const python = await node.pid;
    expect(await node.exited).toEqual({ code: 0, signal: null });
    expect(await eventually(() => !isAlive(python))).toBe(true);
  });

  it("even SIGKILL to Node (no handler can run) ends the worker: it watches its parent", async () => {
    const node = nodeWithProbe(envPython("bare").path, "ready");
    const python = await node.pid;
    node.child.kill("SIGKILL");
    expect((await node.exited).signal).toBe("SIGKILL");
    expect(await eventually(() => !isAlive(python))).toBe(true);
  });

  it("an uncaught error in Node still kills the worker", async () => {
    const node = nodeWithProbe(envPython("bare").path, "throw");
    const python = await node.pid;
    expect((await node.exited).code).toBe(1);
    expect(await eventually(() => !isAlive(python))).toBe(true);
  });
});

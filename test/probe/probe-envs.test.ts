// The ready facts of the real probe in every test environment (Keras 2, Keras 3, old Keras 3 on numpy, TF 2.1 on
// Python 3.7, no Keras), plus Python 3.8 and 3.13 compiling and running keras_probe.py.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { startProbe, type ProbeSession } from "../../src/core/probe/probe.js";
import type { EnvName } from "../helpers/envs.js";
import { envPython, envVarsFor, isAlive, makeTempDir, probeScript, testModels } from "./helpers.js";

async function withSession<T>(name: EnvName, use: (session: ProbeSession) => Promise<T>): Promise<T> {
  const session = await startProbe({ python: envPython(name), timeoutSeconds: 300, env: envVarsFor(name) });
  try {
    return await use(session);
  } finally {
    const pids = session.pids();
    await session.close();
    expect(pids.filter(isAlive)).toEqual([]);
  }
}

function pyenvPython(minor: string): string {
  const root = join(homedir(), ".pyenv", "versions");
  const version = readdirSync(root).find((v) => v.startsWith(`${minor}.`));
  if (!version) throw new Error(`no Python ${minor} under ${root}`);
  return join(root, version, "bin", "python");
}

describe("ready facts in each environment", () => {
  it("keras2: tf.keras 2.15 is the loader, and it loads its own file but not a Keras 3 one", async () => {
    const k2 = testModels("keras2");
    const k3 = testModels("keras3");
    await withSession("keras2", async (session) => {
      expect(session.env).toMatchObject({
        loader: "tf.keras",
        backend: "tensorflow",
        legacyKeras: false,
        importError: null,
        packages: { tensorflow: "2.15.1", keras: expect.stringMatching(/^2\.15\./), tf_keras: null, h5py: "3.11.0" },
      });
      expect(await session.load(join(k2, "depthwise.h5"))).toMatchObject({ ok: true, model: { className: "Functional" } });
      const foreign = await session.load(join(k3, "custom.keras"));
      expect(foreign.ok).toBe(false);
      expect(foreign.chain.length).toBeGreaterThan(0);
      expect(foreign.chain.flatMap((e) => e.frames).some((f) => /keras[\\/]src[\\/]/.test(f.file))).toBe(true);
    });
  });

  it("keras35-py312 with KERAS_BACKEND=jax: Keras 3.5 on Python 3.12, JAX backend, no TensorFlow", async () => {
    await withSession("keras35-py312", async (session) => {
      expect(session.env).toMatchObject({
        python: { version: expect.stringMatching(/^3\.12\./) },
        loader: "keras3",
        backend: "jax",
        importError: null,
        packages: { keras: "3.5.0", tensorflow: null, jax: "0.4.31", numpy: "1.26.4" },
      });
    });
  });

  it("tf21-py37: the probe starts on Python 3.7 and reports TF 2.1's tf.keras with multi-backend Keras 2.3.1", async () => {
    const k2 = testModels("keras2");
    await withSession("tf21-py37", async (session) => {
      expect(session.env).toMatchObject({
        python: { version: expect.stringMatching(/^3\.7\./) },
        loader: "tf.keras",
        importError: null,
        packages: { keras: "2.3.1", tensorflow: expect.stringMatching(/^2\.1\./), h5py: "3.8.0" },
      });
      // TF 2.1 reads h5py 3 strings as str and calls .decode on them: an old loader's failure, as data.
      const attempt = await session.load(join(k2, "tfop.h5"));
      expect(attempt.ok).toBe(false);
      expect(attempt.chain.at(-1)!.frames.some((f) => /tensorflow_core[\\/]python[\\/]keras/.test(f.file))).toBe(true);
    });
  });

  it("bare: no Keras, no loader, and a load says why", async () => {
    await withSession("bare", async (session) => {
      expect(session.env).toMatchObject({ loader: null, backend: null, importError: null, importSeconds: null });
      expect(Object.values(session.env.packages).every((v) => v === null)).toBe(true);
      const attempt = await session.load("/nowhere/model.keras");
      expect(attempt).toMatchObject({ ok: false, stage: "import-keras", chain: [{ type: "ModuleNotFoundError", message: "No module named 'keras'" }] });
    });
  });
});

describe("keras_probe.py on other Pythons", () => {
  it("compiles under Python 3.6, 3.8 and 3.13, every file of the worker (written elsewhere, not beside the source)", () => {
    const out = makeTempDir();
    const files = readdirSync(dirname(probeScript)).filter((name) => name.endsWith(".py"));
    expect(files).toEqual(expect.arrayContaining(["keras_probe.py", "probe_facts.py", "probe_guard.py", "probe_load.py", "probe_resave.py"]));
    for (const minor of ["3.6", "3.8", "3.13"]) {
      const code = "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)";
      for (const file of files) execFileSync(pyenvPython(minor), ["-c", code, join(dirname(probeScript), file), join(out, `${file}-${minor}.pyc`)]);
    }
    expect(readdirSync(out).length).toBe(files.length * 3);
  });

  it("runs under a bare Python 3.8", async () => {
    const session = await startProbe({ python: { path: pyenvPython("3.8"), source: "path" }, timeoutSeconds: 60 });
    try {
      expect(session.env).toMatchObject({ python: { version: expect.stringMatching(/^3\.8\./), source: "path" }, importError: null });
      const attempt = await session.load("/nowhere/model.h5");
      expect(attempt.stage).toBe("import-keras");
    } finally {
      await session.close();
    }
  });

  it("reports Python 2.7 as the fact it is: its version, nothing imported, no load possible", async () => {
    const session = await startProbe({ python: { path: pyenvPython("2.7"), source: "flag" }, timeoutSeconds: 60 });
    expect(session.env).toMatchObject({ python: { version: expect.stringMatching(/^2\.7\.\d+$/), source: "flag" }, loader: null, importError: null });
    await expect(session.load("/nowhere/model.h5")).rejects.toMatchObject({ name: "UserError", message: expect.stringMatching(/older than keras-fix can run/) });
    expect(session.pids()).toEqual([]);
    await session.close();
  });
});

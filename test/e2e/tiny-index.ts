// A local PEP 503 package index of tiny wheels for the trial-environment tests: pip talks to it instead of PyPI, and
// each test decides how a wheel's download is answered (slowly, or never). The wheels hold metadata only (no
// dependencies), made by Python's zipfile; keras may be given an __init__.py, so that importing it takes a while.
import { execFileSync } from "node:child_process";
import { createServer, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach } from "vitest";
import { envVarsFor, pythonFor, type EnvName } from "../helpers/envs.js";

// What the plan for a Keras 3.15 file in the Keras 3.5 + JAX environment installs (keras>=3.15 plus the backend).
const WHEELS = [
  ["keras", "3.15.1"],
  ["jax", "0.4.31"],
  ["jaxlib", "0.4.31"],
] as const;

const WHEEL_SCRIPT = `
import sys, zipfile
name, version, out, code = sys.argv[1:5]
dist = "%s-%s.dist-info" % (name, version)
files = []
with zipfile.ZipFile(out, "w") as z:
    if code:
        files.append(name + "/__init__.py")
        z.writestr(files[-1], code)
    z.writestr(dist + "/METADATA", "Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\nRequires-Python: >=3.8\\n" % (name, version))
    z.writestr(dist + "/WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    files += [dist + "/METADATA", dist + "/WHEEL", dist + "/RECORD"]
    z.writestr(dist + "/RECORD", "".join("%s,,\\n" % f for f in files))
`;

/** Answers one download of a wheel; `count` is how many times this wheel has been asked for, this one included. */
export type Answer = (response: ServerResponse, body: Buffer, headers: Record<string, string>, count: number) => void;

export interface TinyIndex {
  url: string;
  close: () => void;
}

/**
 * Makes the wheels in `dir` and serves them on 127.0.0.1; `answer` sends each download. With `kerasImportSeconds`,
 * the keras wheel has a module whose import sleeps that long, then fails: a load there lasts long enough to be seen.
 */
export async function tinyIndex(dir: string, answer: Answer, { kerasImportSeconds = 0 } = {}): Promise<TinyIndex> {
  mkdirSync(dir, { recursive: true });
  const wheels = new Map<string, Buffer>();
  for (const [name, version] of WHEELS) {
    const file = `${name}-${version}-py3-none-any.whl`;
    const code = name === "keras" && kerasImportSeconds > 0 ? `import time\ntime.sleep(${kerasImportSeconds})\nraise ImportError("a test wheel")\n` : "";
    execFileSync(pythonFor("bare"), ["-c", WHEEL_SCRIPT, name, version, join(dir, file), code]);
    wheels.set(file, readFileSync(join(dir, file)));
  }
  const served = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const project = /^\/simple\/([^/]+)\/?$/.exec(path)?.[1];
    if (project) {
      const links = [...wheels.keys()].filter((file) => file.split("-")[0] === project.toLowerCase().replace(/[-_.]+/g, ""));
      if (links.length === 0) return response.writeHead(404).end();
      response.writeHead(200, { "content-type": "text/html" });
      return response.end(`<html><body>${links.map((file) => `<a href="/files/${file}">${file}</a>`).join("\n")}</body></html>`);
    }
    const file = /^\/files\/(.+)$/.exec(path)?.[1];
    const body = file ? wheels.get(file) : undefined;
    if (!file || !body) return response.writeHead(404).end();
    const headers = { "content-type": "application/octet-stream", "content-length": String(body.length) };
    if (request.method === "HEAD") return response.writeHead(200, headers).end();
    const count = (served.get(file) ?? 0) + 1;
    served.set(file, count);
    answer(response, body, headers, count);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the index did not start");
  return {
    url: `http://127.0.0.1:${address.port}/simple`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** For a test file: starts an index like tinyIndex and closes every one it started after each test. */
export function tinyIndexes(): typeof tinyIndex {
  const open: TinyIndex[] = [];
  afterEach(() => {
    for (const index of open.splice(0)) index.close();
  });
  return async (...args) => {
    const index = await tinyIndex(...args);
    open.push(index);
    return index;
  };
}

/** The environment of a keras-fix whose trials install from `index` (nothing cached, no retries) into `cache`. */
export function trialEnvFrom(index: TinyIndex, cache: string, env: EnvName): Record<string, string> {
  return {
    HOME: process.env.HOME ?? "",
    ...envVarsFor(env),
    PIP_INDEX_URL: index.url,
    PIP_NO_CACHE_DIR: "1",
    PIP_RETRIES: "0",
    KERAS_FIX_TRIAL_CACHE: cache,
  };
}

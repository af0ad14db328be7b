// Reads HDF5 files in a worker thread under a time limit: HDF5 can loop forever on a damaged file, and only a
// thread of its own can be stopped. The worker starts on the first HDF5 file and is reused (loading h5wasm costs
// ~0.2 s); it is retired after a failure (HDF5 may be left in a bad state) or once its wasm heap has grown large.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Hdf5Job, Hdf5Parts, Hdf5WorkerMessage, WeightShapes } from "./hdf5-contents.js";
import type { Hdf5Root, Hdf5StorageNote } from "./hdf5-extract.js";
import { scanHdf5Outside } from "./hdf5-outside.js";
import { readPlainHdf5 } from "./hdf5-plain.js";

/**
 * How long one file may take, worker start-up included. A 1 GB model's headers read in ~20 ms and a 50 MB config
 * in about a second (scripts/bench-inspect.mjs); a file past this is stuck, not slow.
 */
export const HDF5_TIME_LIMIT_MS = 10_000;
/** A worker whose wasm heap grew past this (a huge attribute) is retired so that the memory goes back. */
const RETIRE_HEAP_BYTES = 128 * 1024 * 1024;

export interface Hdf5Read {
  /** The root's names and the attributes Keras reads; null when HDF5 could not get that far. */
  root: Hdf5Root | null;
  weightShapes: WeightShapes | null;
  weightShapesError: string | null;
  /** Set when the job asked for `storage` (the safety read). */
  storage?: Hdf5StorageNote[] | null;
  storageError?: string | null;
  /** Why reading stopped before the end: HDF5 refused the file, threw while reading, or ran past the limit. */
  failure: { stage: "open" | "read" | "time-limit"; reason: string } | null;
}

/**
 * The compiled worker beside this module; when the sources run as TypeScript (vitest), the built copy in dist/,
 * since a worker thread runs JavaScript only.
 */
function workerFile(): URL {
  const here = fileURLToPath(import.meta.url);
  const beside = join(dirname(here), "hdf5-worker.js");
  if (existsSync(beside)) return pathToFileURL(beside);
  for (let dir = dirname(here); dir !== dirname(dir); dir = dirname(dir)) {
    const built = join(dir, "dist", "src", "core", "inspect", "hdf5-worker.js");
    if (existsSync(built)) return pathToFileURL(built);
  }
  throw new Error("the HDF5 worker (hdf5-worker.js) is missing: build keras-fix with `npm run build`");
}

let worker: Worker | null = null;
let nextId = 1;
let queue: Promise<unknown> = Promise.resolve();

function startWorker(): Worker {
  // execArgv: [] because a worker inherits the parent's flags, and some refuse a worker (`node --input-type=module
  // -e`, as scripts/bench-inspect.mjs runs inspect).
  const started = new Worker(workerFile(), { execArgv: [] });
  // An idle worker must not keep the CLI alive; a pending job's timer does while it runs.
  started.unref();
  return started;
}

/** Stops a worker; awaited, so that its wasm heap is gone before the main thread works on what it read. */
async function retire(which: Worker): Promise<void> {
  if (worker === which) worker = null;
  await which.terminate();
}

function run(path: string, parts: Hdf5Parts): Promise<Hdf5Read> {
  const current = (worker ??= startWorker());
  const id = nextId++;
  const read: Hdf5Read = { root: null, weightShapes: null, weightShapesError: null, failure: null };
  return new Promise((resolve, reject) => {
    let finished = false;
    const finish = async (failure: Hdf5Read["failure"], keepWorker: boolean, bug?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      current.off("message", onMessage);
      current.off("error", onError);
      current.off("exit", onExit);
      if (!keepWorker) await retire(current);
      if (bug) reject(bug);
      else resolve({ ...read, failure });
    };
    const onMessage = (message: Hdf5WorkerMessage) => {
      if (message.id !== id) return;
      if ("root" in message) read.root = message.root;
      else if ("weightShapes" in message) {
        read.weightShapes = message.weightShapes;
        read.weightShapesError = message.weightShapesError;
      } else if ("storage" in message) {
        read.storage = message.storage;
        read.storageError = message.storageError;
      } else if ("failed" in message) void finish({ stage: message.stage, reason: message.failed }, false);
      else void finish(null, message.heapBytes < RETIRE_HEAP_BYTES);
    };
    // An uncaught error or an exit inside the worker (a wasm abort it could not turn into an exception). Node's own
    // errors (ERR_MODULE_NOT_FOUND, ERR_WORKER_...) are a broken install, not a damaged file.
    const onError = (error: Error) => {
      if (/^ERR_/.test(String((error as NodeJS.ErrnoException).code ?? ""))) {
        void finish(null, false, error);
        return;
      }
      void finish({ stage: "read", reason: error.message.slice(0, 300) }, false);
    };
    const onExit = (code: number) => void finish({ stage: "read", reason: `the HDF5 reader stopped (exit ${code})` }, false);
    const timer = setTimeout(
      () => void finish({ stage: "time-limit", reason: `HDF5 was still reading its structures after ${HDF5_TIME_LIMIT_MS / 1000} s` }, false),
      HDF5_TIME_LIMIT_MS,
    );
    current.on("message", onMessage);
    current.once("error", onError);
    current.once("exit", onExit);
    const job: Hdf5Job = { id, path, ...parts };
    current.postMessage(job);
  });
}

/**
 * Reads one HDF5 file. What reaches outside the file (links, external storage) is found first from the bytes
 * (hdf5-outside.ts); the root and the safety walk of a file in h5py's default layout are read here without HDF5
 * (hdf5-plain.ts); everything else, and weight shapes, in the worker, where jobs run one after another and HDF5 can
 * open no file but this one. Never rejects for a bad file.
 */
export async function readHdf5Bounded(path: string, parts: Hdf5Parts): Promise<Hdf5Read> {
  const outside = parts.storage ? scanHdf5Outside(path) : null;
  if (!parts.weightShapes) {
    const plain = readPlainHdf5(path);
    if (plain) {
      return {
        root: parts.root ? plain.root : null,
        weightShapes: null,
        weightShapesError: null,
        ...(parts.storage ? { storage: [...(outside?.notes ?? []), ...plain.storage], storageError: null } : {}),
        failure: null,
      };
    }
  }
  const read = await readWithHdf5(path, parts);
  if (!outside) return read;
  // h5wasm's walk sees links (the worker refuses to open their targets) but not external raw storage: the byte walk's
  // notes come first, and a byte walk that stopped early is said, since external storage there went unchecked.
  const storage = [...outside.notes, ...(read.storage ?? [])];
  const storageError = outside.incomplete !== null ? `the byte walk stopped (${outside.incomplete}); external raw storage past that point was not checked` : (read.storageError ?? null);
  return { ...read, storage, storageError };
}

/** Reads one HDF5 file with h5wasm in the worker; jobs run one after another on the one worker. */
export function readWithHdf5(path: string, parts: Hdf5Parts): Promise<Hdf5Read> {
  // Absolute: the worker lets HDF5 open exactly this path and nothing else.
  const result = queue.then(() => run(resolve(path), parts));
  queue = result.catch(() => undefined);
  return result;
}

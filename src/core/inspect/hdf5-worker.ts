// The worker thread that runs h5wasm: HDF5 can loop forever on damaged structures (a global heap object of size 0
// in hang-flip64-seed7-2, test/inspect/hostile/), and a synchronous wasm loop cannot be interrupted on the thread it
// runs on. Here the main thread can terminate it (hdf5-thread.ts). HDF5 here opens only the file of the current job:
// it follows external links (and would read external storage and virtual datasets' sources) by opening other files,
// so every other open fails, and a link to a file the model chose is reported, never read.
import { resolve } from "node:path";
import { parentPort } from "node:worker_threads";
import type { Hdf5Job, Hdf5WorkerMessage } from "./hdf5-contents.js";
import { readRoot, readStorage, readWeightShapes } from "./hdf5-extract.js";

// Emscripten binds console.log/error when h5wasm loads and prints "Aborted(...)" and "warning: Invalid UTF-8" on
// damaged files: the facts already say so, and a worker's console reaches the user's terminal.
console.log = console.warn = console.error = () => undefined;
const h5 = await import("h5wasm/node");
const module = await h5.default.ready;
// HDF5 errors throw instead of printing HDF5-DIAG.
module.activate_throwing_error_handler();

/** The one path HDF5 may open (the job's file), or null between jobs. */
let openable: string | null = null;
// h5wasm runs on Emscripten's NODERAWFS: every open() HDF5 makes goes through FS.open.
const fs = module.FS as unknown as { open: (path: string, flags: number, mode?: number) => unknown; ErrnoError: new (errno: number) => Error };
const realOpen = fs.open.bind(fs);
/** O_CREAT | O_EXCL: a file that does not exist yet, so nothing outside is read. */
const CREATE_NEW = 0o100 | 0o200;
fs.open = (path: string, flags: number, mode?: number) => {
  // h5wasm formats HDF5's error stack through C's tmpfile(): a new file, created and unlinked at once.
  const tmpfile = (flags & CREATE_NEW) === CREATE_NEW && /^\/tmp\/tmpfile_\w{6}$/.test(String(path));
  // 44 is Emscripten's ENOENT: to HDF5 the target is not there (a filter plugin folder is refused too).
  if (!tmpfile && (openable === null || resolve(String(path)) !== openable)) throw new fs.ErrnoError(44);
  return realOpen(path, flags, mode);
};

const send = (message: Hdf5WorkerMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

parentPort!.on("message", (job: Hdf5Job) => {
  let file: InstanceType<typeof h5.File>;
  openable = resolve(job.path);
  try {
    file = new h5.File(job.path, "r");
  } catch (error) {
    openable = null;
    send({ id: job.id, failed: reason(error), stage: "open" });
    return;
  }
  // Open now: HDF5 has no reason to open anything else, this file again included (a link to itself).
  openable = null;
  try {
    if (job.root) {
      const root = readRoot(module, file);
      // String attributes move to the main thread instead of being copied.
      const buffers = Object.values(root.attributes).flatMap((value) => (value instanceof Uint8Array ? [value.buffer as ArrayBuffer] : []));
      send({ id: job.id, root }, buffers);
    }
    if (job.weightShapes) {
      // Damaged weights must not hide a readable config: their failure is reported beside it.
      try {
        send({ id: job.id, weightShapes: readWeightShapes(file), weightShapesError: null });
      } catch (error) {
        send({ id: job.id, weightShapes: null, weightShapesError: reason(error) });
      }
    }
    if (job.storage) {
      try {
        send({ id: job.id, storage: readStorage(module, file), storageError: null });
      } catch (error) {
        send({ id: job.id, storage: null, storageError: reason(error) });
      }
    }
    send({ id: job.id, done: true, heapBytes: module.HEAPU8.length });
  } catch (error) {
    send({ id: job.id, failed: reason(error), stage: "read" });
  } finally {
    try {
      file.close();
    } catch {
      // A file HDF5 failed on may refuse to close; the main thread retires this worker after a failure anyway.
    }
  }
});

// One keras-fix at a time builds a given trial environment: two processes (or two test workers) proving the same plan
// would otherwise run two pips into one venv. The lock is a file created with O_EXCL holding the owner's pid; a lock
// whose owner is gone (killed, crashed, the machine rebooted) is stale and is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";

export interface TrialLock {
  path: string;
  release(): void;
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function readOwner(path: string): { raw: string; owner: LockOwner | null } | null {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  try {
    const owner = JSON.parse(raw) as LockOwner;
    return { raw, owner: typeof owner.pid === "number" ? owner : null };
  } catch {
    // Half-written by an owner that died between open and write: nobody can hold it.
    return { raw, owner: null };
  }
}

/** True while the process exists (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A lock is stale when its owner on this machine is gone. Another host's lock (a shared cache) is trusted. */
function isStale(owner: LockOwner | null): boolean {
  if (!owner) return true;
  return owner.host === hostname() && owner.pid !== process.pid && !processAlive(owner.pid);
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockOwner));
  } finally {
    closeSync(fd);
  }
  return true;
}

const held = new Set<string>();
let exitHookInstalled = false;

/** On any exit (a Ctrl-C in --auto ends in process.exit), our locks go with us; a SIGKILL leaves a stale one. */
function releaseAllNow(): void {
  for (const path of held) removeIfOurs(path);
  held.clear();
}

function removeIfOurs(path: string): void {
  const current = readOwner(path);
  if (current?.owner?.pid === process.pid && current.owner.host === hostname()) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Takes the lock at `path`, waiting while another live process holds it (reported once through `onWait`), taking
 * over a stale one. Throws after `timeoutMs` of waiting.
 */
export async function acquireTrialLock(
  path: string,
  options: { timeoutMs: number; pollMs?: number; onWait?: (owner: number | null) => void },
): Promise<TrialLock> {
  const deadline = Date.now() + options.timeoutMs;
  let reported = false;
  for (;;) {
    if (tryCreate(path)) break;
    const current = readOwner(path);
    if (current && isStale(current.owner)) {
      // Remove it only if it is still the same stale lock (another waiter may have taken it over meanwhile).
      if (readOwner(path)?.raw === current.raw) {
        try {
          unlinkSync(path);
        } catch {
          // Someone else removed it first: try again.
        }
      }
      continue;
    }
    if (!current) continue;
    if (Date.now() > deadline) {
      throw new Error(`another keras-fix (pid ${current.owner?.pid ?? "?"}) kept the trial environment locked for too long`);
    }
    if (!reported) options.onWait?.(current.owner?.pid ?? null);
    reported = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
  held.add(path);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", releaseAllNow);
  }
  return {
    path,
    release() {
      held.delete(path);
      removeIfOurs(path);
    },
  };
}

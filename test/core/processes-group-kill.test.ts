// A group kill may only ever reach keras-fix's own children (issue 21 §2): once Node has reaped a worker its pid is
// free, and a process started later may get it and lead a group of its own (another keras-fix started with setsid
// did, and died of a stale SIGKILL). So a reaped child's group is never signalled; a live one's still is, whole.
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { execaRunner } from "../../src/core/probe/processes.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Pids of the live processes in process group `pgid` (Linux /proc). */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(entry));
    } catch {
      // Ended while we looked.
    }
  }
  return members;
}

describe("killTree", () => {
  it("does not signal anything once the child has been reaped (its pid may belong to someone else by then)", async () => {
    const child = execaRunner("sh", ["-c", "exit 0"], { env: {} });
    const exit = await child.exited;
    expect(exit.exitCode).toBe(0);
    const kill = vi.spyOn(process, "kill");
    child.killTree("SIGKILL");
    child.killTree("SIGTERM");
    expect(kill).not.toHaveBeenCalled();
  });

  it("kills a live child and what it started, as a group", async () => {
    const child = execaRunner("sh", ["-c", "sleep 60 & sleep 60; wait"], { env: {} });
    const pid = child.pid!;
    const deadline = Date.now() + 5_000;
    while (groupMembers(pid).length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(groupMembers(pid).length).toBe(3);
    child.killTree("SIGKILL");
    expect((await child.exited).signal).toBe("SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(groupMembers(pid)).toEqual([]);
  });
});

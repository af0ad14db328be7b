// Drives a real terminal for the wizard's end-to-end tests: one private tmux server per test (its own socket, so
// nobody else's sessions are touched), keys in, the screen out as plain text, polling with a bounded deadline.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

export interface Terminal {
  /** Sends tmux key names ("Enter", "Escape", "C-c", "Down") or literal text with `literal`. */
  send: (keys: string, options?: { literal?: boolean }) => void;
  /** The pane with its scrollback, wrapped lines joined, trailing blanks trimmed. */
  screen: () => string;
  /** Polls the screen until `test` holds; throws with the last screen after `timeoutMs`. */
  waitFor: (test: RegExp | string, timeoutMs?: number) => Promise<string>;
  /** The visible pane as the terminal shows it: one string per screen row, wrapped lines NOT joined. */
  rows: () => string[];
  /** The visible pane with the lines the terminal itself wrapped joined again: one string per line written. */
  joinedRows: () => string[];
  /** The whole scrollback and pane as the terminal shows it, wrapped lines NOT joined. */
  scrollbackRows: () => string[];
  /** Resizes the window, as a user dragging the terminal's edge. */
  resize: (columns: number, rows?: number) => void;
  panePid: () => number;
  kill: () => void;
}

export function openTerminal(
  name: string,
  cwd: string,
  command: string[],
  env: Record<string, string>,
  size: { columns: number; rows: number } = { columns: 110, rows: 45 },
): Terminal {
  const socket = `kf-e2e-${process.pid}-${name}`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  const envArgs = Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]);
  tmux("new-session", "-d", "-s", "main", "-x", String(size.columns), "-y", String(size.rows), "-c", cwd, ...envArgs, ...command);
  const screen = () =>
    tmux("capture-pane", "-p", "-J", "-t", "main", "-S", "-2000")
      .split("\n")
      .map((line) => line.trimEnd())
      .join("\n")
      .trim();
  return {
    send: (keys, options) => {
      tmux("send-keys", "-t", "main", ...(options?.literal ? ["-l", keys] : [keys]));
    },
    screen,
    waitFor: async (test, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < deadline) {
        last = screen();
        if (typeof test === "string" ? last.includes(test) : test.test(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${test}; the screen:\n${last}`);
    },
    rows: () => tmux("capture-pane", "-p", "-t", "main").split("\n").map((line) => line.trimEnd()),
    joinedRows: () => tmux("capture-pane", "-p", "-J", "-t", "main").split("\n").map((line) => line.trimEnd()),
    scrollbackRows: () => tmux("capture-pane", "-p", "-t", "main", "-S", "-").split("\n").map((line) => line.trimEnd()),
    resize: (columns, rows = size.rows) => {
      tmux("resize-window", "-t", "main", "-x", String(columns), "-y", String(rows));
    },
    panePid: () => Number(tmux("display-message", "-p", "-t", "main", "#{pane_pid}").trim()),
    kill: () => {
      try {
        tmux("kill-server");
      } catch {
        // Already gone.
      }
    },
  };
}

/** Pid → parent pid, read from /proc (Linux). */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name is in parentheses and may hold spaces: the parent pid is the 2nd field after it.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      map.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  return map;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/** Python processes below `root` right now (the CLI's workers), by pid with their command lines. */
export function pythonDescendants(root: number): Map<number, string> {
  const tree = parents();
  const found = new Map<number, string>();
  for (const pid of tree.keys()) {
    let current: number | undefined = pid;
    for (let depth = 0; current && current > 1 && depth < 50; depth++) {
      current = tree.get(current);
      if (current === root) {
        const cmd = commandLine(pid);
        if (/python/.test(cmd)) found.set(pid, cmd);
        break;
      }
    }
  }
  return found;
}

/** Whether a pid is still a live process (a zombie waiting to be reaped counts as gone). */
export function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** The live line of key hints (the last line while the wizard runs) tells which kind of step is on screen. */
export function hints(screen: string): string {
  return screen.split("\n").at(-1) ?? "";
}

/** The options of the live choice: the select list right above the hints. */
export function liveOptions(screen: string): string[] {
  const lines = screen.split("\n");
  let i = lines.length - 2;
  while (i >= 0 && lines[i].trim() === "") i--;
  const options: string[] = [];
  for (; i >= 0 && /^(❯| ) \S/.test(lines[i]); i--) options.unshift(lines[i].slice(2));
  return options;
}

"""Runs a command in a fresh pseudo-terminal and prints, as JSON, the milliseconds from spawn to its first output
byte and to the first output that contains a marker (the wizard's header), then ends it. Stdlib only.

usage: python3 pty-first-output.py <marker> <columns> <rows> -- argv...
"""
import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time


def main(argv):
    marker, columns, rows = argv[1].encode(), int(argv[2]), int(argv[3])
    command = argv[argv.index("--") + 1:]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = dict(os.environ, TERM=os.environ.get("TERM", "xterm-256color"), COLUMNS=str(columns), LINES=str(rows))
    for unset in ("CI", "CONTINUOUS_INTEGRATION"):
        env.pop(unset, None)
    # An empty value asks for the variable to be absent (the caller's environment may set it).
    env = {key: value for key, value in env.items() if value != ""}
    start = time.perf_counter()
    child = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True)
    os.close(slave)
    first_byte = None
    seen = None
    output = b""
    deadline = start + 60
    while seen is None and time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        now = time.perf_counter()
        if first_byte is None:
            first_byte = now
        output += chunk
        if marker in output:
            seen = now
    # End the child (SIGTERM lets keras-fix stop its own Python worker), then drain so it is never left blocked.
    try:
        os.killpg(child.pid, signal.SIGTERM)
    except OSError:
        pass
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    os.close(master)
    ms = lambda t: None if t is None else (t - start) * 1000
    print(json.dumps({"firstByteMs": ms(first_byte), "markerMs": ms(seen), "output": output[:20000].decode("utf-8", "replace")}))
    return 0 if seen is not None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

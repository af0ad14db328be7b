"""keras-fix probe: the only Python keras-fix runs; reports what this interpreter has and how a model load fails.

The worker's entry point and loop; probe_facts.py, probe_load.py, probe_guard.py and probe_resave.py beside it
are run in its namespace (load_parts). Started as `python -u keras_probe.py` by src/core/probe/probe.ts, it speaks JSON lines: a `facts` event (versions, read
without importing anything heavy), then it imports Keras once (timed; a failing import is data) and writes a `ready`
event, then answers one request per stdin line (`load`, `resave-compare`, `env`, `quit`) with one response line.
Stdlib only; must import on Python 3.6+ with or without Keras installed (TF 1.15 projects still live on 3.6).
"""

import sys

if sys.version_info < (3, 6):
    # Checked before anything else so that an old interpreter fails with this line rather than an ImportError.
    # keras-fix (src/core/probe/probe.ts) then asks the interpreter its version and diagnoses python-too-old.
    sys.stderr.write("keras-fix needs Python 3.6 or newer; this is %s\n" % sys.version.split()[0])
    sys.exit(2)

import json
import os
import re
import subprocess
import tempfile
import threading
import time
import traceback
import warnings
import logging
import platform
import builtins
import importlib
import importlib.util
import inspect
import io

PROTOCOL = 1
PROBE_FILE = os.path.abspath(__file__)
# Seed of the random input resave-compare feeds to both the loaded and the reloaded model.
COMPARE_SEED = 1234
# Size given to unknown (None) non-batch dimensions: big enough for small conv nets (MobileNet needs 32).
UNKNOWN_DIM = 32
COMPARE_BATCH = 2
# The parts of a fix the fresh reload of a re-saved file still needs.
# allowStoredCode: the user allowed the original file's code; the re-saved file carries the same code.
RELOAD_FIX_KEYS = ("customObjectsModule", "customObjects", "safeMode", "legacyKeras", "allowStoredCode", "backend")

# Distribution names that provide each package (tensorflow-cpu installs its own dist name).
PACKAGE_DISTS = {
    "keras": ("keras", "keras-nightly"),
    "tensorflow": (
        "tensorflow",
        "tensorflow-cpu",
        "tensorflow-gpu",
        "tensorflow-intel",
        "tensorflow-macos",
        "tensorflow-aarch64",
        "tf-nightly",
        "tf-nightly-cpu",
    ),
    "tf_keras": ("tf-keras", "tf-keras-nightly"),
    "jax": ("jax",),
    "torch": ("torch",),
    "h5py": ("h5py",),
    "numpy": ("numpy",),
    "protobuf": ("protobuf",),
    "ml_dtypes": ("ml-dtypes",),
    "jaxlib": ("jaxlib",),
}

# Never write __pycache__ next to a user's custom-objects module (we must leave their folders as they were).
sys.dont_write_bytecode = True


class Channel(object):
    """Owns the real stdout: everything else (Keras, TF, absl, a user's print) is sent to stderr, at fd level too."""

    def __init__(self):
        sys.stdout.flush()
        real_fd = os.dup(1)
        os.dup2(2, 1)
        self._out = os.fdopen(real_fd, "w", encoding="utf-8")
        sys.stdout = sys.stderr
        self._lock = threading.Lock()

    def send(self, message):
        line = json.dumps(json_safe(message), allow_nan=False)
        with self._lock:
            self._out.write(line + "\n")
            self._out.flush()


def json_safe(value):
    """Plain JSON only: NaN/inf become null (JavaScript's JSON.parse rejects them), numpy scalars become numbers."""
    if isinstance(value, dict):
        return dict((str(k), json_safe(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if hasattr(value, "item"):
        try:
            return json_safe(value.item())
        except Exception:
            pass
    return str(value)


def watch_parent():
    """Exit when keras-fix is gone (even SIGKILLed): an orphaned worker holding TensorFlow must not linger."""
    if os.name != "posix":
        return
    parent = os.getppid()

    def run():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(3)

    thread = threading.Thread(target=run, name="keras-fix-parent-watch")
    thread.daemon = True
    thread.start()



# --------------------------------------------------------------------------------------------------------------
# The worker's other files, run in this namespace

PROBE_PARTS = ("probe_facts.py", "probe_load.py", "probe_guard.py", "probe_resave.py", "probe_reset.py")
PROBE_DIR = os.path.dirname(PROBE_FILE)
# Frames of these files are keras-fix's own, never the user's (exception_chain leaves them out).
PROBE_FILES = frozenset([PROBE_FILE] + [os.path.join(PROBE_DIR, part) for part in PROBE_PARTS])


def load_parts(namespace):
    """Runs each part in this module's namespace: one worker in several files, found beside this one by path, so
    that nothing is imported from the probe's folder (it must stay off sys.path, where a user's module could
    shadow it or it could shadow theirs)."""
    for part in PROBE_PARTS:
        path = os.path.join(PROBE_DIR, part)
        with io.open(path, encoding="utf-8") as source:
            exec(compile(source.read(), path, "exec"), namespace)


load_parts(globals())

# --------------------------------------------------------------------------------------------------------------
# The worker loop


def bring_home_module():
    """src/python/bring_home.py, loaded into this worker for the import step of bringing a model home. It works
    through this module's guard and loads, so it must find this very module (run as __main__) as keras_probe rather
    than import a second copy with a second guard."""
    sys.modules.setdefault("keras_probe", sys.modules[__name__])
    name = "keras_fix_bring_home"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, os.path.join(os.path.dirname(PROBE_FILE), "bring_home.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


def handle(state, request):
    op = request.get("op")
    if op == "bring-home-import":
        return {"result": bring_home_module().import_model(state, request)}
    if op == "env":
        return {"env": state.env}
    if op == "load":
        if request.get("fresh"):
            # keras-fix check: this load must see what a fresh Python would (probe_reset.py).
            restore_globals(state)
        result, _ = attempt_load(state, request.get("path"), request.get("fix") or {})
        return {"result": result}
    if op == "resave-compare":
        if state.runtime is None:
            result, _ = attempt_load(state, request.get("path"), request.get("fix") or {})
            return {"result": {"ok": False, "stage": "load", "outPath": request.get("out"), "load": result,
                               "saveSeconds": None, "reload": None, "maxAbsDiff": None, "inputShapes": None,
                               "error": None}}
        return {"result": resave_compare(state, request)}
    if op == "rebuild-load":
        return {"result": rebuild_load(state, request)}
    raise ValueError("unknown op %r" % (op,))


def serve(channel, state):
    while True:
        raw = sys.stdin.buffer.readline()
        if not raw:
            return
        if not raw.strip():
            continue
        request_id = None
        try:
            request = json.loads(raw.decode("utf-8"))
            if not isinstance(request, dict):
                raise ValueError("a request must be a JSON object")
            request_id = request.get("id")
            if request.get("op") == "quit":
                channel.send({"id": request_id, "op": "quit", "worker": state.stats()})
                quit_now()
            state.requests += 1
            response = handle(state, request)
        except Exception as exc:
            channel.send({"id": request_id, "error": exception_chain(exc), "worker": state.stats()})
            continue
        response["id"] = request_id
        response["op"] = request.get("op")
        response["worker"] = state.stats()
        channel.send(response)


def quit_now():
    """Ends the worker without the interpreter's shutdown: TensorFlow's teardown takes about half a second and
    there is nothing to save (every request's files are closed and its temporary folders removed already)."""
    sys.stderr.flush()
    os._exit(0)


def path_as_users_python_c():
    """sys.path as the user's own `python -c "...load_model(p)"` run in this folder has it: '' (the working directory)
    first, and not the probe's folder, which `python keras_probe.py` put there. Keras < 3.9 imports the module a
    custom class was saved from, so the first load must see the user's modules exactly as their load does."""
    probe_folder = os.path.realpath(os.path.dirname(PROBE_FILE))
    if sys.path and sys.path[0] and os.path.realpath(sys.path[0]) == probe_folder:
        sys.path[0] = ""


def main(argv):
    path_as_users_python_c()
    channel = Channel()
    watch_parent()
    if len(argv) >= 3 and argv[1] == "--reload-predict":
        reload_predict(channel, json.loads(argv[2]))
        return 0
    state = WorkerState(initial_env())
    channel.send({"event": "facts", "protocol": PROTOCOL, "env": state.env, "worker": state.stats()})
    start_keras(state)
    state.baseline = snapshot_globals(state)
    channel.send({"event": "ready", "protocol": PROTOCOL, "env": state.env, "worker": state.stats()})
    serve(channel, state)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""keras-fix probe: the only Python keras-fix runs; reports what this interpreter has and how a model load fails.

Started as `python -u keras_probe.py` by src/core/probe/probe.ts, it speaks JSON lines: a `facts` event (versions, read
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
# Facts read without importing Keras


def normalize_dist_name(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_distributions(requires=None):
    """Normalized distribution name -> version, first on sys.path wins (as imports do). A `requires` dict also gets
    the Requires-Dist lines of the distributions that matter (PACKAGE_DISTS), from the same single read."""
    wanted = set(normalize_dist_name(name) for names in PACKAGE_DISTS.values() for name in names)
    found = {}
    try:
        import importlib.metadata as metadata
    except ImportError:  # Python 3.6/3.7: read the *.dist-info / *.egg-info folders on sys.path
        metadata = None
    if metadata is not None:
        for dist in metadata.distributions():
            try:
                meta = dist.metadata  # parses METADATA once (dist.version would parse it again)
                name = normalize_dist_name(meta["Name"] or "")
                version = meta["Version"]
            except Exception:
                continue
            if name and name not in found:
                found[name] = version
                if requires is not None and name in wanted:
                    requires[name] = [str(line) for line in meta.get_all("Requires-Dist") or []]
        return found
    pattern = re.compile(r"^(?P<name>.+?)-(?P<version>[^-]+?)(-py\d[\d.]*)?\.(dist-info|egg-info)$")
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for item in names:
            match = pattern.match(item)
            if match and normalize_dist_name(match.group("name")) not in found:
                name = normalize_dist_name(match.group("name"))
                found[name] = match.group("version")
                if requires is not None and name in wanted:
                    requires[name] = read_dist_requires(os.path.join(entry or ".", item)) or []
    return found


def package_versions(dists=None):
    dists = installed_distributions() if dists is None else dists
    versions = {}
    for package, candidates in PACKAGE_DISTS.items():
        versions[package] = None
        for candidate in candidates:
            if normalize_dist_name(candidate) in dists:
                versions[package] = dists[normalize_dist_name(candidate)]
                break
    return versions


def read_dist_requires(folder):
    """Requires-Dist lines of one *.dist-info/METADATA (Python 3.6/3.7 have no importlib.metadata)."""
    import email.parser

    try:
        with open(os.path.join(folder, "METADATA"), "rb") as handle:
            message = email.parser.BytesHeaderParser().parse(handle)
    except (OSError, ValueError):
        return None
    return [str(line) for line in message.get_all("Requires-Dist") or []]


def distribution_requirements(dists, requires):
    """The distributions that matter with their declared requirements, raw: Node evaluates specifiers and markers
    (src/core/probe/requirements.ts), as `pip check` does."""
    return [{"name": name, "version": dists[name], "requires": requires[name]} for name in sorted(requires)]


def marker_environment():
    """The PEP 508 marker variables of this interpreter, so that Node can evaluate `; python_version < "3.11"`."""
    implementation = sys.implementation
    info = implementation.version
    full = "%d.%d.%d" % (info.major, info.minor, info.micro)
    if info.releaselevel != "final":
        full += info.releaselevel[0] + str(info.serial)
    return {
        "implementation_name": implementation.name,
        "implementation_version": full,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_python_implementation": platform.python_implementation(),
        "python_full_version": platform.python_version(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }


def major_minor(version):
    match = re.match(r"(\d+)(?:\.(\d+))?", version or "")
    if not match:
        return None
    return (int(match.group(1)), int(match.group(2) or 0))


def legacy_keras_requested():
    # TF >= 2.16 routes tf.keras to tf_keras on exactly these values (tensorflow/python/util/lazy_loader.py).
    return os.environ.get("TF_USE_LEGACY_KERAS") in ("true", "True", "1")


def keras_json_path():
    return os.path.join(os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras"), "keras.json")


def backend_choice(loader):
    """(backend, where it was set) as Keras 3 reads it: KERAS_BACKEND, then $KERAS_HOME/keras.json, then its
    default, tensorflow. `where` is "KERAS_BACKEND", the keras.json path, "default" or "tf.keras"."""
    if loader in ("tf.keras", "tf_keras"):
        return "tensorflow", "tf.keras"
    if loader is None:
        return None, None
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"], "KERAS_BACKEND"
    try:
        with open(keras_json_path()) as handle:
            backend = json.load(handle).get("backend")
        if backend:
            return str(backend), keras_json_path()
    except (OSError, ValueError, AttributeError):
        pass
    return "tensorflow", "default"


def configured_backend(loader):
    """The backend Keras will pick, read as Keras 3 reads it: KERAS_BACKEND, then $KERAS_HOME/keras.json."""
    return backend_choice(loader)[0]


def choose_loader(packages):
    """Which load_model a user's `keras.models.load_model` resolves to here."""
    keras_version = major_minor(packages.get("keras"))
    if legacy_keras_requested() and packages.get("tf_keras") and packages.get("tensorflow"):
        return "tf_keras"
    if keras_version and keras_version[0] >= 3:
        return "keras3"
    if packages.get("tensorflow"):
        return "tf.keras"
    if packages.get("keras"):
        return "keras2"
    return None


def initial_env():
    requires = {}
    dists = installed_distributions(requires)
    packages = package_versions(dists)
    loader = choose_loader(packages)
    backend, backend_source = backend_choice(loader)
    return {
        "python": {"path": sys.executable, "version": platform.python_version()},
        "packages": packages,
        "backend": backend,
        "backendSource": backend_source,
        "distributions": distribution_requirements(dists, requires),
        "markers": marker_environment(),
        "legacyKeras": loader == "tf_keras",
        "loader": loader,
        "importError": None,
        "importSeconds": None,
    }


# --------------------------------------------------------------------------------------------------------------
# Exceptions as data


def exception_chain(exc):
    """The chain as Python prints it: the first raised first (walking __cause__, then unsuppressed __context__)."""
    chain = []
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        if exc.__cause__ is not None:
            exc = exc.__cause__
        elif exc.__context__ is not None and not exc.__suppress_context__:
            exc = exc.__context__
        else:
            exc = None
    chain.reverse()
    return [describe_exception(item) for item in chain]


def describe_exception(exc):
    cls = type(exc)
    module = getattr(cls, "__module__", "builtins")
    qualname = getattr(cls, "__qualname__", cls.__name__)
    try:
        message = str(exc)
    except Exception:
        message = "<unprintable %s>" % cls.__name__
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list) and notes:
        message = "\n".join([message] + [str(note) for note in notes])
    frames = []
    for summary in traceback.extract_tb(exc.__traceback__):
        frames.append(
            {"file": summary.filename, "line": summary.lineno, "function": summary.name, "code": summary.line}
        )
    # The probe's own frames are noise for classification: those above the user-visible load call, and the guard's
    # pass-through wrappers that Keras' deserializers call on the way (the user's own load has neither).
    frames = [frame for frame in frames if os.path.abspath(frame["file"]) != PROBE_FILE]
    return {"type": qualname if module == "builtins" else module + "." + qualname, "message": message, "frames": frames}


def chain_from_message(type_name, message):
    return [{"type": type_name, "message": message, "frames": []}]


class CapturedOutput(object):
    """Collects warnings and WARNING+ log records (Keras 3 warns; tf.keras/absl log) during one load."""

    def __init__(self):
        self.lines = []
        self._handler = None
        self._loggers = []
        self._warnings = None
        self._records = None

    def __enter__(self):
        self._warnings = warnings.catch_warnings(record=True)
        self._records = self._warnings.__enter__()
        warnings.simplefilter("always")
        capture = self

        class Handler(logging.Handler):
            def emit(self, record):
                try:
                    capture.lines.append("%s:%s:%s" % (record.levelname, record.name, record.getMessage()))
                except Exception:
                    pass

        self._handler = Handler(level=logging.WARNING)
        # tensorflow's logger does not propagate to the root logger; absl's does.
        for name in (None, "tensorflow"):
            logger = logging.getLogger(name)
            logger.addHandler(self._handler)
            self._loggers.append(logger)
        return self

    def __exit__(self, *exc_info):
        for logger in self._loggers:
            logger.removeHandler(self._handler)
        records = list(self._records or [])
        self._warnings.__exit__(*exc_info)
        lines = ["%s: %s" % (item.category.__name__, item.message) for item in records] + self.lines
        unique = []
        for line in lines:
            if line not in unique:
                unique.append(line)
        self.lines = unique
        return False


# --------------------------------------------------------------------------------------------------------------
# Keras, imported once


class KerasRuntime(object):
    def __init__(self, loader, namespace, load_model, tensorflow):
        self.loader = loader
        self.keras = namespace
        self.load_model = load_model
        self.tf = tensorflow


class WorkerState(object):
    def __init__(self, env):
        self.env = env
        self.runtime = None
        self.keras_imports = 0
        self.requests = 0
        self.custom_modules = {}

    def stats(self):
        return {"pid": os.getpid(), "kerasImports": self.keras_imports, "requests": self.requests}


def import_keras(loader):
    """Imports the loader's Keras (TensorFlow too when it needs it) and returns its load_model."""
    tf = None
    if loader == "keras3":
        import keras

        namespace = keras
        load_model = keras.saving.load_model
    elif loader == "tf_keras":
        import tensorflow as tf
        import tf_keras

        namespace = tf_keras
        load_model = tf_keras.models.load_model
    elif loader == "tf.keras":
        import tensorflow as tf

        namespace = tf.keras
        load_model = namespace.models.load_model
    else:
        import keras

        namespace = keras
        load_model = keras.models.load_model
    return KerasRuntime(loader, namespace, load_model, tf or sys.modules.get("tensorflow"))


def disable_traceback_filtering(runtime):
    """Keras 3 and TF >= 2.7 strip their own frames from tracebacks; we want the raising frame."""
    config = getattr(runtime.keras, "config", None)
    for switch in (
        getattr(config, "disable_traceback_filtering", None),
        getattr(getattr(runtime.tf, "debugging", None), "disable_traceback_filtering", None),
    ):
        if switch is not None:
            try:
                switch()
            except Exception:
                pass


def imported_backend(runtime):
    if runtime.loader in ("tf.keras", "tf_keras"):
        return "tensorflow"
    for getter in (
        getattr(getattr(runtime.keras, "backend", None), "backend", None),
        getattr(getattr(runtime.keras, "config", None), "backend", None),
    ):
        if getter is not None:
            try:
                return str(getter())
            except Exception:
                pass
    return None


def start_keras(state):
    loader = state.env["loader"]
    if loader is None:
        return
    started = time.perf_counter()
    state.keras_imports += 1
    try:
        runtime = import_keras(loader)
    except (Exception, SystemExit) as exc:
        state.env["importError"] = exception_chain(exc)
        state.env["importSeconds"] = time.perf_counter() - started
        return
    state.env["importSeconds"] = time.perf_counter() - started
    state.runtime = runtime
    disable_traceback_filtering(runtime)
    state.env["backend"] = imported_backend(runtime) or state.env["backend"]
    version = getattr(runtime.keras, "__version__", None)
    if loader in ("keras3", "keras2") and version and not state.env["packages"].get("keras"):
        state.env["packages"]["keras"] = str(version)


# --------------------------------------------------------------------------------------------------------------
# Guard: a model's stored code never runs unless the user typed "yes"
#
# Keras' own safe_mode does not cover .h5/SavedModel Lambdas in tf.keras 2.x, Keras 2 and tf_keras, nor in Keras 3
# before 3.11.3; and Keras 3 < 3.9 and tf_keras import any module a .keras config names (CVE-2025-1550). So the
# probe guards the two doors itself, in every Keras line: the function unmarshalling every Lambda goes through
# (`func_load`), and the deserializers' `importlib`. Both refuse unless the fix carries `allowStoredCode: true`,
# which only the wizard's typed "yes" sets (safeMode: false alone does not).


class KerasFixRefusedLambda(ValueError):
    """A Lambda's stored bytecode was about to be unmarshalled; keras-fix refused before anything ran."""


class KerasFixRefusedImport(ImportError):
    """A model config named a module outside Keras and the user's own code; keras-fix refused to import it."""


# Reported as keras_fix.<Name> (not __main__.<Name>): the type is what keras-fix's classifier matches.
KerasFixRefusedLambda.__module__ = "keras_fix"
KerasFixRefusedImport.__module__ = "keras_fix"

# Where each Keras line keeps func_load (python_utils in Keras 3, generic_utils elsewhere, across versions).
FUNC_LOAD_MODULES = (
    "keras.src.utils.python_utils",
    "keras.utils.python_utils",
    "keras.src.utils.generic_utils",
    "keras.utils.generic_utils",
    "tf_keras.src.utils.generic_utils",
    "tensorflow.python.keras.utils.generic_utils",
    "tensorflow_core.python.keras.utils.generic_utils",
)
# The deserializers that `importlib.import_module(config["module"])` (Keras 3, Keras 2.13-2.15, tf_keras).
SERIALIZATION_MODULES = (
    "keras.src.saving.serialization_lib",
    "keras.saving.serialization_lib",
    "tf_keras.src.saving.serialization_lib",
)
ALLOWED_IMPORT_ROOTS = ("keras", "keras_hub", "keras_cv", "keras_nlp", "tf_keras", "tensorflow", "tensorflow_core")
# Keras' public API hands out more than model parts: a config naming keras.utils.get_file as a "layer" has the
# functional rebuild call it with the file's arguments (CVE-2025-8747, open in Keras 3 < 3.11 and in tf_keras), and
# the API path never goes through importlib. These load, save, fetch, run or change settings; no model is built of them.
NON_MODELING_NAMES = frozenset([
    "get_file", "extract_archive", "load_img", "save_img", "load_model", "save_model", "model_from_json",
    "model_from_yaml", "model_from_config", "load_weights", "save_weights", "deserialize_keras_object",
    "serialize_keras_object", "register_keras_serializable", "enable_unsafe_deserialization", "clear_session",
    "image_dataset_from_directory", "text_dataset_from_directory", "audio_dataset_from_directory",
    "read_file", "write_file", "py_function", "numpy_function", "py_func", "eager_py_func",
])
# Modules whose every function or class touches files, processes or the network (tf.io, tf.io.gfile, tf.py_function...).
NON_MODELING_MODULE = re.compile(
    r"(^|\.)(gen_)?(io_ops|script_ops|summary_ops)$|(^|\.)(file_io|gfile|file_utils|saving_api|saving_lib|image_utils|"
    r"dataset_utils|audio_dataset_utils|image_dataset_utils|text_dataset_utils)$|(^|\.)saved_model(\.|$)"
)
# Swapped-in code objects reach the guard through this sys.modules entry (they run with Keras' module globals).
GUARD_MODULE = "keras_fix_guard"


def _guarded_func_load(code, defaults=None, closure=None, globs=None):
    # Becomes the __code__ of every func_load: `__name__` is then the Keras module's name, so the guard can call
    # that module's original func_load once the user has allowed stored code.
    import sys

    return sys.modules["keras_fix_guard"].func_load(__name__, code, defaults, closure, globs)


class ImportlibGuard(object):
    """Stands in for `importlib` inside a deserializer module: import_module asks the guard first."""

    def __init__(self, real, guard):
        self._real = real
        self._guard = guard

    def import_module(self, name, package=None):
        caller = sys._getframe(1).f_locals
        return self._guard.import_module(self._real, name, package, caller.get("name"))

    def __getattr__(self, attribute):
        return getattr(self._real, attribute)


class Guard(object):
    def __init__(self):
        self.allow_stored_code = False
        self.user_files = []
        self.originals = {}  # Keras module name -> a copy of its original func_load
        self.patched = set()  # id() of func_load functions already swapped
        self.refusals = 0
        module = type(sys)(GUARD_MODULE)
        module.func_load = self.func_load
        sys.modules[GUARD_MODULE] = module

    def install(self):
        """Patches every func_load and deserializer present now; called again before each load (lazy imports)."""
        for name in FUNC_LOAD_MODULES + SERIALIZATION_MODULES:
            if name.split(".")[0] in sys.modules and name not in sys.modules:
                try:
                    importlib.import_module(name)
                except Exception:
                    pass
        for name, module in list(sys.modules.items()):
            if module is None or name.split(".")[0] not in ALLOWED_IMPORT_ROOTS:
                continue
            namespace = getattr(module, "__dict__", {})
            function = namespace.get("func_load")
            if inspect.isfunction(function) and id(function) not in self.patched:
                self.patch_func_load(function)
            if namespace.get("importlib") is importlib and name.endswith("serialization_lib"):
                namespace["importlib"] = ImportlibGuard(importlib, self)
            retrieve = namespace.get("_retrieve_class_or_fn")
            if name.endswith("serialization_lib") and inspect.isfunction(retrieve) and id(retrieve) not in self.patched:
                namespace["_retrieve_class_or_fn"] = self.checked_retrieve(retrieve)

    def checked_retrieve(self, retrieve):
        """Wraps a deserializer's _retrieve_class_or_fn: what a config resolves to must be a model part."""
        guard = self

        def _retrieve_class_or_fn(name, registered_name, module, *args, **kwargs):
            found = retrieve(name, registered_name, module, *args, **kwargs)
            if not guard.allow_stored_code and is_non_modeling(found, module):
                guard.refusals += 1
                raise KerasFixRefusedImport(
                    "keras-fix refused to use %s while loading the model: the file names it where a model part belongs, "
                    "and it loads, saves, fetches or runs things on this machine (CVE-2025-8747). Nothing from it ran."
                    % describe_callable(found),
                    name=getattr(found, "__module__", None),
                )
            return found

        self.patched.add(id(_retrieve_class_or_fn))
        return _retrieve_class_or_fn

    def patch_func_load(self, function):
        if function.__code__.co_freevars:
            return  # not the plain module-level func_load we know; never seen in any Keras
        owner = function.__globals__.get("__name__")
        self.originals[owner] = type(function)(
            function.__code__, function.__globals__, function.__name__, function.__defaults__, function.__closure__
        )
        function.__code__ = _guarded_func_load.__code__
        self.patched.add(id(function))

    def scope(self, fix, user_files):
        return GuardScope(self, fix.get("allowStoredCode") is True, user_files)

    def func_load(self, owner, code, defaults, closure, globs):
        if self.allow_stored_code:
            return self.originals[owner](code, defaults=defaults, closure=closure, globs=globs)
        self.refusals += 1
        layer = layer_being_loaded(sys._getframe(2))
        raise KerasFixRefusedLambda(
            "keras-fix refused to run the Python bytecode stored for %s before it ran: loading it would execute "
            "code from the model file on this machine. Only if you trust the file, allow it by running keras-fix "
            "without --auto and typing yes when asked."
            % ("Lambda layer '%s'" % layer if layer else "a Lambda layer")
        )

    def import_module(self, real, name, package, wanted):
        if self.allow_stored_code or self.may_import(real, name, package):
            return real.import_module(name, package)
        if name == "__main__" or (name == "builtins" and isinstance(wanted, str) and not hasattr(builtins, wanted)):
            # Keras looks custom objects saved from a script or notebook up in __main__ (here: keras-fix itself), and
            # custom functions Keras saved as module "builtins" up in builtins: an empty stand-in gives Keras' usual
            # "could not locate" error (a missing custom object) and hands out nothing real.
            return type(sys)(name)
        self.refusals += 1
        raise KerasFixRefusedImport(
            "keras-fix refused to import module '%s'%s while loading the model: the file asks Keras to import it, "
            "and code outside Keras, TensorFlow and your own files (the current folder, PYTHONPATH, --custom-objects) can do "
            "anything on this machine. Nothing from it ran."
            % (name, " (for '%s')" % wanted if isinstance(wanted, str) and wanted else ""),
            name=name,
        )

    def may_import(self, real, name, package):
        if not isinstance(name, str) or name.startswith(".") or package:
            return False
        if name.split(".")[0] in ALLOWED_IMPORT_ROOTS:
            return True
        return self.is_user_code(real, name)

    def is_user_code(self, real, name):
        """The module (or its top package) is a file under the working directory or PYTHONPATH, or the
        --custom-objects file, or does not exist at all."""
        top = name.split(".")[0]
        loaded = sys.modules.get(name) or sys.modules.get(top)
        if loaded is not None:
            origin = getattr(loaded, "__file__", None)
        else:
            try:
                # For a top-level name this only searches sys.path: nothing is imported or run.
                spec = real.util.find_spec(top)
            except (ImportError, ValueError):
                return False
            if spec is None:
                return True  # nothing by that name: the import fails as usual (a custom object the user must supply)
            origin = spec.origin
        if not origin or not os.path.isabs(origin):
            return False  # built-in, frozen, namespace package
        origin = os.path.realpath(origin)
        if origin in self.user_files:
            return True
        if in_site_packages(origin):
            return False
        return any(origin.startswith(root + os.sep) for root in user_code_roots())


def is_non_modeling(found, requested_module):
    """A function or class that no model is made of, reached through a Keras or TensorFlow module the config named:
    a file/process/network API by name or by module, or a foreign function a Keras module happens to import."""
    if found is None or inspect.ismodule(found):
        return False
    module = getattr(found, "__module__", None) or ""
    if NON_MODELING_MODULE.search(module):
        return True
    if inspect.isclass(found):
        return False
    if getattr(found, "__name__", None) in NON_MODELING_NAMES:
        return True
    via_keras = isinstance(requested_module, str) and requested_module.split(".")[0] in ALLOWED_IMPORT_ROOTS
    return via_keras and callable(found) and module.split(".")[0] not in ALLOWED_IMPORT_ROOTS


def describe_callable(found):
    return "%s.%s" % (getattr(found, "__module__", "?"), getattr(found, "__qualname__", getattr(found, "__name__", "?")))


def user_code_roots():
    """The folders whose files are the user's own code: the working directory, and the folders the user put on
    PYTHONPATH themselves (their own load imports from there too; site-packages never counts)."""
    roots = [os.getcwd()] + [entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry]
    return [os.path.realpath(root) for root in roots]


def in_site_packages(path):
    parts = path.split(os.sep)
    return "site-packages" in parts or "dist-packages" in parts


def layer_being_loaded(frame):
    """The name in the nearest caller's `config` (Lambda.from_config and friends), for the refusal message."""
    depth = 0
    while frame is not None and depth < 12:
        config = frame.f_locals.get("config")
        if isinstance(config, dict) and isinstance(config.get("name"), str):
            return config["name"]
        frame = frame.f_back
        depth += 1
    return None


class GuardScope(object):
    """The guard state for one load: stored code allowed only when the fix says so; refused again afterwards."""

    def __init__(self, guard, allow, user_files):
        self._guard = guard
        self._allow = allow
        self._user_files = [os.path.realpath(path) for path in user_files if path]

    def __enter__(self):
        self._guard.install()
        self._guard.allow_stored_code = self._allow
        self._guard.user_files = self._user_files
        return self._guard

    def __exit__(self, *exc_info):
        self._guard.allow_stored_code = False
        self._guard.user_files = []
        return False


GUARD = Guard()


# --------------------------------------------------------------------------------------------------------------
# Fixes


def shim_depthwise_conv2d_groups(runtime):
    """Keras 2 DepthwiseConv2D configs carry `groups`, which Keras 3 rejects (keras#19151): drop it."""
    base = runtime.keras.layers.DepthwiseConv2D

    class DepthwiseConv2D(base):
        def __init__(self, *args, **kwargs):
            kwargs.pop("groups", None)
            super(DepthwiseConv2D, self).__init__(*args, **kwargs)

    # Serialized under the public name, a re-saved model refers to the built-in layer and loads without the shim.
    DepthwiseConv2D.__module__ = "keras.layers" if runtime.loader == "keras3" else base.__module__
    return {"DepthwiseConv2D": DepthwiseConv2D}


SHIMS = {"depthwise-conv2d-groups": shim_depthwise_conv2d_groups}


def import_module_from_path(state, path):
    """Imports a user's .py file under its own name (so class __module__ matches), siblings importable meanwhile."""
    path = os.path.abspath(path)
    stat = os.stat(path)
    fingerprint = (stat.st_mtime, stat.st_size)
    cached = state.custom_modules.get(path)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    name = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0]) or "custom_objects"
    existing = sys.modules.get(name)
    if existing is not None and os.path.abspath(getattr(existing, "__file__", "") or "") != path:
        # Never shadow an imported module (a user file named keras.py or json.py).
        name = "keras_fix_user_" + name
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot import %s as a Python module" % path)
    module = importlib.util.module_from_spec(spec)
    folder = os.path.dirname(path)
    previous = sys.modules.get(name)
    sys.modules[name] = module
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if previous is not None:
            sys.modules[name] = previous
        else:
            sys.modules.pop(name, None)
        raise
    finally:
        if folder in sys.path:
            sys.path.remove(folder)
    state.custom_modules[path] = (fingerprint, module)
    return module


def custom_objects_for(state, fix):
    objects = {}
    module_path = fix.get("customObjectsModule")
    mapping = fix.get("customObjects") or {}
    if mapping and not module_path:
        raise ValueError("customObjects needs customObjectsModule: the file that defines them")
    if module_path:
        module = import_module_from_path(state, module_path)
        for key, attribute in mapping.items():
            objects[key] = getattr(module, attribute)
    for shim in fix.get("shims") or []:
        if shim not in SHIMS:
            raise ValueError("unknown shim %r (known: %s)" % (shim, ", ".join(sorted(SHIMS))))
        objects.update(SHIMS[shim](state.runtime))
    return objects


def check_fix_fits_backend(state, fix):
    """A fix that names a Keras 3 backend must run in a worker started with KERAS_BACKEND set to it."""
    wanted = fix.get("backend")
    if wanted and state.runtime is not None and imported_backend(state.runtime) != wanted:
        raise ValueError(
            "backend %s needs a worker started with KERAS_BACKEND=%s (this one runs %s)"
            % (wanted, wanted, imported_backend(state.runtime))
        )


def check_fix_fits_loader(state, fix):
    loader = state.runtime.loader
    if fix.get("legacyKeras") and loader != "tf_keras":
        raise RuntimeError(
            "legacyKeras needs a worker started with TF_USE_LEGACY_KERAS=1 and tf_keras installed "
            "(this one loads with %s; tf_keras %s)"
            % (loader, "is installed" if state.env["packages"].get("tf_keras") else "is not installed")
        )
    if fix.get("tfsmLayer") and loader != "keras3":
        raise RuntimeError("TFSMLayer exists only in Keras 3 (this worker loads with %s)" % loader)


def accepts_argument(function, name):
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return True
    return name in parameters or any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters.values())


class Scopes(object):
    """Enters several context managers, in order, and leaves them in reverse order."""

    def __init__(self, managers):
        self._managers = [m for m in managers if m is not None]
        self._entered = []

    def __enter__(self):
        for manager in self._managers:
            manager.__enter__()
            self._entered.append(manager)
        return self

    def __exit__(self, *exc_info):
        while self._entered:
            self._entered.pop().__exit__(*exc_info)
        return False


def custom_object_scope(runtime, objects):
    # Keras 3.0-3.2 drop custom_objects for .h5 files; a scope is honoured on every path and version.
    for owner in (getattr(runtime.keras, "saving", None), getattr(runtime.keras, "utils", None)):
        scope = getattr(owner, "custom_object_scope", None) or getattr(owner, "CustomObjectScope", None)
        if scope is not None:
            return scope(objects)
    return None


def unsafe_scope(runtime, fix):
    # Keras 3 before 3.12 does not forward safe_mode to .h5 loading; the scope reaches Lambda.from_config there.
    if runtime.loader != "keras3" or fix.get("safeMode") is not False:
        return None
    try:
        from keras.src.saving.serialization_lib import SafeModeScope
    except ImportError:
        return None
    return SafeModeScope(False)


def clear_session(runtime):
    for owner in (getattr(runtime.keras, "backend", None), getattr(runtime.keras, "utils", None)):
        clear = getattr(owner, "clear_session", None)
        if clear is not None:
            try:
                clear()
            except Exception:
                pass
            return


def model_summary(model):
    try:
        params = int(model.count_params())
    except Exception:
        params = None
    return {"className": type(model).__name__, "params": params}


def load_with_fix(state, path, fix, objects, notes):
    """Loads the model (or wraps a SavedModel in TFSMLayer) as the fix says; raises what Keras raises."""
    runtime = state.runtime
    if fix.get("tfsmLayer"):
        return load_tfsm_layer(runtime, path, fix["tfsmLayer"], notes)
    kwargs = {}
    if objects:
        kwargs["custom_objects"] = objects
    if fix.get("compile") is not None:
        kwargs["compile"] = bool(fix["compile"])
    if fix.get("safeMode") is not None:
        if accepts_argument(runtime.load_model, "safe_mode"):
            kwargs["safe_mode"] = bool(fix["safeMode"])
        else:
            notes.append("this loader has no safe_mode argument; it was not passed")
    clear_session(runtime)
    guard = GUARD.scope(fix, [fix.get("customObjectsModule")])
    refused_before = GUARD.refusals
    with Scopes([guard, custom_object_scope(runtime, objects) if objects else None, unsafe_scope(runtime, fix)]):
        model = runtime.load_model(path, **kwargs)
    if GUARD.refusals > refused_before:
        # SavedModel: Keras falls back to the traced graph when a layer's config cannot be rebuilt.
        notes.append(
            "keras-fix refused the Python bytecode stored for a Lambda; Keras rebuilt the model from the graph "
            "saved with it instead, so none of the file's Python code ran"
        )
    return model


def saved_model_endpoints(runtime, path):
    try:
        loaded = runtime.tf.saved_model.load(path)
        names = list(loaded.signatures.keys())
    except Exception:
        return []
    return names


def load_tfsm_layer(runtime, path, options, notes):
    """Keras 3 reads a TF SavedModel only as an inference layer; wrap it in a one-layer model when we can."""
    endpoint = options.get("callEndpoint") or "serving_default"
    layer = runtime.keras.layers.TFSMLayer(path, call_endpoint=endpoint)
    try:
        return tfsm_model(runtime, layer)
    except Exception as exc:
        notes.append("could not build a model around the TFSMLayer: %s: %s" % (type(exc).__name__, exc))
        return layer


def tfsm_model(runtime, layer):
    args, kwargs = layer.call_endpoint_fn.structured_input_signature
    specs = list(args) + [kwargs[name] for name in sorted(kwargs)]
    if len(specs) != 1:
        raise ValueError("the endpoint takes %d inputs; build the model around the layer yourself" % len(specs))
    spec = specs[0]
    shape = list(spec.shape)[1:]
    # A positional tensor works for keyword-only signatures too (TFSMLayer passes it on; seen with TF 2.21).
    inputs = runtime.keras.Input(shape=tuple(shape), dtype=spec.dtype.name)
    return runtime.keras.Model(inputs, layer(inputs))


def attempt_load(state, path, fix):
    """One load as data: LoadAttempt (ok, seconds, chain, warnings, model) plus the stage that failed."""
    started = time.perf_counter()
    notes = []
    result = {"ok": False, "seconds": 0.0, "chain": [], "warnings": [], "model": None, "stage": None, "endpoints": None}
    model = None
    with CapturedOutput() as captured:
        if state.runtime is None:
            result["stage"] = "import-keras"
            result["chain"] = state.env["importError"] or missing_keras_chain()
        else:
            # "fix": the fix itself failed (the user's module raised, a wrong shim id); "load": Keras refused.
            stage = "fix"
            try:
                check_fix_fits_loader(state, fix)
                check_fix_fits_backend(state, fix)
                objects = custom_objects_for(state, fix)
                stage = "load"
                model = load_with_fix(state, path, fix, objects, notes)
                result["ok"] = True
                result["model"] = model_summary(model)
            except (Exception, SystemExit) as exc:
                result["stage"] = stage
                result["chain"] = exception_chain(exc)
                if fix.get("tfsmLayer"):
                    result["endpoints"] = saved_model_endpoints(state.runtime, path)
    result["warnings"] = captured.lines + notes
    result["seconds"] = time.perf_counter() - started
    return result, model


def missing_keras_chain():
    """No Keras here: the error `import keras` gives is the honest answer."""
    try:
        importlib.import_module("keras")
    except (Exception, SystemExit) as exc:
        return exception_chain(exc)
    return chain_from_message("ModuleNotFoundError", "No module named 'keras'")


# --------------------------------------------------------------------------------------------------------------
# Re-save and compare


def can_write_keras_zip(state):
    loader = state.runtime.loader
    if loader in ("keras3", "tf_keras"):
        return True
    # tf.keras writes the .keras zip from TF 2.13 (2.12 still wrote the legacy format under that name).
    version = major_minor(state.env["packages"].get("tensorflow"))
    return loader == "tf.keras" and version is not None and version >= (2, 13)


def check_out_path(state, source, out):
    if not out.endswith(".keras"):
        raise ValueError("the re-saved model must go to a .keras path, got %s" % out)
    if os.path.exists(out):
        raise FileExistsError("refusing to overwrite %s: re-save writes a new file only" % out)
    if os.path.realpath(out) == os.path.realpath(source):
        raise ValueError("refusing to re-save over the input model %s" % source)
    if not can_write_keras_zip(state):
        raise RuntimeError("this Keras (%s) cannot write the .keras format" % state.runtime.loader)


def input_specs(model):
    specs = []
    for tensor in list(getattr(model, "inputs", None) or []):
        shape = [dim if isinstance(dim, int) or dim is None else getattr(dim, "value", dim) for dim in tensor.shape]
        dtype = getattr(tensor.dtype, "name", tensor.dtype)
        specs.append((shape, str(dtype)))
    if not specs:
        raise ValueError("the model declares no inputs, so there is nothing to feed it")
    return specs


def random_inputs(np, specs):
    rng = np.random.RandomState(COMPARE_SEED)
    arrays = []
    for shape, dtype in specs:
        concrete = [
            COMPARE_BATCH if i == 0 and dim is None else (UNKNOWN_DIM if dim is None else dim)
            for i, dim in enumerate(shape)
        ]
        kind = np.dtype(dtype).kind
        if kind in "iu":
            arrays.append(rng.randint(0, 2, size=concrete).astype(dtype))
        elif kind == "b":
            arrays.append(rng.randint(0, 2, size=concrete).astype(bool))
        elif kind == "f":
            arrays.append(rng.standard_normal(concrete).astype(dtype))
        else:
            raise ValueError("cannot make random input of dtype %s" % dtype)
    return arrays


def flatten_outputs(np, outputs):
    if isinstance(outputs, dict):
        return [array for key in sorted(outputs) for array in flatten_outputs(np, outputs[key])]
    if isinstance(outputs, (list, tuple)):
        return [array for item in outputs for array in flatten_outputs(np, item)]
    return [np.asarray(outputs)]


def predict(np, model, arrays):
    return flatten_outputs(np, model.predict(arrays[0] if len(arrays) == 1 else arrays, verbose=0))


def max_abs_diff(np, expected, got):
    if len(expected) != len(got):
        raise ValueError("the reloaded model has %d outputs, the original %d" % (len(got), len(expected)))
    worst = 0.0
    for a, b in zip(expected, got):
        if a.shape != b.shape:
            raise ValueError("output shapes differ: %s vs %s" % (a.shape, b.shape))
        a64 = a.astype("float64")
        b64 = b.astype("float64")
        both_nan = np.isnan(a64) & np.isnan(b64)
        diff = np.where(both_nan, 0.0, np.abs(a64 - b64))
        if diff.size:
            worst = max(worst, float(np.nan_to_num(diff, nan=np.inf).max()))
    return worst


def stage_failure(result, stage, exc):
    result["stage"] = stage
    result["error"] = exception_chain(exc)
    return result


def resave_compare(state, request):
    path = request.get("path")
    out = request.get("out") or ""
    fix = request.get("fix") or {}
    result = {"ok": False, "stage": None, "outPath": out, "load": None, "saveSeconds": None, "reload": None,
              "maxAbsDiff": None, "inputShapes": None, "error": None}
    load, model = attempt_load(state, path, fix)
    result["load"] = load
    if not load["ok"]:
        result["stage"] = "load"
        return result
    if fix.get("tfsmLayer"):
        return stage_failure(result, "save", ValueError("a TFSMLayer wrapper is not a model to migrate; re-export it"))
    started = time.perf_counter()
    try:
        check_out_path(state, path, out)
        with CapturedOutput():
            model.save(out)
    except (Exception, SystemExit) as exc:
        return stage_failure(result, "save", exc)
    result["saveSeconds"] = time.perf_counter() - started
    workdir = tempfile.mkdtemp(prefix="keras-fix-compare-")
    try:
        try:
            import numpy as np

            arrays = random_inputs(np, input_specs(model))
            result["inputShapes"] = [list(a.shape) for a in arrays]
            expected = predict(np, model, arrays)
            np.savez(os.path.join(workdir, "inputs.npz"), *arrays)
        except (Exception, SystemExit) as exc:
            return stage_failure(result, "predict", exc)
        # Shims are left out on purpose: the new file must load with plain Keras (plus the user's own code).
        reload_fix = dict((k, fix[k]) for k in RELOAD_FIX_KEYS if k in fix)
        return reload_and_compare(np, result, out, reload_fix, workdir, expected)
    finally:
        remove_tree(workdir)


def reload_and_compare(np, result, out, fix, workdir, expected):
    """The new file, loaded in a fresh Python with `fix`, must give the outputs `expected` on the saved inputs."""
    reload = reload_in_fresh_process(out, fix, workdir)
    result["reload"] = reload
    if not reload["ok"]:
        result["stage"] = "reload"
        return result
    try:
        with np.load(os.path.join(workdir, "outputs.npz")) as saved:
            got = [saved["arr_%d" % i] for i in range(len(saved.files))]
        result["maxAbsDiff"] = max_abs_diff(np, expected, got)
    except (Exception, SystemExit) as exc:
        return stage_failure(result, "compare", exc)
    result["ok"] = True
    return result


def remove_tree(folder):
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files:
            os.remove(os.path.join(root, name))
        for name in dirs:
            os.rmdir(os.path.join(root, name))
    os.rmdir(folder)


def reload_in_fresh_process(model_path, fix, workdir):
    """A brand-new interpreter (same one, same environment) proves the new file loads without our warm state."""
    request = {"path": model_path, "fix": fix, "inputs": os.path.join(workdir, "inputs.npz"),
               "outputs": os.path.join(workdir, "outputs.npz")}
    completed = subprocess.run(
        [sys.executable, "-u", PROBE_FILE, "--reload-predict", json.dumps(request)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    stderr = completed.stderr.decode("utf-8", "replace")
    sys.stderr.write(stderr)
    for line in reversed(completed.stdout.decode("utf-8", "replace").splitlines()):
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict) and "reload" in message:
            return message["reload"]
    tail = stderr[-2000:]
    return {"ok": False, "seconds": 0.0, "warnings": [], "model": None, "stage": "reload-process",
            "chain": chain_from_message(
                "ProbeReloadFailed", "the fresh Python exited with %s: %s" % (completed.returncode, tail)
            )}


def reload_predict(channel, request):
    """Child mode of resave-compare: load the new file cold, predict on the saved inputs, save the outputs."""
    state = WorkerState(initial_env())
    start_keras(state)
    load, model = attempt_load(state, request["path"], request.get("fix") or {})
    if load["ok"]:
        try:
            import numpy as np

            with np.load(request["inputs"]) as saved:
                arrays = [saved["arr_%d" % i] for i in range(len(saved.files))]
            np.savez(request["outputs"], *predict(np, model, arrays))
        except (Exception, SystemExit) as exc:
            load["ok"] = False
            load["stage"] = "predict"
            load["chain"] = exception_chain(exc)
    channel.send({"reload": load})


# --------------------------------------------------------------------------------------------------------------
# The worker loop


# --------------------------------------------------------------------------------------------------------------
# Rebuild a model in code (keras-fix's generated build_model() script) and load only its weights: nothing from
# the model file runs. Proven when every weight of the rebuilt model equals an array the file stores and every
# stored array is used; with `out`, the rebuilt model is re-saved and reloaded in a fresh Python (safe mode).


def stored_weight_arrays(path):
    """(path, array) for every weight array the file stores: legacy HDF5 model_weights, or a .keras zip's
    model.weights.h5. The optimizer's state is left out: it is not part of the model."""
    import io
    import zipfile

    import h5py
    import numpy as np

    arrays = []

    def collect(group, prefix):
        for key in group.keys():
            item = group.get(key)
            if isinstance(item, h5py.Dataset):
                arrays.append((prefix + key, np.asarray(item[()])))
            elif isinstance(item, h5py.Group) and not (prefix == "" and key == "optimizer"):
                collect(item, prefix + key + "/")

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            if "model.weights.h5" not in archive.namelist():
                raise ValueError("the archive has no model.weights.h5")
            data = archive.read("model.weights.h5")
        with h5py.File(io.BytesIO(data), "r") as weights:
            collect(weights, "")
    else:
        with h5py.File(path, "r") as weights:
            root = weights["model_weights"] if "model_weights" in weights else weights
            collect(root, "")
    return arrays


def weight_match(np, model, stored):
    """Each model weight must equal one stored array (same shape, dtype and bytes), each used once."""
    import hashlib

    def key(array):
        array = np.ascontiguousarray(array)
        return (tuple(array.shape), array.dtype.str, hashlib.sha1(array.tobytes()).hexdigest())

    pool = {}
    for name, array in stored:
        pool.setdefault(key(array), []).append(name)
    unmatched = []
    matched = 0
    for weight in model.weights:
        value = weight.numpy() if hasattr(weight, "numpy") else np.asarray(weight)
        names = pool.get(key(np.asarray(value)))
        if names:
            names.pop()
            matched += 1
        else:
            unmatched.append({"name": str(getattr(weight, "path", None) or weight.name), "shape": list(np.shape(value))})
    unused = [{"name": name, "shape": None} for names in pool.values() for name in names]
    return {"model": len(model.weights), "stored": len(stored), "matched": matched, "unmatched": unmatched[:50],
            "unused": unused[:50], "unusedCount": len(unused)}


def rebuild_load(state, request):
    result = {"ok": False, "stage": None, "error": None, "model": None, "weights": None, "outPath": None,
              "reload": None, "maxAbsDiff": None, "seconds": 0.0}
    started = time.perf_counter()
    if state.runtime is None:
        result["stage"] = "import-keras"
        result["error"] = state.env["importError"] or missing_keras_chain()
        return result
    stage = "import-script"
    try:
        import numpy as np

        with CapturedOutput():
            module = import_module_from_path(state, request["script"])
            stage = "build"
            model = module.build_model()
            stage = "read-weights"
            stored = stored_weight_arrays(request["path"])
            stage = "load-weights"
            model.load_weights(request["path"])
        result["model"] = model_summary(model)
        stage = "check-weights"
        result["weights"] = weight_match(np, model, stored)
    except (Exception, SystemExit) as exc:
        result["seconds"] = time.perf_counter() - started
        return stage_failure(result, stage, exc)
    weights = result["weights"]
    result["ok"] = not weights["unmatched"] and weights["unusedCount"] == 0 and weights["matched"] > 0
    if not result["ok"]:
        result["stage"] = "check-weights"
    out = request.get("out")
    if result["ok"] and out:
        result["ok"] = False
        result["outPath"] = out
        try:
            check_out_path(state, request["path"], out)
            with CapturedOutput():
                model.save(out)
        except (Exception, SystemExit) as exc:
            return stage_failure(result, "save", exc)
        workdir = tempfile.mkdtemp(prefix="keras-fix-rebuild-")
        try:
            try:
                arrays = random_inputs(np, input_specs(model))
                expected = predict(np, model, arrays)
                np.savez(os.path.join(workdir, "inputs.npz"), *arrays)
            except (Exception, SystemExit) as exc:
                return stage_failure(result, "predict", exc)
            # The fresh Python imports the generated script (which registers the Lambda functions) and loads the
            # new file in safe mode: it must not need to run any bytecode.
            reload_and_compare(np, result, out, {"customObjectsModule": request["script"]}, workdir, expected)
        finally:
            remove_tree(workdir)
    result["seconds"] = time.perf_counter() - started
    return result


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
                return
            state.requests += 1
            response = handle(state, request)
        except Exception as exc:
            channel.send({"id": request_id, "error": exception_chain(exc), "worker": state.stats()})
            continue
        response["id"] = request_id
        response["op"] = request.get("op")
        response["worker"] = state.stats()
        channel.send(response)


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
    channel.send({"event": "ready", "protocol": PROTOCOL, "env": state.env, "worker": state.stats()})
    serve(channel, state)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

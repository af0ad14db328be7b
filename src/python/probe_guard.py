# The guard: a model's stored code never runs unless the user typed "yes".
#
# A part of the probe worker, not a module of its own: keras_probe.py runs this file in its own namespace
# (load_parts), so the names of keras_probe.py and of its other parts are this file's globals, and the probe's folder
# never goes on sys.path. Stdlib only; Python 3.6+.

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
# Classes that read or load files named in their own config: judged by the class a config's name resolved to (any
# spelling: "layers.TFSMLayer", a registered "pkg>Name", a module path), through their from_config.
LOADS_FROM_CONFIG = ("TFSMLayer", "TorchModuleWrapper")
VOCABULARY_READERS = ("StringLookup", "IntegerLookup", "TextVectorization", "IndexLookup")
TOKENIZER_FILE_KEYS = ("vocabulary", "merges", "proto", "spm_proto")
OUTSIDE_READER_ROOTS = ("keras", "tf_keras", "keras_hub", "keras_nlp", "tensorflow")
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
            for class_name in LOADS_FROM_CONFIG + VOCABULARY_READERS:
                found = namespace.get(class_name)
                if inspect.isclass(found):
                    self.guard_outside_reader(found)
            if name.split(".")[0] in ("keras_hub", "keras_nlp"):
                for found in list(namespace.values()):
                    if inspect.isclass(found) and reads_outside_files(found):
                        self.guard_outside_reader(found)

    def guard_outside_reader(self, cls):
        """Wraps a class's from_config: a config pointing outside the model is refused before the class reads it."""
        if not reads_outside_files(cls):
            return
        bound = getattr(cls, "from_config", None)
        original = getattr(bound, "__func__", None)
        if original is None or getattr(original, "_keras_fix_guarded", False) or id(cls) in self.patched:
            return
        guard = self

        def from_config(klass, config, *args, **kwargs):
            outside = None if guard.allow_stored_code else outside_reference(klass, config)
            if outside:
                guard.refusals += 1
                raise KerasFixRefusedImport(
                    "keras-fix refused to build %s while loading the model: its config %s, outside the model file. "
                    "Nothing was read." % (klass.__name__, outside),
                    name=getattr(klass, "__module__", None),
                )
            return original(klass, config, *args, **kwargs)

        from_config._keras_fix_guarded = True
        try:
            cls.from_config = classmethod(from_config)
        except (TypeError, AttributeError):
            return
        self.patched.add(id(cls))

    def checked_retrieve(self, retrieve):
        """Wraps a deserializer's _retrieve_class_or_fn: what a config resolves to must be a model part."""
        guard = self

        def _retrieve_class_or_fn(name, registered_name, module, *args, **kwargs):
            found = retrieve(name, registered_name, module, *args, **kwargs)
            if inspect.isclass(found):
                # A class imported just now (keras_hub's, say) is judged before its from_config runs.
                guard.guard_outside_reader(found)
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


def class_names(cls):
    try:
        return set(klass.__name__ for klass in inspect.getmro(cls))
    except Exception:
        return set()


def reads_outside_files(cls):
    """A class that loads a SavedModel or a pickle, or reads a vocabulary, merges or proto file its config names."""
    module = getattr(cls, "__module__", "") or ""
    if module.split(".")[0] not in OUTSIDE_READER_ROOTS:
        return False
    names = class_names(cls)
    if names & set(LOADS_FROM_CONFIG + VOCABULARY_READERS):
        return True
    return module.split(".")[0] in ("keras_hub", "keras_nlp") and any(n.endswith("Tokenizer") for n in names)


def outside_reference(cls, config):
    """What in this config points outside the model (as words for the refusal), or None."""
    if not isinstance(config, dict):
        return None
    names = class_names(cls)
    if "TFSMLayer" in names:
        return "names a SavedModel to load and run (%r)" % (config.get("filepath"),)
    if "TorchModuleWrapper" in names:
        return "holds a torch.save blob, which unpickling runs"
    for key in TOKENIZER_FILE_KEYS:
        value = config.get(key)
        if isinstance(value, str):
            return "reads its %s from %r" % (key, value[:200])
    return None


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

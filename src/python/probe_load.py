# Keras imported once, and a model loaded with a fix (custom objects, scopes, legacy Keras, TFSMLayer).
#
# A part of the probe worker, not a module of its own: keras_probe.py runs this file in its own namespace
# (load_parts), so the names of keras_probe.py and of its other parts are this file's globals, and the probe's folder
# never goes on sys.path. Stdlib only; Python 3.6+.

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
    if state.requests > 1:
        # A fresh session for every load but the worker's first request: nothing is in the session before it, and
        # clearing it costs about 0.1 s with TensorFlow.
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

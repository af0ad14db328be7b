# Global state a load can change, put back before the next model's load (keras-fix check: one model never spoils the
# next). A custom object's code may register classes in Keras' global registry, change floatx or the dtype policy,
# or import modules that register classes when imported: a fresh Python would see none of that.
#
# A part of the probe worker, not a module of its own: keras_probe.py runs this file in its own namespace (see
# probe_load.py). Stdlib only; Python 3.6+. clear_session() before every load but a worker's first
# already resets the backend's session.

# (getter, setter) pairs of Keras' global settings, looked up on these namespaces of the imported Keras.
GLOBAL_SETTINGS = (
    ("backend", "floatx", "set_floatx"),
    ("backend", "epsilon", "set_epsilon"),
    ("backend", "image_data_format", "set_image_data_format"),
    ("config", "dtype_policy", "set_dtype_policy"),
    ("mixed_precision", "global_policy", "set_global_policy"),
)
CUSTOM_REGISTRY = re.compile(r"CUSTOM_(OBJECTS|NAMES)$")


def interpreter_folders():
    """Where the interpreter's own modules (and keras-fix's) live: a module imported from anywhere else is the user's."""
    import site

    folders = set([os.path.realpath(PROBE_DIR)])
    for path in [sys.prefix, sys.base_prefix, sys.exec_prefix, getattr(sys, "base_exec_prefix", sys.exec_prefix)]:
        folders.add(os.path.realpath(path))
    try:
        folders.update(os.path.realpath(p) for p in site.getsitepackages())
    except Exception:
        pass
    return tuple(folder + os.sep for folder in folders)


def custom_registries(runtime):
    """Keras' global custom-object dicts (GLOBAL_CUSTOM_OBJECTS, _GLOBAL_CUSTOM_NAMES...), found beside
    get_custom_objects in whichever Keras this is."""
    found = {}
    for owner in (getattr(runtime.keras, "saving", None), getattr(runtime.keras, "utils", None)):
        getter = getattr(owner, "get_custom_objects", None)
        for name, value in (getattr(getter, "__globals__", None) or {}).items():
            if CUSTOM_REGISTRY.search(name) and isinstance(value, dict):
                found[id(value)] = value
    return list(found.values())


def setting_value(runtime, namespace, getter):
    get = getattr(getattr(runtime.keras, namespace, None), getter, None)
    if get is None:
        return None
    try:
        return get()
    except Exception:
        return None


def snapshot_globals(state):
    """What a fresh worker has once Keras is imported: taken before any request, so before any user code."""
    runtime = state.runtime
    if runtime is None:
        return None
    settings = []
    for namespace, getter, setter in GLOBAL_SETTINGS:
        value = setting_value(runtime, namespace, getter)
        if value is not None:
            settings.append((namespace, getter, setter, value))
    return {
        "registries": [(registry, dict(registry)) for registry in custom_registries(runtime)],
        "settings": settings,
        "modules": frozenset(sys.modules),
        "folders": interpreter_folders(),
    }


def is_users_module(module, folders):
    path = getattr(module, "__file__", None)
    return bool(path) and not os.path.realpath(path).startswith(folders)


def restore_globals(state):
    """Puts back the snapshot: registries, settings, and forgets the user's modules imported since (their next
    import runs them again, registering what they register, as in a fresh Python)."""
    baseline = getattr(state, "baseline", None)
    if baseline is None:
        return
    runtime = state.runtime
    for registry, saved in baseline["registries"]:
        if registry != saved:
            registry.clear()
            registry.update(saved)
    for namespace, getter, setter, value in baseline["settings"]:
        current = setting_value(runtime, namespace, getter)
        if current is not value and current != value:
            try:
                getattr(getattr(runtime.keras, namespace), setter)(value)
            except Exception:
                pass
    for name in [name for name in sys.modules if name not in baseline["modules"]]:
        module = sys.modules.get(name)
        if module is not None and is_users_module(module, baseline["folders"]):
            del sys.modules[name]
    state.custom_modules = {}

"""Writes catalogues/<line>.json: the names each Keras line deserializes without custom_objects, read from real installs.

Run `python scripts/make-catalogues.py --all` with any Python 3: it runs itself inside the test environments
(~/.cache/keras-fix/envs, or $KERAS_FIX_ENV_CACHE) and writes
  catalogues/keras3.json     Keras 3 (keras3 env: keras 3.15.1; none of the 3.0 names was removed since)
  catalogues/tf-keras2.json  tf.keras / tf_keras 2.x (keras2 env: tf.keras 2.15; keras3 env: tf_keras 2.21;
                             tf21-py37 env: tf.keras 2.2.4-tf of TensorFlow 2.1)
  catalogues/keras2.json     multi-backend Keras 2.3.1 (tf21-py37 env)
One source is `python scripts/make-catalogues.py --source <id>`, which prints that source's names as JSON.
The lookups mirror what each loader consults (research/keras-saving.md section 4); stdlib only beyond Keras itself.
"""
import importlib
import inspect
import json
import os
import subprocess
import sys

# Which interpreter and import path gives each source.
SOURCES = {
    "keras-3": {"env": "keras3", "vars": {}},
    "tf-keras-2.15": {"env": "keras2", "vars": {}},
    "tf_keras-2.21": {"env": "keras3", "vars": {"TF_USE_LEGACY_KERAS": "1"}},
    "tf-keras-2.1": {"env": "tf21-py37", "vars": {}},
    "keras-2.3.1": {"env": "tf21-py37", "vars": {}},
}
LINES = {
    "keras3": ["keras-3"],
    "tf-keras2": ["tf-keras-2.15", "tf_keras-2.21", "tf-keras-2.1"],
    "keras2": ["keras-2.3.1"],
}
# Metric strings that compile() resolves in code rather than through a table (Keras 2 compile_utils
# get_metric_function, Keras 3 compile_utils.get_metric): never custom.
METRIC_SHORTCUTS = {"acc", "accuracy", "ce", "crossentropy"}
KINDS = ["layers", "losses", "metrics", "activations", "initializers", "regularizers", "constraints", "optimizers"]


# Helpers the object modules export or import beside the objects; never stored as a class_name.
NOT_OBJECTS = {"deserialize", "serialize", "get", "keras_export", "deserialize_keras_object",
               "serialize_keras_object", "get_registered_name", "get_registered_object", "doc_controls",
               "tf_export", "keras_serializable", "register_keras_serializable"}


def public_names(module, keep=None):
    """Names a module's deserializer resolves: its public classes and functions plus its lookup table when it has one
    (Keras 3 `ALL_OBJECTS_DICT` holds the aliases such as `mse` and `glorot_uniform`)."""
    names = {name for name in getattr(module, "ALL_OBJECTS_DICT", {}) if name not in NOT_OBJECTS}
    for name in dir(module):
        try:
            value = getattr(module, name)
        except Exception:  # lazy TensorFlow modules can fail on attribute access
            continue
        if name.startswith("_") or name in NOT_OBJECTS or inspect.ismodule(value):
            continue
        if inspect.isclass(value) or inspect.isfunction(value) or callable(value):
            if keep is None or keep(value):
                names.add(name)
    return names


def layer_subclass_names(namespace, layer_base):
    return {name for name, value in namespace.items()
            if not name.startswith("_") and inspect.isclass(value) and issubclass(value, layer_base)}


def objects_keras3():
    import keras
    import keras.src.layers as src_layers
    from keras.src import activations, constraints, initializers, losses, metrics, optimizers, regularizers
    layer = keras.layers.Layer
    layers = layer_subclass_names(vars(keras.layers), layer)
    layers |= layer_subclass_names(vars(keras.models), layer)
    # The legacy-H5 loader looks names up in keras.src.layers' namespace plus these four
    # (keras/src/legacy/saving/saving_utils.py:model_from_config).
    layers |= layer_subclass_names(vars(src_layers), layer)
    layers |= {"InputLayer", "Functional", "Model", "Sequential"}
    return keras.__version__, {
        "layers": layers,
        "losses": public_names(keras.losses) | public_names(losses),
        "metrics": public_names(keras.metrics) | public_names(metrics) | METRIC_SHORTCUTS,
        "activations": public_names(keras.activations) | public_names(activations),
        "initializers": public_names(keras.initializers) | public_names(initializers),
        "regularizers": public_names(keras.regularizers) | public_names(regularizers),
        "constraints": public_names(keras.constraints) | public_names(constraints),
        # optimizers.get lower-cases string names, so the table's keys are lower case.
        "optimizers": public_names(keras.optimizers, inspect.isclass) | public_names(optimizers, inspect.isclass)
        | public_names(keras.optimizers.schedules, inspect.isclass),
    }


def objects_keras2(keras, serialization, version):
    """tf.keras / tf_keras / multi-backend Keras 2: the layer deserializer's own table plus the public modules."""
    if hasattr(serialization, "populate_deserializable_objects"):
        serialization.populate_deserializable_objects()
        layer_table = set(serialization.LOCAL.ALL_OBJECTS)
    else:
        # Multi-backend Keras 2.3.1 (keras/layers/__init__.py:deserialize) resolves from the keras.layers namespace
        # plus the model classes it injects.
        layer_table = set(public_names(keras.layers)) | {"Model", "Sequential", "Network"}
    layer_table = {name for name in layer_table if not name.startswith("_")}
    # The public tf.keras modules are API shims; the deserializers look names up in the implementation modules
    # beside the layer serialization module (keras.src.losses, tensorflow.python.keras.losses, keras.losses ...).
    package = serialization.__name__.rsplit("layers", 1)[0]

    def names(kind, keep=None):
        found = public_names(getattr(keras, kind), keep)
        try:
            # The deserializers resolve names from these modules' globals (Keras 2 `deserialize` passes
            # module_objects=globals()), so whatever they import is resolvable too.
            found |= public_names(importlib.import_module(package + kind), keep)
        except ImportError:
            pass
        return found

    optimizers = names("optimizers", inspect.isclass)
    # Legacy optimizers and learning-rate schedules are stored inside optimizer configs too.
    for extra in ("legacy", "schedules"):
        module = getattr(keras.optimizers, extra, None)
        if module is not None:
            optimizers |= public_names(module, inspect.isclass)
    # Mixed precision wraps the optimizer: fixtures/models/keras2/legacy_optimizer.h5 stores LossScaleOptimizer.
    mixed_precision = getattr(keras, "mixed_precision", None)
    if mixed_precision is not None:
        optimizers |= {name for name in public_names(mixed_precision, inspect.isclass) if "Optimizer" in name}
    return version, {
        "layers": layer_table,
        "losses": names("losses"),
        "metrics": names("metrics") | METRIC_SHORTCUTS,
        "activations": names("activations"),
        "initializers": names("initializers"),
        "regularizers": names("regularizers"),
        "constraints": names("constraints"),
        "optimizers": optimizers,
    }


def collect(source):
    if source == "keras-3":
        return objects_keras3()
    if source == "tf-keras-2.15":
        import keras as keras_package
        import tensorflow as tf
        from keras.src.layers import serialization
        return objects_keras2(tf.keras, serialization, keras_package.__version__)
    if source == "tf_keras-2.21":
        import tf_keras
        from tf_keras.src.layers import serialization
        return objects_keras2(tf_keras, serialization, tf_keras.__version__)
    if source == "tf-keras-2.1":
        import tensorflow as tf
        from tensorflow.python.keras.layers import serialization
        return objects_keras2(tf.keras, serialization, tf.keras.__version__)
    if source == "keras-2.3.1":
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        import keras
        import keras.layers as serialization
        return objects_keras2(keras, serialization, keras.__version__)
    raise SystemExit("unknown source " + source)


def run_source(source):
    env_cache = os.environ.get("KERAS_FIX_ENV_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "keras-fix", "envs"))
    spec = SOURCES[source]
    python = os.path.join(env_cache, spec["env"], "bin", "python")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **spec["vars"])
    out = subprocess.run([python, os.path.abspath(__file__), "--source", source], env=env, check=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(out.decode("utf-8").strip().splitlines()[-1])


def write_all():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "catalogues")
    os.makedirs(root, exist_ok=True)
    cache = {}
    for line, sources in LINES.items():
        merged = {kind: set() for kind in KINDS}
        versions = {}
        for source in sources:
            if source not in cache:
                cache[source] = run_source(source)
            data = cache[source]
            versions[source] = data["version"]
            for kind in KINDS:
                merged[kind] |= set(data["names"][kind])
        document = {
            "comment": "Generated by scripts/make-catalogues.py from real installs; do not edit by hand.",
            "line": line,
            "sources": versions,
        }
        document.update({kind: sorted(merged[kind]) for kind in KINDS})
        with open(os.path.join(root, line + ".json"), "w") as handle:
            json.dump(document, handle, indent=1, sort_keys=False)
            handle.write("\n")
        print("catalogues/%s.json: %s" % (line, ", ".join("%d %s" % (len(merged[k]), k) for k in KINDS)))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--source":
        version, names = collect(sys.argv[2])
        print(json.dumps({"version": version, "names": {k: sorted(v) for k, v in names.items()}}))
    elif sys.argv[1:] == ["--all"]:
        write_all()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

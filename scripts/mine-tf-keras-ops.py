"""Writes catalogues/tf-keras-ops.json: which TensorFlow functions Keras 2 may store in a model (as TFOpLambda layers, by
their canonical tf_export name) have a keras.ops equivalent, and how their arguments map. Read from real installs.

Run `python scripts/mine-tf-keras-ops.py` with any Python 3: it runs itself inside the test environments
(~/.cache/keras-fix/envs, or $KERAS_FIX_ENV_CACHE):
  --tf     in keras2 (TensorFlow 2.15): every function of tf, tf.math, tf.nn, tf.image, tf.linalg, tf.__operators__
           and tf.compat.v1 (and its math, nn, image), under the canonical name TFOpLambda stores
           (get_canonical_name_for_symbol(..., add_prefix_to_v1_names=True)), with its parameters and defaults;
  --keras  in keras3 (Keras 3.15): every keras.ops and keras.ops.image function with its parameters.
The match: the same name, or the name without `reduce_`, or one of RENAMES; the first parameter maps to the first,
the rest by name or ALIASES. A TF parameter left unmapped must be at its TF default when called (bring_home_ops.py
checks that at run time, and names the op otherwise); `name` only names a node. Stdlib only beyond TF/Keras.
"""
import inspect
import json
import os
import subprocess
import sys

MISSING = "<required>"
# TF names whose keras.ops function has another name (numpy's).
RENAMES = {"concat": "concatenate", "pow": "power", "truediv": "true_divide", "div": "divide", "realdiv": "divide",
           "floordiv": "floor_divide", "floormod": "mod", "reduce_std": "std", "reduce_variance": "var",
           "reduce_prod": "prod", "reduce_all": "all", "reduce_any": "any", "reduce_euclidean_norm": None,
           "abs": "absolute", "squared_difference": None, "log_sigmoid": "log_sigmoid"}
# TF parameter -> keras.ops parameter, where the two APIs call the same thing differently.
ALIASES = {"keep_dims": "keepdims", "reduction_indices": "axis", "perm": "axes", "shape": "newshape",
           "method": "interpolation", "alpha": "negative_slope", "dim": "axis", "squeeze_dims": "axis",
           "multiples": "repeats", "num": "num", "dtype": "dtype"}
# Functions whose name matches yet whose meaning differs (numpy's split takes indices, TF's sizes).
DIFFERENT = {"split", "unique", "where", "top_k", "gather", "pad", "cast", "range", "one_hot", "argsort", "sort",
             "clip_by_value", "meshgrid", "eye", "ones", "zeros", "fill", "einsum", "norm", "cumsum", "cumprod",
             "tile", "round", "sign", "image.crop_and_resize", "identity", "cond", "while_loop", "custom_gradient",
             "convert_to_tensor", "is_tensor", "scatter_update", "shape", "size", "bincount", "in_top_k",
             "count_nonzero", "linspace", "searchsorted", "nextafter", "argmax", "argmin"}
# Namespaces a Keras model's raw ops come from; tf.sparse, tf.signal, tf.dtypes... act on other kinds of tensors.
ROOTS = ("", "math", "nn", "image", "linalg", "__operators__")


def parameters(function):
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    out = []
    for p in signature.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        default = MISSING if p.default is p.empty else p.default
        try:
            json.dumps(default)
        except TypeError:
            default = str(default)
        out.append([p.name, default])
    return out


def mine_tf():
    import tensorflow as tf
    from tensorflow.python.util.tf_export import get_canonical_name_for_symbol

    modules = [tf, tf.math, tf.nn, tf.image, tf.linalg, tf.__operators__, tf.compat.v1, tf.compat.v1.math,
               tf.compat.v1.nn, tf.compat.v1.image]
    found = {}
    for module in modules:
        for attr in dir(module):
            function = getattr(module, attr, None)
            if attr.startswith("_") and module is not tf.__operators__ or not callable(function) or inspect.isclass(function):
                continue
            try:
                canonical = get_canonical_name_for_symbol(function, add_prefix_to_v1_names=True)
            except Exception:
                continue
            params = parameters(function)
            if canonical and params and canonical not in found:
                found[canonical] = params
    return {"version": tf.__version__, "functions": found}


def mine_keras():
    import keras

    found = {}
    for prefix, module in (("", keras.ops), ("image.", keras.ops.image)):
        for attr in dir(module):
            function = getattr(module, attr)
            if not attr.startswith("_") and inspect.isfunction(function):
                params = parameters(function)
                if params:
                    found[prefix + attr] = params
    return {"version": keras.__version__, "functions": found}


def match(tf_name, tf_params, keras_functions):
    parts = tf_name.split(".")
    base = parts[-1]
    plain = parts[2:] if parts[:2] == ["compat", "v1"] else parts
    if (plain[0] if len(plain) > 1 else "") not in ROOTS:
        return None
    if base in DIFFERENT or ".".join(parts[-2:]) in DIFFERENT or plain[0] == "linalg" and base != "matmul":
        return None
    prefix = "image." if "image" in parts else ""
    candidates = [prefix + base, prefix + base.replace("reduce_", "", 1)]
    if RENAMES.get(base):
        candidates.insert(0, prefix + RENAMES[base])
    if base in RENAMES and RENAMES[base] is None:
        return None
    op = next((c for c in candidates if c in keras_functions), None)
    if op is None:
        return None
    keras_params = keras_functions[op]
    keras_names = [name for name, _ in keras_params]
    args = {tf_params[0][0]: keras_names[0]}
    for index, (name, default) in enumerate(tf_params[1:], start=1):
        target = name if name in keras_names else ALIASES.get(name)
        if target is None and index == 1 and default == MISSING and len(keras_params) > 1 and keras_params[1][1] == MISSING:
            target = keras_names[1]  # two required operands: (x, y) -> (x1, x2), (a, b) -> (x1, x2)
        if target in keras_names and target not in args.values():
            args[name] = target
    # Every parameter keras.ops requires must come from a TF one.
    required = [name for name, default in keras_params if default == MISSING]
    if any(name not in args.values() for name in required):
        return None
    defaults = dict((name, default) for name, default in tf_params)
    return {"op": op, "args": args, "tfParams": [name for name, _ in tf_params],
            "tfDefaults": dict((k, v) for k, v in defaults.items() if v != MISSING)}


def run_in(env, flag):
    env_cache = os.environ.get("KERAS_FIX_ENV_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "keras-fix", "envs"))
    python = os.path.join(env_cache, env, "bin", "python")
    variables = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    out = subprocess.run([python, os.path.abspath(__file__), flag], env=variables, check=True, stdout=subprocess.PIPE).stdout
    return json.loads(out.decode("utf-8").strip().splitlines()[-1])


def main():
    if sys.argv[1:] == ["--tf"]:
        print(json.dumps(mine_tf()))
        return
    if sys.argv[1:] == ["--keras"]:
        print(json.dumps(mine_keras()))
        return
    tf_side = run_in("keras2", "--tf")
    keras_side = run_in("keras3", "--keras")
    ops = {}
    for name in sorted(tf_side["functions"]):
        found = match(name, tf_side["functions"][name], keras_side["functions"])
        if found:
            ops[name] = found
    catalogue = {"comment": "Generated by scripts/mine-tf-keras-ops.py from real installs; do not edit by hand.",
                 "sources": {"tensorflow": tf_side["version"], "keras": keras_side["version"]},
                 "tfFunctions": len(tf_side["functions"]), "ops": ops}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "catalogues", "tf-keras-ops.json")
    with open(path, "w") as handle:
        json.dump(catalogue, handle, indent=1, sort_keys=True)
        handle.write("\n")
    print("%d of %d TF functions map to keras.ops" % (len(ops), len(tf_side["functions"])))


if __name__ == "__main__":
    main()

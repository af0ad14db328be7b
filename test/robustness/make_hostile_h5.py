"""Writes hostile copies of a real Keras .h5 model (h5py, run with a test env's Python): each copy keeps the real
file's weights and layout and changes the attributes load_model and inspect read first (model_config,
keras_version, backend). Usage: python make_hostile_h5.py <source.h5> <out-dir> <escape-names-json> [--many-layers]; prints
the list of files written as JSON."""

import json
import os
import shutil
import sys

import h5py
import numpy as np

NEST_DEPTH = 10_000
ARRAY_DEPTH = 100_000
BIG_CONFIG_BYTES = 50 * 1024 * 1024
MANY_LAYERS = 300_000


def dense(name, class_name="Dense"):
    return {"class_name": class_name, "config": {"name": name, "units": 1}}


def nested_functional(depth):
    # Built as text: json.dumps recurses and stops near Python's recursion limit (1000).
    opening = '{"class_name": "Functional", "config": {"name": "n", "layers": ['
    return opening * depth + json.dumps(dense("leaf")) + "]}}" * depth


def sequential(layers, extra=None):
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
    if extra:
        config["config"].update(extra)
    return config


def variants(escape_names, many_layers):
    yield "h5-nested-10k-deep", nested_functional(NEST_DEPTH)
    arrays = '{"class_name": "Sequential", "config": {"name": "s", "layers": [], "shape": ' + "[" * ARRAY_DEPTH
    yield "h5-nested-arrays-100k-deep", arrays + "]" * ARRAY_DEPTH + "}}"
    yield "h5-config-50mb-name", json.dumps(sequential([dense("x" * BIG_CONFIG_BYTES)]))
    if many_layers:
        yield "h5-config-300k-layers", json.dumps(sequential([dense("d%d" % i) for i in range(MANY_LAYERS)]))
    yield "h5-config-not-json", "{ this is not json"
    yield "h5-config-json-null", "null"
    yield "h5-config-json-array", json.dumps([1, 2, 3])
    yield "h5-config-int-array", np.arange(16, dtype=np.int64)
    yield "h5-config-non-utf8-bytes", np.bytes_(json.dumps(sequential([dense("caf\udcff")]), ensure_ascii=False)
                                                 .encode("utf-8", "surrogateescape"))
    layers = [dense(name, class_name=name) for name in escape_names]
    yield "h5-escapes-json-escaped", json.dumps(sequential(layers))
    # The same names written raw (not \u-escaped) inside the JSON text: strict JSON rejects raw C0 controls.
    yield "h5-escapes-raw", json.dumps(sequential(layers), ensure_ascii=False).replace("\\u001b", "\x1b").replace(
        "\\u0007", "\x07")


def write(source, out_dir, name, model_config, **attrs):
    target = os.path.join(out_dir, name + ".h5")
    shutil.copyfile(source, target)
    with h5py.File(target, "r+") as f:
        if model_config is not None:
            del f.attrs["model_config"]
            f.attrs["model_config"] = model_config
        for key, value in attrs.items():
            if key in f.attrs:
                del f.attrs[key]
            f.attrs[key] = value
    return target


def main(argv):
    source, out_dir = argv[1], argv[2]
    escape_names = json.loads(argv[3])
    written = []
    for name, model_config in variants(escape_names, "--many-layers" in argv[4:]):
        written.append(write(source, out_dir, name, model_config))
    written.append(write(source, out_dir, "h5-version-attrs-odd-types", None,
                         keras_version=np.arange(3), backend=np.bytes_(b"\xff\xfe\x1b[2J")))
    print(json.dumps(written))


if __name__ == "__main__":
    main(sys.argv)

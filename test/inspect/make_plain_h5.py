"""Writes HDF5 files for test/inspect/hdf5-plain.test.ts with the env's own h5py (2.x in tf115-py36, 3.x in keras3):
the layouts Keras and h5py write (user blocks, bytes and str attributes, split layer_names, one-element lists, deep
B-trees, compressed and string datasets) and ones the plain reader must leave to h5wasm (superblock v3, new-style
groups, links, object datasets). Given the fixtures folder, also copies every .keras fixture's model.weights.h5 out
of its zip. Usage: python make_plain_h5.py <out-dir> [<fixtures-models-dir>]. Runs on Python 3.6+."""

import json
import os
import sys
import zipfile

import h5py
import numpy as np

out = sys.argv[1]
models = sys.argv[2] if len(sys.argv) > 2 else None


def path(name):
    return os.path.join(out, name)


def model_config(count):
    layers = [{"class_name": "Dense", "config": {"name": "dense_%d" % i, "units": 1}} for i in range(count)]
    return json.dumps({"class_name": "Sequential", "config": {"name": "seq", "layers": layers}})


def keras_attrs(f, version="2.15.0"):
    f.attrs["keras_version"] = version
    f.attrs["backend"] = "tensorflow"
    f.attrs["model_config"] = model_config(2)


for libver, name in (("earliest", "userblock_v0.h5"), ("latest", "userblock_v3.h5")):
    with h5py.File(path(name), "w", userblock_size=1024, libver=libver) as f:
        keras_attrs(f, "2.3.1")
        f.create_dataset("model_weights/dense_0/kernel", data=np.zeros((100, 10), "float32"))
with h5py.File(path("userblock_4096.h5"), "w", userblock_size=4096) as f:
    keras_attrs(f)
    f.attrs["training_config"] = json.dumps({"loss": "mse"})
    f.create_dataset("model_weights/dense_0/kernel", data=np.zeros((10, 10), "float64"))
# Keras 2 under Python 2 / old h5py wrote bytes: fixed-length strings.
with h5py.File(path("bytes_attributes.h5"), "w") as f:
    f.attrs["keras_version"] = b"2.2.4"
    f.attrs["backend"] = b"tensorflow"
    f.attrs["model_config"] = model_config(3).encode()
    f.attrs["training_config"] = json.dumps({"loss": "mse"}).encode()
    group = f.create_group("model_weights")
    group.attrs["layer_names"] = np.array([b"dense_0", b"dense_1", b"dense_2"])
    for i in range(3):
        layer = group.create_group("dense_%d" % i)
        layer.attrs["weight_names"] = np.array([b"dense_%d/kernel:0" % i])
        layer.create_dataset("dense_%d/kernel:0" % i, data=np.zeros((2, 2), "float32"))
# Keras splits attributes over 64 KB into layer_names0, layer_names1, ...
with h5py.File(path("split_layer_names.h5"), "w") as f:
    names = [("layer_with_a_long_name_%05d" % i).encode() for i in range(3000)]
    f.attrs["layer_names0"] = np.array(names[:1500])
    f.attrs["layer_names1"] = np.array(names[1500:])
    f.attrs["keras_version"] = "2.15.0"
    f.attrs["backend"] = "tensorflow"
    for name in names[:40]:
        f.create_group(name.decode())
with h5py.File(path("one_layer_weights.h5"), "w") as f:
    f.attrs["layer_names"] = np.array([b"dense"])
    f.attrs["keras_version"] = "2.15.0"
    f.attrs["backend"] = "tensorflow"
    f.create_group("dense").attrs["weight_names"] = np.array([b"dense/kernel:0"])
# 600 groups: a B-tree over two levels, names out of insertion order.
with h5py.File(path("many_groups.h5"), "w") as f:
    f.attrs["keras_version"] = "3.5.0"
    f.attrs["backend"] = "jax"
    layers = f.create_group("layers")
    for i in range(600):
        layers.create_group("dense_%d" % i).create_group("vars").create_dataset("0", data=np.zeros(2, "float32"))
with h5py.File(path("ascii_fixed_string.h5"), "w") as f:
    f.attrs.create("keras_version", np.array(b"2.1.\xe96", dtype="S7"))
    f.attrs["model_config"] = model_config(1)
with h5py.File(path("storage_kinds.h5"), "w") as f:
    keras_attrs(f)
    f.create_dataset("model_weights/chunked", data=np.zeros((100, 100), "float32"), compression="gzip", chunks=(10, 10))
    f.create_dataset("model_weights/strings", data=np.array([b"abc", b"de"]))
    f.create_dataset("model_weights/int8", data=np.arange(5, dtype="int8"))
    f.create_dataset("model_weights/half", data=np.zeros(3, "float16"))
    f.create_dataset("model_weights/empty", shape=(0,), dtype="float32")
    f.create_dataset("model_weights/scalar", data=np.float32(1.5))
# Left to h5wasm: links, a group reached twice, object data, compound data, new-style groups.
with h5py.File(path("hard_link.h5"), "w") as f:
    keras_attrs(f)
    group = f.create_group("model_weights")
    group.create_dataset("k", data=np.zeros(3))
    f["alias"] = group
with h5py.File(path("soft_link.h5"), "w") as f:
    keras_attrs(f)
    f.create_group("model_weights").create_dataset("k", data=np.zeros(3))
    f["alias"] = h5py.SoftLink("/model_weights")
with h5py.File(path("compound_dataset.h5"), "w") as f:
    keras_attrs(f)
    f.create_dataset("model_weights/c", data=np.zeros(3, dtype=[("a", "f4"), ("b", "i4")]))
with h5py.File(path("bool_dataset.h5"), "w") as f:
    keras_attrs(f)
    f.create_dataset("model_weights/b", data=np.array([True, False]))
with h5py.File(path("track_order.h5"), "w", track_order=True) as f:
    keras_attrs(f)
    f.create_group("zz")
    f.create_group("aa")
with h5py.File(path("vlen_string_list.h5"), "w") as f:
    f.attrs.create("layer_names", [u"a", u"b\u00e9"], dtype=h5py.special_dtype(vlen=str))
    f.attrs["keras_version"] = "3.0.0"
    f.create_group("a")

for root, _dirs, files in os.walk(models) if models else []:
    # fixtures/models/hostile*: weights changed by hand to reach outside the file, never plain on purpose.
    if os.path.relpath(root, models).startswith("hostile"):
        continue
    for name in sorted(files):
        if not name.endswith(".keras") or not zipfile.is_zipfile(os.path.join(root, name)):
            continue
        with zipfile.ZipFile(os.path.join(root, name)) as archive:
            if "model.weights.h5" in archive.namelist():
                tag = os.path.relpath(os.path.join(root, name), models).replace(os.sep, "__")
                with open(path(tag + ".weights.h5"), "wb") as target:
                    target.write(archive.read("model.weights.h5"))
print("ok")

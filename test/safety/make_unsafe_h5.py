"""Writes hand-made hostile HDF5 models for the safety read (h5py, run with a test env's Python): copies of a real
Keras .h5 (and one real .keras, whose model.weights.h5 is changed) with one hostile change each. Keras never
writes any of these. Usage: python make_unsafe_h5.py <source.h5> <out-dir> [<source.keras>]; prints the list of
files written as JSON."""

import json
import os
import shutil
import sys
import zipfile

import h5py
import numpy as np


def copy(source, out_dir, name):
    target = os.path.join(out_dir, name)
    shutil.copyfile(source, target)
    return target


def main():
    source, out_dir = sys.argv[1], sys.argv[2]
    written = []

    # A pickled-object dataset where a weight belongs (h5py stores Python objects as variable-length data).
    path = copy(source, out_dir, "h5-object-dataset.h5")
    with h5py.File(path, "r+") as f:
        group = f["model_weights"]
        objects = group.create_dataset("evil_objects", (1,), dtype=h5py.vlen_dtype(np.uint8))
        objects[0] = np.frombuffer(b"\x80\x04payload", dtype=np.uint8)
        group.create_dataset("evil_opaque", data=np.void(b"\x80\x04\x95opaque"))
    written.append(path)

    # An external link where the weights group belongs, pointing at a file of the host.
    path = copy(source, out_dir, "h5-external-link.h5")
    with h5py.File(path, "r+") as f:
        f["model_weights"]["stolen"] = h5py.ExternalLink("/etc/keras-fix-no-such-file.h5", "/secrets")
    written.append(path)

    # A TFSMLayer appended to the model config: it would load another SavedModel from a path the file names.
    path = copy(source, out_dir, "h5-config-tfsmlayer.h5")
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        config["config"]["layers"].append(
            {"class_name": "TFSMLayer", "config": {"name": "tfsm", "filepath": "/tmp/elsewhere", "trainable": True}}
        )
        f.attrs["model_config"] = json.dumps(config)
    written.append(path)

    if len(sys.argv) > 3:
        # A .keras whose model.weights.h5 links to another HDF5 file of the host (GHSA-27f4-p4xq-cxg8).
        weights = os.path.join(out_dir, "model.weights.h5")
        with zipfile.ZipFile(sys.argv[3]) as source:
            with open(weights, "wb") as out:
                out.write(source.read("model.weights.h5"))
            with h5py.File(weights, "r+") as f:
                f["stolen"] = h5py.ExternalLink("/etc/keras-fix-no-such-file.h5", "/secrets")
            path = os.path.join(out_dir, "keras-weights-external-link.keras")
            with zipfile.ZipFile(path, "w") as out:
                for name in source.namelist():
                    out.writestr(name, open(weights, "rb").read() if name == "model.weights.h5" else source.read(name))
        written.append(path)

    print(json.dumps(written))


if __name__ == "__main__":
    main()

"""Writes hand-made hostile HDF5 models for the safety read (h5py, run with a test env's Python): copies of a real
Keras .h5 with one hostile change each. Keras never writes any of these. Usage: python make_unsafe_h5.py
<source.h5> <out-dir>; prints the list of files written as JSON."""

import json
import os
import shutil
import sys

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

    print(json.dumps(written))


if __name__ == "__main__":
    main()

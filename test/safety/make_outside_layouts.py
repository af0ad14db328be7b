"""HDF5 files (h5py, no Keras: Keras never writes links or external storage) that reach outside themselves in each
group layout HDF5 has, for the byte walk (src/core/inspect/hdf5-outside.ts) and the h5wasm worker's jail.
Usage: python make_outside_layouts.py <out-dir> <bait.h5> <bait.bin>; prints the files written as JSON."""

import json
import os
import sys

import h5py
import numpy as np


def main():
    out, bait_h5, bait_bin = sys.argv[1:4]
    written = {}

    def make(name, libver, fill):
        path = os.path.join(out, name)
        with h5py.File(path, "w", libver=libver) as f:
            f.attrs["keras_version"] = "2.15.0"
            group = f.create_group("model_weights")
            group.create_dataset("kernel", data=np.zeros((3, 2), "float32"))
            fill(f, group)
        written[name] = path

    def link(f, group):
        group["stolen"] = h5py.ExternalLink(bait_h5, "/kernel")

    def storage(f, group):
        group.create_dataset("stolen", shape=(6,), dtype="float32", external=[(bait_bin, 0, 24)])

    def dangling(f, group):
        group["alias"] = h5py.SoftLink("/nowhere")

    def dense(f, group):
        # More links than a compact group holds: HDF5 moves them into a fractal heap (dense storage).
        for i in range(40):
            group.create_dataset("w%02d" % i, data=np.zeros(2, "float32"))
        group["stolen"] = h5py.ExternalLink(bait_h5, "/kernel")

    make("v0-external-link.h5", "earliest", link)
    make("v0-external-storage.h5", "earliest", storage)
    make("v0-dangling-soft-link.h5", "earliest", dangling)
    make("v2-external-link.h5", "latest", link)
    make("v2-external-storage.h5", "latest", storage)
    make("v2-dangling-soft-link.h5", "latest", dangling)
    make("v2-dense-external-link.h5", "latest", dense)
    def dense_storage(f, group):
        for i in range(40):
            group.create_dataset("w%02d" % i, data=np.zeros(2, "float32"))
        storage(f, group)

    def many(f, group):
        # Enough links for the heap's root to become an indirect block of direct blocks.
        for i in range(3000):
            group["w%04d" % i] = h5py.SoftLink("/model_weights/kernel")
        link(f, group)

    def virtual(f, group):
        layout = h5py.VirtualLayout(shape=(3, 2), dtype="float32")
        layout[:] = h5py.VirtualSource(bait_h5, "kernel", shape=(3, 2))
        group.create_virtual_dataset("stolen", layout)

    make("v4-virtual-dataset.h5", "latest", virtual)
    make("v2-dense-external-storage.h5", "latest", dense_storage)
    make("v2-many-links-external-link.h5", "latest", many)
    make("v2-plain.h5", "latest", lambda f, group: None)
    print(json.dumps(written))


if __name__ == "__main__":
    main()

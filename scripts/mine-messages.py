#!/usr/bin/env python3
"""Mines the error and warning messages that Keras releases raise on their save / load / (de)serialization /
registration / lookup paths, and writes the versioned table catalogues/messages.json.

Two phases, both re-runnable:
  python3 scripts/mine-messages.py download   # pip download --no-deps (never installs) one wheel per minor release
                                               # into ~/.cache/keras-fix/mine (outside the repo); at most 2 at a time
  python3 scripts/mine-messages.py mine       # parses the downloaded wheels' .py files with `ast` and writes the table

The table records, per template: the exception (or warning) type, the template with `{x}` holes where f-strings,
%-formatting and .format() put values, the releases that raise it, and the files it comes from. Which cause each
template means lives in catalogues/messages-map.json, and test/catalogue/messages.test.ts walks the whole table.
"""
import ast
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import zipfile

CACHE = os.path.join(os.path.expanduser("~"), ".cache", "keras-fix", "mine")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "catalogues", "messages.json")

# (package, minor release, pip target candidates). A candidate is (python version, platform) for a binary wheel;
# None means "any wheel or sdist pip picks". The smallest wheel that exists comes first (macOS wheels carry no CUDA).
PURE = [None]
MAC_OLD = [("3.6", "macosx_10_11_x86_64"), ("3.6", "macosx_10_12_x86_64"), ("3.6", "macosx_10_13_x86_64"),
           ("3.7", "macosx_10_11_x86_64"), ("3.7", "macosx_10_13_x86_64"), ("3.6", "manylinux1_x86_64"),
           ("2.7", "macosx_10_11_x86_64"), ("2.7", "manylinux1_x86_64")]
TF2 = [("3.7", "macosx_10_11_x86_64"), ("3.7", "macosx_10_14_x86_64"), ("3.8", "macosx_10_14_x86_64"),
       ("3.8", "macosx_10_15_x86_64"), ("3.7", "manylinux2010_x86_64"), ("3.8", "manylinux2010_x86_64")]

RELEASES = (
    [("keras", v, PURE) for v in ["1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3"]]
    + [("keras", "2.%d" % m, PURE) for m in range(6, 16)]
    + [("keras", "3.%d" % m, PURE) for m in range(0, 16)]
    + [("tf-keras", "2.%d" % m, PURE) for m in range(15, 22)]
    + [("h5py", v, [("3.9", "manylinux_2_17_x86_64"), ("3.7", "manylinux1_x86_64"), ("3.6", "manylinux1_x86_64"),
                    ("2.7", "manylinux1_x86_64")]) for v in ["2.10", "3.1", "3.6", "3.8", "3.10", "3.11", "3.12"]]
    # tf.keras bundled inside TensorFlow: 2.0-2.5 (from 2.6 on tf.keras is the keras package above), then 1.x.
    + [("tensorflow", "2.%d" % m, TF2) for m in range(0, 6)]
    + [("tensorflow", "1.%d" % m, MAC_OLD) for m in range(15, 1, -1)]
)


def dest(package, minor):
    return os.path.join(CACHE, "%s-%s" % (package, minor))


def downloaded(package, minor):
    folder = dest(package, minor)
    return os.path.isdir(folder) and any(n.endswith((".whl", ".tar.gz", ".zip")) for n in os.listdir(folder))


def download(release):
    package, minor, targets = release
    if downloaded(package, minor):
        return "%s %s: cached" % (package, minor)
    folder = dest(package, minor)
    os.makedirs(folder, exist_ok=True)
    spec = "%s==%s.*" % (package, minor)
    for target in targets:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", folder, spec]
        if target is not None:
            pyver, platform = target
            cmd += ["--only-binary=:all:", "--python-version", pyver, "--platform", platform]
        if subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0 and downloaded(package, minor):
            return "%s %s: %s" % (package, minor, ", ".join(os.listdir(folder)))
    return "%s %s: NOT FOUND" % (package, minor)


def run_downloads():
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for line in pool.map(download, RELEASES):
            print(line, flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["download"]:
        run_downloads()
    elif sys.argv[1:2] == ["mine"]:
        globals()["mine"]()
    else:
        sys.exit(__doc__)

#!/usr/bin/env python3
"""Mines every message on the whole load path, not only the save / load functions scripts/mine-messages.py reads:
the modules `load_model`, `import keras` and `import tensorflow` import (followed through the package's own imports),
and the packages whose releases broke TF / Keras at import (numpy's removed aliases, protobuf's "Descriptors cannot
be created directly", h5py). Writes catalogues/messages-load-path.json (same entry shape as catalogues/messages.json;
src/core/classify/messages.ts reads both, catalogues/messages-map.json says which cause a template means) and prints
its coverage: per release, the modules followed and the templates found.

  python3 scripts/mine-load-path.py download   # pip download --no-deps (never installs) into ~/.cache/keras-fix/mine-load-path
  python3 scripts/mine-load-path.py mine       # follows the imports with `ast`, writes the table, prints the coverage

TensorFlow wheels (200 MB and more each) are not downloaded here: tf.keras inside TF 1.x-2.5 is mined by
scripts/mine-messages.py; its coverage line says so.
"""
import ast
import concurrent.futures
import importlib.util
import json
import os
import re
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "keras-fix", "mine-load-path")
OUT = os.path.join(ROOT, "catalogues", "messages-load-path.json")

# The AST reader of scripts/mine-messages.py (templates with {holes}), reused as is.
_spec = importlib.util.spec_from_file_location("mine_messages", os.path.join(HERE, "mine-messages.py"))
mine_messages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mine_messages)

# (package, exact release, where the load path starts, how deep imports are followed).
KERAS_STARTS = ["keras/__init__.py", "keras/models.py", "keras/models/__init__.py", "keras/engine/saving.py",
                "keras/saving/__init__.py", "keras/saving/save.py", "keras/saving/legacy/save.py",
                "keras/src/saving/saving_api.py", "keras/src/saving/__init__.py", "keras/src/models/__init__.py"]
RELEASES = (
    [("keras", v, KERAS_STARTS, 6) for v in ["1.2.2", "2.0.9", "2.1.6", "2.2.0", "2.2.4", "2.2.5", "2.3.1", "2.4.3",
                                             "2.6.0", "2.9.0", "2.12.0", "2.15.0", "3.0.5", "3.3.3", "3.6.0", "3.10.0"]]
    + [("tf-keras", v, ["tf_keras/__init__.py", "tf_keras/src/saving/saving_api.py"], 6) for v in ["2.15.1", "2.18.0"]]
    + [("numpy", v, ["numpy/__init__.py", "numpy/_expired_attrs_2_0.py"], 1) for v in ["1.19.5", "1.20.3", "1.24.4", "2.0.2"]]
    + [("protobuf", v, ["google/protobuf/descriptor.py", "google/protobuf/internal/builder.py"], 1) for v in ["3.20.3", "4.21.12", "5.27.2"]]
    + [("h5py", v, ["h5py/__init__.py", "h5py/_hl/files.py", "h5py/_hl/group.py", "h5py/_hl/attrs.py"], 2) for v in ["2.10.0", "3.1.0", "3.11.0"]]
)
# TensorFlow's own keras-related raise sites, read from the TensorFlow installed in the test environments (its wheels are
# 200+ MB each: not downloaded here): the SavedModel loader Keras hands a folder to, the lazy loader of tf.keras, and
# TensorFlow's legacy tf.keras copy (tensorflow/python/keras) where the release still ships it.
TF_STARTS = ["tensorflow/python/saved_model/load.py", "tensorflow/python/saved_model/loader_impl.py",
             "tensorflow/python/util/lazy_loader.py", "tensorflow/python/keras/saving/save.py",
             "tensorflow/python/keras/saving/hdf5_format.py", "tensorflow/python/keras/saving/saved_model/load.py"]
INSTALLED = [("tensorflow", "keras2", TF_STARTS, 1), ("tensorflow", "keras3", TF_STARTS, 1)]
NOT_MINED = ["tensorflow wheels (tf.keras 1.x-2.5): 200+ MB each; see scripts/mine-messages.py. TensorFlow's keras-related "
             "modules are mined from the TensorFlow installed in the test environments (keras2, keras3) when they are there"]


def installed_sources(env):
    """({path: source} of the installed tensorflow package, its version) in ~/.cache/keras-fix/envs/<env>, or None."""
    import glob
    for site in glob.glob(os.path.join(os.path.expanduser("~"), ".cache", "keras-fix", "envs", env, "lib", "python3*", "site-packages")):
        versions = [n[: -len(".dist-info")].split("-")[1] for n in os.listdir(site) if n.startswith(("tensorflow-", "tensorflow_cpu-")) and n.endswith(".dist-info")]
        if not versions or not os.path.isdir(os.path.join(site, "tensorflow")):
            continue
        found = {}
        for folder, _dirs, names in os.walk(os.path.join(site, "tensorflow", "python")):
            for name in names:
                if name.endswith(".py") and not name.endswith("_test.py"):
                    full = os.path.join(folder, name)
                    with open(full, encoding="utf-8", errors="replace") as handle:
                        found[os.path.relpath(full, site).replace(os.sep, "/")] = handle.read()
        return found, versions[0]
    return None

WHEEL_TARGETS = [None, ("3.7", "manylinux1_x86_64"), ("3.9", "manylinux2014_x86_64"), ("3.11", "manylinux_2_17_x86_64"),
                 ("3.6", "manylinux1_x86_64"), ("2.7", "manylinux1_x86_64")]


def dest(package, version):
    return os.path.join(CACHE, "%s-%s" % (package, version))


def archive_of(package, version):
    folder = dest(package, version)
    if not os.path.isdir(folder):
        return None
    names = sorted(n for n in os.listdir(folder) if n.endswith((".whl", ".zip", ".tar.gz")))
    return os.path.join(folder, names[0]) if names else None


def download(release):
    package, version = release[0], release[1]
    if archive_of(package, version):
        return "%s %s: cached" % (package, version)
    os.makedirs(dest(package, version), exist_ok=True)
    for target in WHEEL_TARGETS:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", dest(package, version), "%s==%s" % (package, version)]
        if target is not None:
            cmd += ["--only-binary=:all:", "--python-version", target[0], "--platform", target[1]]
        if subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0 and archive_of(package, version):
            return "%s %s: %s" % (package, version, os.path.basename(archive_of(package, version)))
    return "%s %s: NOT FOUND" % (package, version)


def sources(archive):
    """{path inside the package: source} of every .py file of a wheel or sdist (sdist paths lose their top folder)."""
    found = {}
    if archive.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as z:
            for name in z.namelist():
                if name.endswith(".py"):
                    # A .zip is an sdist: its paths start with "numpy-1.19.5/".
                    found[name.split("/", 1)[-1] if archive.endswith(".zip") else name] = z.read(name).decode("utf-8", "replace")
    else:
        import tarfile
        with tarfile.open(archive) as t:
            for member in t.getmembers():
                if member.name.endswith(".py"):
                    found[member.name.split("/", 1)[-1]] = t.extractfile(member).read().decode("utf-8", "replace")
    return {path: text for path, text in found.items() if "/tests/" not in path and "/testing/" not in path and not path.endswith("_test.py")}


def module_path(files, dotted):
    base = dotted.replace(".", "/")
    for candidate in (base + ".py", base + "/__init__.py"):
        if candidate in files:
            return candidate
    return None


def imported(files, path, tree):
    """The package files a module imports (absolute and relative, `from x import submodule` too)."""
    package = path.rsplit("/", 1)[0].replace("/", ".") if "/" in path else ""
    if not path.endswith("__init__.py"):
        package = package
    out = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join(p for p in parts + ([node.module] if node.module else []) if p)
            names = [base] + ["%s.%s" % (base, alias.name) for alias in node.names]
        for name in names:
            found = module_path(files, name)
            if found:
                out.append(found)
    return out


def closure(files, starts, depth):
    seen, frontier = set(), [s for s in starts if s in files]
    for _ in range(depth + 1):
        nxt = []
        for path in frontier:
            if path in seen:
                continue
            seen.add(path)
            try:
                tree = ast.parse(files[path])
            except SyntaxError:
                continue
            nxt.extend(imported(files, path, tree))
        frontier = nxt
    return sorted(seen)


def collect(table, files, modules, release):
    """Adds every raise site of `modules` to `table`; returns how many were found."""
    found = 0
    for path in modules:
        try:
            tree = ast.parse(files[path])
        except SyntaxError:
            continue  # Python 2 only syntax
        miner = mine_messages.Miner()
        miner.visit(tree)
        for kind, type_name, template, function in miner.found:
            if kind != "raise":
                continue
            entry = table.setdefault((type_name, template), {"type": type_name, "kind": kind, "template": template,
                                                             "releases": [], "files": set(), "functions": set()})
            if release not in entry["releases"]:
                entry["releases"].append(release)
            entry["files"].add(path)
            entry["functions"].add(function)
            found += 1
    return found


def mine():
    table, coverage = {}, []
    for package, version, starts, depth in RELEASES:
        archive = archive_of(package, version)
        release = "%s %s" % ({"tf-keras": "tf_keras"}.get(package, package), version)
        if not archive:
            coverage.append({"release": release, "archive": None, "modules": 0, "templates": 0})
            continue
        files = sources(archive)
        modules = closure(files, starts, depth)
        found = collect(table, files, modules, release)
        coverage.append({"release": release, "archive": os.path.basename(archive), "modules": len(modules), "templates": found})
    for package, env, starts, depth in INSTALLED:
        got = installed_sources(env)
        if not got:
            coverage.append({"release": "%s (env %s)" % (package, env), "archive": None, "modules": 0, "templates": 0})
            continue
        files, version = got
        release = "%s %s" % (package, version)
        modules = closure(files, starts, depth)
        found = collect(table, files, modules, release)
        coverage.append({"release": release, "archive": "installed in env %s" % env, "modules": len(modules), "templates": found})
    messages = [{"type": e["type"], "kind": e["kind"], "template": e["template"], "wording": ", ".join(e["releases"]),
                 "releases": e["releases"], "files": sorted(e["files"]), "functions": sorted(e["functions"])}
                for e in sorted(table.values(), key=lambda e: (e["template"], e["type"]))]
    with open(OUT, "w") as handle:
        json.dump({"generatedBy": "scripts/mine-load-path.py mine", "notMined": NOT_MINED, "coverage": coverage,
                   "messages": messages}, handle, indent=1)
        handle.write("\n")
    for line in coverage:
        print("%-22s %4d modules %5d raises  %s" % (line["release"], line["modules"], line["templates"], line["archive"] or "NOT DOWNLOADED"))
    for line in NOT_MINED:
        print("not mined: " + line)
    print("%d templates from %d releases, %d modules -> %s" % (len(messages), sum(1 for c in coverage if c["archive"]),
                                                               sum(c["modules"] for c in coverage), OUT))


if __name__ == "__main__":
    if sys.argv[1:2] == ["download"]:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for line in pool.map(download, RELEASES):
                print(line, flush=True)
    elif sys.argv[1:2] == ["mine"]:
        mine()
    else:
        sys.exit(__doc__)

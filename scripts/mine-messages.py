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


# ---------------------------------------------------------------------------------------------------------------
# Mining

# Files on the paths the table covers: saving, loading, (de)serialization, registration, and the loss / metric /
# optimizer / initializer / regularizer / constraint / activation lookups; model and layer reconstruction.
# Whole files on the paths (every raise counts); and files where only the functions that load, deserialize, look a
# name up or register count (a loss module's argument checks are not about loading).
WHOLE_FILE = re.compile(
    r"(^|/)(saving/|legacy/saving|saved_model/|serialization|utils/generic_utils|utils/object_registration|"
    r"engine/saving|_hl/files|models/cloning|utils/io_utils)"
)
PARTLY = re.compile(
    r"(^|/)(utils/layer_utils|engine/(topology|network|functional|base_layer|training|sequential|input_layer)"
    r"|models?(/|\.py)|losses|metrics|optimizers?|initializers|regularizers|constraints|activations"
    r"|layers/(__init__|core|serialization|recurrent|wrappers|rnn/|core/lambda_layer|core/tf_op_layer)|ops/operation"
    r"|_hl/(group|base|attrs))"
)
ON_PATH_FUNCTION = re.compile(
    r"load|deserializ|from_config|from_json|from_yaml|_retrieve|^get$|^get_|lookup|compile_from|compile_args|restore"
    r"|revive|regist|custom_object|class_and_config|process_(layer|node)|reconstruct|preprocess_weights|func_"
    r"|_resolve|^__init__$"
)
# The package roots inside a wheel or sdist, newest layout first: TF 1.15-2.1 ship `tensorflow_core`, TF 1.4-1.9
# `tensorflow/python/keras/_impl/keras`, TF 1.2-1.3 `tensorflow/contrib/keras/python/keras`.
PACKAGE_ROOTS = re.compile(
    r"(?:^|/)(tensorflow(?:_core)?/(?:python/keras/_impl/keras|contrib/keras/python/keras|python/keras|python/saved_model)"
    r"|keras|tf_keras/src|tf_keras|h5py)/"
)
LOGGERS = {"warn", "warning", "error", "info"}


class Hole(object):
    """A value put into the message at run time; rendered as {name}."""


def hole_name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return hole_name(node.func) if not isinstance(node.func, ast.Attribute) else node.func.attr
    if isinstance(node, ast.Subscript):
        return hole_name(node.value)
    return "x"


def hole(node):
    name = re.sub(r"^_+", "", hole_name(node)) or "x"
    return "{" + name + "}"


def percent_template(fmt, args_node):
    names = []
    if isinstance(args_node, ast.Tuple):
        names = [hole(e) for e in args_node.elts]
    else:
        names = [hole(args_node)]
    out, i = [], [0]

    def sub(m):
        if m.group(0) == "%%":
            return "%"
        if m.group(1):
            return "{" + m.group(1) + "}"
        value = names[i[0]] if i[0] < len(names) else "{x}"
        i[0] += 1
        return value
    return re.sub(r"%%|%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdrfigxXeE]", sub, fmt)


def format_template(fmt, call):
    positional = [hole(a) for a in call.args]
    keywords = dict((k.arg, hole(k.value)) for k in call.keywords if k.arg)
    i = [0]

    def sub(m):
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        key = m.group(1)
        if key == "":
            value = positional[i[0]] if i[0] < len(positional) else "{x}"
            i[0] += 1
            return value
        if key.isdigit():
            return positional[int(key)] if int(key) < len(positional) else "{x}"
        return keywords.get(key, "{" + key + "}")
    return re.sub(r"\{\{|\}\}|\{([\w]*)(?:[.\[][^{}!:]*)?(?:![rsa])?(?::[^{}]*)?\}", sub, fmt)


def render(node):
    """The message template an expression builds, or None when it is not built from text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value).replace("{", "{{").replace("}", "}}"))
            else:
                parts.append(hole(value.value))
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = render(node.left), render(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else hole(node.left)) + (right if right is not None else hole(node.right))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        fmt = render(node.left)
        if fmt is None:
            return None
        return percent_template(fmt.replace("{{", "{").replace("}}", "}"), node.right).replace("{{", "{").replace("}}", "}") if False else percent_template(fmt, node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        fmt = render(node.func.value)
        if fmt is None:
            return None
        return format_template(fmt, node)
    return None


def unescape_braces(template):
    return template.replace("{{", "\x00").replace("}}", "\x01")


def finish(template):
    # Literal braces were doubled while holes were single; the table shows literal braces as they print.
    text = re.sub(r"\{\{", "\x00", template)
    text = re.sub(r"\}\}", "\x01", text)
    text = text.replace("\x00", "{{").replace("\x01", "}}")
    # Holes left as printf or bare format fields (logging's lazy arguments, a format applied elsewhere).
    text = re.sub(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdrfi]", "{x}", text)
    text = re.sub(r"(?<!\{)\{(\d*)\}(?!\})", "{x}", text)
    return re.sub(r"\s+", " ", text).strip()


def exception_message(call):
    """str(exception) for `raise X(args)`: one argument prints as itself, several as a tuple repr."""
    args = [a for a in call.args if not isinstance(a, ast.Starred)]
    if not args:
        return None
    if len(args) == 1:
        return render(args[0])
    parts = []
    for a in args:
        r = render(a)
        parts.append("'" + r + "'" if r is not None else hole(a))
    if all(render(a) is None for a in args):
        return None
    return "(" + ", ".join(parts) + ")"


def callee(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class Miner(ast.NodeVisitor):
    def __init__(self):
        self.found = []
        self.function = []

    def visit_FunctionDef(self, node):
        self.function.append(node.name)
        self.generic_visit(node)
        self.function.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def add(self, kind, type_name, template):
        if template is None:
            return
        template = finish(template)
        if len(re.sub(r"\{\w*\}", "", template).strip(" .:'\"()")) < 8:
            return
        self.found.append((kind, type_name, template, self.function[-1] if self.function else "<module>"))

    def visit_Raise(self, node):
        exc = node.exc
        if isinstance(exc, ast.Call):
            name = callee(exc.func)
            if name and (name.endswith("Error") or name.endswith("Exception") or name in ("Exception",)):
                self.add("raise", name, exception_message(exc))
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute) and node.args:
            owner = callee(func.value)
            if func.attr == "warn" and owner == "warnings":
                category = callee(node.args[1]) if len(node.args) > 1 else None
                for k in node.keywords:
                    if k.arg == "category":
                        category = callee(k.value)
                self.add("warn", category or "UserWarning", render(node.args[0]))
            elif func.attr in LOGGERS and owner in ("logging", "tf_logging", "logger", "absl_logging", "io_utils"):
                self.add("log", func.attr.upper(), render(node.args[0]))
        self.generic_visit(node)


def relevant(name):
    """(path from the package root, whole file?) for a .py file on the covered paths, else None."""
    if not name.endswith(".py") or "/tests/" in name or name.endswith("_test.py") or "/testing" in name:
        return None
    root = PACKAGE_ROOTS.search(name)
    if not root:
        return None
    inner = root.group(1).split("/")[-1] + "/" + name[root.end():]
    if root.group(1).endswith("saved_model"):
        inner = "tensorflow/saved_model/" + name[root.end():]
    if WHOLE_FILE.search(inner):
        return inner, True
    if PARTLY.search(inner):
        return inner, False
    return None


def read_sources(archive):
    """(path inside the package, whole file?, source text) of the covered .py files of a wheel or sdist."""
    if archive.endswith(".whl") or archive.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            for name in z.namelist():
                found = relevant(name)
                if found:
                    yield found[0], found[1], z.read(name).decode("utf-8", "replace")
    else:
        import tarfile
        with tarfile.open(archive) as t:
            for member in t.getmembers():
                found = relevant(member.name)
                if found:
                    yield found[0], found[1], t.extractfile(member).read().decode("utf-8", "replace")


LINE_NAMES = {"keras": "keras", "tf-keras": "tf_keras", "tensorflow": "tf.keras (TF)", "h5py": "h5py"}


def wording(releases, order):
    """'keras 2.2.5–2.3.1, tf.keras (TF) 2.0.4': the releases as runs of consecutive mined releases per line."""
    runs = []
    for line in ["keras 1", "keras 2", "keras 3", "tf.keras (TF)", "tf_keras", "h5py"]:
        mined = [r for r in order if r.startswith(line)]
        run = []
        for release in mined + [None]:
            if release is not None and release in releases:
                run.append(release)
                continue
            if run:
                first, last = run[0], run[-1].split(" ")[-1]
                runs.append(first if len(run) == 1 else "%s–%s" % (first, last))
            run = []
    return ", ".join(runs)


def mine():
    table = {}
    coverage = []
    for package, minor, _targets in RELEASES:
        folder = dest(package, minor)
        if not downloaded(package, minor):
            coverage.append({"package": package, "minor": minor, "file": None, "files": 0, "skipped": 0})
            continue
        archive = sorted(n for n in os.listdir(folder) if n.endswith((".whl", ".tar.gz", ".zip")))[0]
        version = re.search(r"-(\d+(?:\.\d+)+)", archive).group(1)
        release = "%s %s" % (LINE_NAMES[package], version)
        files = skipped = 0
        for path, whole, source in read_sources(os.path.join(folder, archive)):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                skipped += 1  # Python 2 only syntax (Keras 1.x print statements)
                continue
            files += 1
            miner = Miner()
            miner.visit(tree)
            for kind, type_name, template, function in miner.found:
                if not whole and not ON_PATH_FUNCTION.search(function):
                    continue
                key = (type_name, template)
                entry = table.setdefault(key, {"type": type_name, "kind": kind, "template": template,
                                                "releases": [], "files": set(), "functions": set()})
                if release not in entry["releases"]:
                    entry["releases"].append(release)
                entry["files"].add(path)
                entry["functions"].add(function)
        coverage.append({"package": package, "minor": minor, "file": archive, "files": files, "skipped": skipped})
    order = ["%s %s" % (LINE_NAMES[c["package"]], re.search(r"-(\d+(?:\.\d+)+)", c["file"]).group(1))
             for c in coverage if c["file"]]
    entries = []
    for entry in sorted(table.values(), key=lambda e: (e["template"], e["type"])):
        entries.append({"type": entry["type"], "kind": entry["kind"], "template": entry["template"],
                        "wording": wording(entry["releases"], order),
                        "releases": entry["releases"], "files": sorted(entry["files"]),
                        "functions": sorted(entry["functions"])})
    out = {"generatedBy": "scripts/mine-messages.py mine", "coverage": coverage, "messages": entries}
    with open(OUT, "w") as handle:
        json.dump(out, handle, indent=1, sort_keys=False)
        handle.write("\n")
    print("%d templates from %d releases -> %s" % (len(entries), sum(1 for c in coverage if c["file"]), OUT))


if __name__ == "__main__":
    if sys.argv[1:2] == ["download"]:
        run_downloads()
    elif sys.argv[1:2] == ["mine"]:
        mine()
    else:
        sys.exit(__doc__)

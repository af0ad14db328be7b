# Re-save and compare, and the rebuild-load of a model rebuilt in code.
#
# A part of the probe worker, not a module of its own: keras_probe.py runs this file in its own namespace
# (load_parts), so the names of keras_probe.py and of its other parts are this file's globals, and the probe's folder
# never goes on sys.path. Stdlib only; Python 3.6+.

# --------------------------------------------------------------------------------------------------------------
# Re-save and compare


def can_write_keras_zip(state):
    loader = state.runtime.loader
    if loader in ("keras3", "tf_keras"):
        return True
    # tf.keras writes the .keras zip from TF 2.13 (2.12 still wrote the legacy format under that name).
    version = major_minor(state.env["packages"].get("tensorflow"))
    return loader == "tf.keras" and version is not None and version >= (2, 13)


def check_out_path(state, source, out):
    if not out.endswith(".keras"):
        raise ValueError("the re-saved model must go to a .keras path, got %s" % out)
    if os.path.exists(out):
        raise FileExistsError("refusing to overwrite %s: re-save writes a new file only" % out)
    if os.path.realpath(out) == os.path.realpath(source):
        raise ValueError("refusing to re-save over the input model %s" % source)
    if not can_write_keras_zip(state):
        raise RuntimeError("this Keras (%s) cannot write the .keras format" % state.runtime.loader)


def input_specs(model):
    specs = []
    for tensor in list(getattr(model, "inputs", None) or []):
        shape = [dim if isinstance(dim, int) or dim is None else getattr(dim, "value", dim) for dim in tensor.shape]
        dtype = getattr(tensor.dtype, "name", tensor.dtype)
        specs.append((shape, str(dtype)))
    if not specs:
        raise ValueError("the model declares no inputs, so there is nothing to feed it")
    return specs


def random_inputs(np, specs):
    rng = np.random.RandomState(COMPARE_SEED)
    arrays = []
    for shape, dtype in specs:
        concrete = [
            COMPARE_BATCH if i == 0 and dim is None else (UNKNOWN_DIM if dim is None else dim)
            for i, dim in enumerate(shape)
        ]
        kind = np.dtype(dtype).kind
        if kind in "iu":
            arrays.append(rng.randint(0, 2, size=concrete).astype(dtype))
        elif kind == "b":
            arrays.append(rng.randint(0, 2, size=concrete).astype(bool))
        elif kind == "f":
            arrays.append(rng.standard_normal(concrete).astype(dtype))
        else:
            raise ValueError("cannot make random input of dtype %s" % dtype)
    return arrays


def flatten_outputs(np, outputs):
    if isinstance(outputs, dict):
        return [array for key in sorted(outputs) for array in flatten_outputs(np, outputs[key])]
    if isinstance(outputs, (list, tuple)):
        return [array for item in outputs for array in flatten_outputs(np, item)]
    return [np.asarray(outputs)]


def predict(np, model, arrays):
    return flatten_outputs(np, model.predict(arrays[0] if len(arrays) == 1 else arrays, verbose=0))


def max_abs_diff(np, expected, got):
    if len(expected) != len(got):
        raise ValueError("the reloaded model has %d outputs, the original %d" % (len(got), len(expected)))
    worst = 0.0
    for a, b in zip(expected, got):
        if a.shape != b.shape:
            raise ValueError("output shapes differ: %s vs %s" % (a.shape, b.shape))
        a64 = a.astype("float64")
        b64 = b.astype("float64")
        both_nan = np.isnan(a64) & np.isnan(b64)
        diff = np.where(both_nan, 0.0, np.abs(a64 - b64))
        if diff.size:
            worst = max(worst, float(np.nan_to_num(diff, nan=np.inf).max()))
    return worst


def stage_failure(result, stage, exc):
    result["stage"] = stage
    result["error"] = exception_chain(exc)
    return result


def resave_compare(state, request):
    path = request.get("path")
    out = request.get("out") or ""
    fix = request.get("fix") or {}
    result = {"ok": False, "stage": None, "outPath": out, "load": None, "saveSeconds": None, "reload": None,
              "maxAbsDiff": None, "inputShapes": None, "error": None}
    load, model = attempt_load(state, path, fix)
    result["load"] = load
    if not load["ok"]:
        result["stage"] = "load"
        return result
    if fix.get("tfsmLayer"):
        return stage_failure(result, "save", ValueError("a TFSMLayer wrapper is not a model to migrate; re-export it"))
    started = time.perf_counter()
    try:
        check_out_path(state, path, out)
        with CapturedOutput():
            model.save(out)
    except (Exception, SystemExit) as exc:
        return stage_failure(result, "save", exc)
    result["saveSeconds"] = time.perf_counter() - started
    # Beside the new file (keras-fix's own scratch folder), so that whoever removes that folder removes this too.
    workdir = tempfile.mkdtemp(prefix="keras-fix-compare-", dir=os.path.dirname(out) or None)
    try:
        try:
            import numpy as np

            arrays = random_inputs(np, input_specs(model))
            result["inputShapes"] = [list(a.shape) for a in arrays]
            expected = predict(np, model, arrays)
            np.savez(os.path.join(workdir, "inputs.npz"), *arrays)
        except (Exception, SystemExit) as exc:
            return stage_failure(result, "predict", exc)
        # Shims are left out on purpose: the new file must load with plain Keras (plus the user's own code).
        reload_fix = dict((k, fix[k]) for k in RELOAD_FIX_KEYS if k in fix)
        return reload_and_compare(np, result, out, reload_fix, workdir, expected)
    finally:
        remove_tree(workdir)


def reload_and_compare(np, result, out, fix, workdir, expected):
    """The new file, loaded in a fresh Python with `fix`, must give the outputs `expected` on the saved inputs."""
    reload = reload_in_fresh_process(out, fix, workdir)
    result["reload"] = reload
    if not reload["ok"]:
        result["stage"] = "reload"
        return result
    try:
        with np.load(os.path.join(workdir, "outputs.npz")) as saved:
            got = [saved["arr_%d" % i] for i in range(len(saved.files))]
        result["maxAbsDiff"] = max_abs_diff(np, expected, got)
    except (Exception, SystemExit) as exc:
        return stage_failure(result, "compare", exc)
    result["ok"] = True
    return result


def remove_tree(folder):
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files:
            os.remove(os.path.join(root, name))
        for name in dirs:
            os.rmdir(os.path.join(root, name))
    os.rmdir(folder)


def reload_in_fresh_process(model_path, fix, workdir):
    """A brand-new interpreter (same one, same environment) proves the new file loads without our warm state."""
    request = {"path": model_path, "fix": fix, "inputs": os.path.join(workdir, "inputs.npz"),
               "outputs": os.path.join(workdir, "outputs.npz")}
    completed = subprocess.run(
        [sys.executable, "-u", PROBE_FILE, "--reload-predict", json.dumps(request)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    stderr = completed.stderr.decode("utf-8", "replace")
    sys.stderr.write(stderr)
    for line in reversed(completed.stdout.decode("utf-8", "replace").splitlines()):
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict) and "reload" in message:
            return message["reload"]
    tail = stderr[-2000:]
    return {"ok": False, "seconds": 0.0, "warnings": [], "model": None, "stage": "reload-process",
            "chain": chain_from_message(
                "ProbeReloadFailed", "the fresh Python exited with %s: %s" % (completed.returncode, tail)
            )}


def reload_predict(channel, request):
    """Child mode of resave-compare: load the new file cold, predict on the saved inputs, save the outputs."""
    state = WorkerState(initial_env())
    start_keras(state)
    load, model = attempt_load(state, request["path"], request.get("fix") or {})
    if load["ok"]:
        try:
            import numpy as np

            with np.load(request["inputs"]) as saved:
                arrays = [saved["arr_%d" % i] for i in range(len(saved.files))]
            np.savez(request["outputs"], *predict(np, model, arrays))
        except (Exception, SystemExit) as exc:
            load["ok"] = False
            load["stage"] = "predict"
            load["chain"] = exception_chain(exc)
    channel.send({"reload": load})


# --------------------------------------------------------------------------------------------------------------
# Rebuild a model in code (keras-fix's generated build_model() script) and load only its weights: nothing from
# the model file runs. Proven when every weight of the rebuilt model equals an array the file stores and every
# stored array is used; with `out`, the rebuilt model is re-saved and reloaded in a fresh Python (safe mode).


def stored_weight_arrays(path):
    """(path, array) for every weight array the file stores: legacy HDF5 model_weights, or a .keras zip's
    model.weights.h5. The optimizer's state is left out: it is not part of the model."""
    import io
    import zipfile

    import h5py
    import numpy as np

    arrays = []

    def collect(group, prefix):
        for key in group.keys():
            item = group.get(key)
            if isinstance(item, h5py.Dataset):
                arrays.append((prefix + key, np.asarray(item[()])))
            elif isinstance(item, h5py.Group) and not (prefix == "" and key == "optimizer"):
                collect(item, prefix + key + "/")

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            if "model.weights.h5" not in archive.namelist():
                raise ValueError("the archive has no model.weights.h5")
            data = archive.read("model.weights.h5")
        with h5py.File(io.BytesIO(data), "r") as weights:
            collect(weights, "")
    else:
        with h5py.File(path, "r") as weights:
            root = weights["model_weights"] if "model_weights" in weights else weights
            collect(root, "")
    return arrays


def weight_match(np, model, stored):
    """Each model weight must equal one stored array (same shape, dtype and bytes), each used once."""
    import hashlib

    def key(array):
        array = np.ascontiguousarray(array)
        return (tuple(array.shape), array.dtype.str, hashlib.sha1(array.tobytes()).hexdigest())

    pool = {}
    for name, array in stored:
        pool.setdefault(key(array), []).append(name)
    unmatched = []
    matched = 0
    for weight in model.weights:
        value = weight.numpy() if hasattr(weight, "numpy") else np.asarray(weight)
        names = pool.get(key(np.asarray(value)))
        if names:
            names.pop()
            matched += 1
        else:
            unmatched.append({"name": str(getattr(weight, "path", None) or weight.name), "shape": list(np.shape(value))})
    unused = [{"name": name, "shape": None} for names in pool.values() for name in names]
    return {"model": len(model.weights), "stored": len(stored), "matched": matched, "unmatched": unmatched[:50],
            "unused": unused[:50], "unusedCount": len(unused)}


def rebuild_load(state, request):
    result = {"ok": False, "stage": None, "error": None, "model": None, "weights": None, "outPath": None,
              "reload": None, "maxAbsDiff": None, "seconds": 0.0}
    started = time.perf_counter()
    if state.runtime is None:
        result["stage"] = "import-keras"
        result["error"] = state.env["importError"] or missing_keras_chain()
        return result
    stage = "import-script"
    try:
        import numpy as np

        with CapturedOutput():
            module = import_module_from_path(state, request["script"])
            stage = "build"
            model = module.build_model()
            stage = "read-weights"
            stored = stored_weight_arrays(request["path"])
            stage = "load-weights"
            model.load_weights(request["path"])
        result["model"] = model_summary(model)
        stage = "check-weights"
        result["weights"] = weight_match(np, model, stored)
    except (Exception, SystemExit) as exc:
        result["seconds"] = time.perf_counter() - started
        return stage_failure(result, stage, exc)
    weights = result["weights"]
    result["ok"] = not weights["unmatched"] and weights["unusedCount"] == 0 and weights["matched"] > 0
    if not result["ok"]:
        result["stage"] = "check-weights"
    out = request.get("out")
    if result["ok"] and out:
        result["ok"] = False
        result["outPath"] = out
        try:
            check_out_path(state, request["path"], out)
            with CapturedOutput():
                model.save(out)
        except (Exception, SystemExit) as exc:
            return stage_failure(result, "save", exc)
        workdir = tempfile.mkdtemp(prefix="keras-fix-rebuild-")
        try:
            try:
                arrays = random_inputs(np, input_specs(model))
                expected = predict(np, model, arrays)
                np.savez(os.path.join(workdir, "inputs.npz"), *arrays)
            except (Exception, SystemExit) as exc:
                return stage_failure(result, "predict", exc)
            # The fresh Python imports the generated script (which registers the Lambda functions) and loads the
            # new file in safe mode: it must not need to run any bytecode.
            reload_and_compare(np, result, out, {"customObjectsModule": request["script"]}, workdir, expected)
        finally:
            remove_tree(workdir)
    result["seconds"] = time.perf_counter() - started
    return result

"""keras-fix bring-home: a model that loads only in a trial environment becomes a NEW .keras file the user's own Keras
loads, proven by loading that file in a fresh Python and comparing outputs with the trial's.

Two steps, driven by src/core/bring-home/bring-home.ts:
- export, in the trial environment (`python -u bring_home.py export '<request json>'`; one JSON line on stdout
  through keras_probe's Channel, everything else on stderr): load the model (keras_probe's guard on, as the proof
  loaded it) and write into a folder keras-fix made: the model's config, what each class's keys default to there,
  every weight as a plain .npy (never a pickle), a seeded random input and the outputs on it; for a Keras 2 model
  also Keras 2's own .keras file.
- import, in the user's Keras 3, inside their warm probe worker (keras_probe's `bring-home-import` op calls
  import_model): the .keras Keras 2 wrote, if this Keras reads it; else rebuild from the config, dropping keys this
  Keras does not know only when their value is the newer version's default, and set the weights. Save to the new
  path, reload it in safe mode in a fresh Python, run the same input, compare.
Stdlib only at import time (Keras and numpy are those of the environment); Python 3.6+.
"""

import sys

if sys.version_info < (3, 6):
    sys.stderr.write("keras-fix needs Python 3.6 or newer; this is %s\n" % sys.version.split()[0])
    sys.exit(2)

import copy
import importlib
import importlib.util
import inspect
import json
import os
import re
import time

import keras_probe as probe  # the same folder: its guard, loads, random inputs and fresh-process reload

# Outputs may differ by float32 rounding between Keras versions and backends (other kernels, another summation
# order): ~1e-6 of the output's size per layer. A wrong or missing weight, or a dropped setting that mattered,
# changes outputs at the scale of the outputs themselves. 1e-4 of that scale (at least 1e-4) separates the two.
RELATIVE_TOLERANCE = 1e-4
# Keys through which a layer declares the model's input: Keras 3 reads them while building the model around the
# layer (Keras 2 configs carry them), so a layer built alone may refuse them, yet they are never dropped.
INPUT_SHAPE_KEYS = ("batch_input_shape", "batch_shape", "input_shape", "input_dim", "batch_size")
MODEL_CLASSES = ("Functional", "Sequential", "Model")
MISSING = "<keras-fix:missing>"
WEIGHTS_DIR = "weights"
# Half-precision layers round at their own epsilon, and two backends round differently: the tolerance grows to a few
# of those epsilons (a lost weight still moves outputs at their own scale).
HALF_PRECISION = {"float16": 2.0 ** -10, "mixed_float16": 2.0 ** -10, "bfloat16": 2.0 ** -7, "mixed_bfloat16": 2.0 ** -7}
# Keras 3 operations (keras.ops) serialized in a functional config live in these modules.
OPS_MODULE = re.compile(r"^keras\.(src\.)?ops(\.\w+)*$")


def sibling(name):
    """A module of this folder, loaded by path (the folder stays off sys.path)."""
    key = "keras_fix_" + name
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[key] = module
    return sys.modules[key]


def plain(value):
    """A JSON round trip: tuples become lists, so values from two Keras versions compare equal when they are."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def same(a, b):
    return json.dumps(plain(a), sort_keys=True) == json.dumps(plain(b), sort_keys=True)


def keras_namespaces(keras):
    names = ("layers", "initializers", "regularizers", "constraints", "dtype_policies", "mixed_precision", "optimizers",
             "losses", "metrics")
    return [getattr(keras, name) for name in names if getattr(keras, name, None) is not None]


def resolve_class(keras, class_name, module=None):
    """A built-in class of this Keras by the name a config stores; None for models and unknown names. A keras.ops
    operation is found in its own module (Keras' own, never a module a config names elsewhere)."""
    if not isinstance(class_name, str) or class_name in MODEL_CLASSES:
        return None
    if isinstance(module, str) and OPS_MODULE.match(module):
        try:
            found = getattr(importlib.import_module(module), class_name, None)
        except ImportError:
            found = None
        return found if inspect.isclass(found) and hasattr(found, "from_config") else None
    for namespace in keras_namespaces(keras):
        found = getattr(namespace, class_name, None)
        if inspect.isclass(found) and hasattr(found, "from_config"):
            model = getattr(keras, "Model", None)
            return None if model is not None and issubclass(found, model) else found
    return None


def config_objects(value, found=None):
    """Every serialized object ({class_name, config}) in a config, innermost first (a wrapped layer before its
    wrapper), so that a wrapper is tried with its inner layer already adapted."""
    found = [] if found is None else found
    if isinstance(value, dict):
        for item in value.values():
            config_objects(item, found)
        if isinstance(value.get("class_name"), str) and isinstance(value.get("config"), dict):
            found.append(value)
    elif isinstance(value, list):
        for item in value:
            config_objects(item, found)
    return found


def accepted_keys(cls):
    """The named constructor arguments of the class and of the parents its **kwargs are passed on to."""
    keys = set()
    for klass in cls.__mro__:
        if "__init__" not in klass.__dict__:
            continue
        try:
            parameters = inspect.signature(klass.__dict__["__init__"]).parameters.values()
        except (TypeError, ValueError):
            return None
        keys.update(p.name for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self")
        if not any(p.kind == p.VAR_KEYWORD for p in parameters):
            break
    return keys


def builds(cls, config):
    try:
        with probe.CapturedOutput():
            cls.from_config(copy.deepcopy(config))
        return None
    except (Exception, SystemExit) as exc:
        return exc


# --------------------------------------------------------------------------------------------------------------
# Export (trial environment)


def class_defaults(cls, config):
    """What each key of this config defaults to in this Keras: the value a layer built without the key reports."""
    defaults = {}
    for key in config:
        rest = dict((k, v) for k, v in config.items() if k != key)
        try:
            with probe.CapturedOutput():
                fresh = cls.from_config(copy.deepcopy(rest))
            defaults[key] = plain(fresh.get_config().get(key, MISSING))
        except (Exception, SystemExit):
            continue  # the key is required, or the class needs more than its config: no default to compare with
    return defaults


def defaults_of(keras, config):
    defaults = {}
    with probe.GUARD.scope({}, []):
        for item in config_objects(config):
            name = item["class_name"]
            cls = resolve_class(keras, name, item.get("module"))
            if cls is not None and name not in defaults:
                defaults[name] = class_defaults(cls, item["config"])
    return defaults


def weight_groups(model, prefix=""):
    """(layer path, [variables]) in layer order; a nested model's layers under its name. Matching by layer keeps
    Keras 2's model.weights order (all trainable first) from mattering."""
    groups = []
    for layer in getattr(model, "layers", []):
        if getattr(layer, "layers", None) is not None and type(layer).__name__ in MODEL_CLASSES:
            groups.extend(weight_groups(layer, prefix + layer.name + "/"))
        elif layer.weights:
            groups.append((prefix + layer.name, list(layer.weights)))
    return groups


def write_weights(np, model, folder):
    os.mkdir(os.path.join(folder, WEIGHTS_DIR))
    manifest = []
    count = 0
    for path, variables in weight_groups(model):
        entries = []
        for variable in variables:
            array = np.asarray(variable.numpy() if hasattr(variable, "numpy") else variable)
            name = "%d.npy" % count
            count += 1
            np.save(os.path.join(folder, WEIGHTS_DIR, name), array, allow_pickle=False)
            entries.append({"file": name, "shape": list(array.shape), "dtype": str(array.dtype)})
        manifest.append({"layer": path, "weights": entries})
    return manifest, count


def export(state, request):
    folder = request["out"]
    result = {"ok": False, "stage": "load", "error": None, "load": None, "format": None, "keras": None,
              "weights": None, "inputShapes": None, "simple": None}
    load, model = probe.attempt_load(state, request["path"], request.get("fix") or {})
    result["load"] = load
    if not load["ok"]:
        return result
    runtime = state.runtime
    result["keras"] = str(getattr(runtime.keras, "__version__", "") or state.env["packages"].get("keras") or "")
    stage = "config"
    try:
        import numpy as np

        if runtime.loader == "keras3":
            config = plain(runtime.keras.saving.serialize_keras_object(model))
            compile_config = config.pop("compile_config", None)
            result["format"] = "keras3"
        else:
            config = plain(json.loads(model.to_json()))
            compile_config = None  # Keras 2's training settings name Keras 2 classes; the copy says it has none
            result["format"] = "keras2"
        stage = "defaults"
        defaults = defaults_of(runtime.keras, [config, compile_config])
        stage = "weights"
        manifest, result["weights"] = write_weights(np, model, folder)
        stage = "reference"
        specs = probe.input_specs(model)
        arrays = probe.random_inputs(np, specs)
        result["inputShapes"] = [list(a.shape) for a in arrays]
        expected = probe.predict(np, model, arrays)
        np.savez(os.path.join(folder, "inputs.npz"), *arrays)
        np.savez(os.path.join(folder, "reference.npz"), *expected)
    except (Exception, SystemExit) as exc:
        return probe.stage_failure(result, stage, exc)
    if result["format"] == "keras2" and probe.can_write_keras_zip(state):
        # The simple road: Keras 2.13-2.15 write the .keras zip too, and Keras 3 reads many of them.
        try:
            with probe.CapturedOutput():
                model.save(os.path.join(folder, "keras2.keras"))
            result["simple"] = "keras2.keras"
        except (Exception, SystemExit) as exc:
            result["simple"] = None
            result["simpleError"] = probe.exception_chain(exc)
    with open(os.path.join(folder, "export.json"), "w") as handle:
        json.dump({"format": result["format"], "keras": result["keras"], "config": config, "defaults": defaults,
                   "compile": compile_config,
                   "weights": manifest, "simple": result["simple"],
                   "inputs": [{"shape": shape, "dtype": dtype} for shape, dtype in specs]}, handle)
    result["ok"] = True
    result["stage"] = None
    return result


# --------------------------------------------------------------------------------------------------------------
# Import (the user's environment)


def adapt_config(keras, config, defaults):
    """Makes every built-in object of the config one this Keras builds. A key it does not know is dropped only when
    its value is what the newer Keras defaults it to (so dropping it changes nothing); any other makes the copy
    impossible, and is named. Returns (dropped, refused)."""
    dropped, refused = [], []
    for item in config_objects(config):
        name = item["class_name"]
        cls = resolve_class(keras, name, item.get("module"))
        if cls is None:
            if name in defaults:
                refused.append({"className": name, "key": None, "why": "this Keras has no class %s" % name})
            continue
        cfg = item["config"]
        if builds(cls, cfg) is None:
            continue
        known = accepted_keys(cls)
        if known is None:
            continue
        unknown = [k for k in cfg if k not in known and k not in INPUT_SHAPE_KEYS]
        class_defaults = defaults.get(name, {})
        # An operation's name only names its node in the graph (an operation holds no weights).
        operation = not issubclass(cls, keras.layers.Layer) and OPS_MODULE.match(str(item.get("module")))
        droppable = [k for k in unknown if k in class_defaults and same(cfg[k], class_defaults[k]) or operation and k == "name"]
        kept = [k for k in unknown if k not in droppable]
        trimmed = dict((k, v) for k, v in cfg.items() if k not in droppable)
        if droppable and builds(cls, trimmed) is None:
            for key in droppable:
                dropped.append({"className": name, "key": key, "value": plain(cfg[key])})
            item["config"] = trimmed
            continue
        if kept and builds(cls, dict((k, v) for k, v in cfg.items() if k not in unknown)) is None:
            for key in kept:
                default = class_defaults.get(key, MISSING)
                why = ("its value %s is not the default %s" % (json.dumps(plain(cfg[key])), json.dumps(default))
                       if default != MISSING else "keras-fix could not tell its default")
                refused.append({"className": name, "key": key, "why": "this Keras does not know %s; %s" % (key, why)})
        # Anything else fails only inside the model (a shared object, a refused Lambda): the build says what.
    return dropped, refused


def policies_as_names(keras, value, converted):
    """A plain dtype policy serialized as an object ({"class_name": "DTypePolicy", "config": {"name": "float16"}}, Keras
    3.4+) that this Keras has no class for becomes its name, the string older Keras 3 wrote for the same policy."""
    if isinstance(value, list):
        for item in value:
            policies_as_names(keras, item, converted)
    elif isinstance(value, dict):
        for key, item in list(value.items()):
            policy = item if key == "dtype" and isinstance(item, dict) else None
            name = (policy.get("config") or {}).get("name") if policy else None
            if policy and policy.get("class_name") in ("DTypePolicy", "FloatDTypePolicy") and isinstance(name, str) \
                    and resolve_class(keras, policy["class_name"]) is None:
                value[key] = name
                converted.append({"className": policy["class_name"], "key": "dtype", "value": name})
            else:
                policies_as_names(keras, item, converted)


def writes_single_tensor_nested(keras):
    """Whether this Keras writes a model's one input as [[name, node, tensor]] (Keras 3.3 and older, which read only
    that) rather than [name, node, tensor] (newer): read from a one-layer model it configures itself."""
    inputs = keras.Input((1,))
    written = keras.Model(inputs, keras.layers.Activation("linear")(inputs)).get_config()["input_layers"]
    return bool(written) and isinstance(written[0], list)


def as_this_keras_writes(keras, config, converted):
    """What an older Keras 3 writes otherwise and reads only its own way: a built-in class under the name this Keras
    gives it (Keras 3.15 writes Orthogonal, Keras 3.3 reads only OrthogonalInitializer; each exports both names for
    the same class), and a model's single input or output as a list of one [name, node, tensor]."""
    nested = writes_single_tensor_nested(keras)
    for item in config_objects(config):
        name = item["class_name"]
        cls = resolve_class(keras, name, item.get("module"))
        if cls is not None and cls.__name__ != name and not OPS_MODULE.match(str(item.get("module"))):
            item["class_name"] = cls.__name__
            converted.append({"className": name, "key": "class_name", "value": cls.__name__})
        if name in MODEL_CLASSES and nested and isinstance(item.get("config"), dict):
            for key in ("input_layers", "output_layers"):
                leaf = item["config"].get(key)
                if isinstance(leaf, list) and len(leaf) == 3 and isinstance(leaf[0], str):
                    item["config"][key] = [leaf]
                    converted.append({"className": name, "key": key, "value": [leaf]})


def node_references(value, found=None):
    """Every [layer name, node index, tensor index, ...] list in a Keras 2 graph config."""
    found = [] if found is None else found
    if isinstance(value, list):
        if len(value) >= 3 and isinstance(value[0], str) and isinstance(value[1], int) and isinstance(value[2], int):
            found.append(value)
        else:
            for item in value:
                node_references(item, found)
    return found


def renumber_nested_models(config):
    """Keras 2 counts a nested model's own construction as its node 0, so the outer graph calls its first use node 1;
    Keras 3 numbers only the calls (and fails on such .h5 files with IndexError in functional_from_config). Shift
    those references down by the nodes Keras 2 counted first. Returns the names of the nested models shifted."""
    shifted = []
    for item in config_objects(config):
        layers = item["config"].get("layers") if item["class_name"] in MODEL_CLASSES else None
        if not isinstance(layers, list) or not all(isinstance(layer, dict) and "inbound_nodes" in layer for layer in layers):
            continue  # not a functional graph (a Sequential's layers have no nodes)
        refs = node_references([layer["inbound_nodes"] for layer in layers])
        refs += node_references(item["config"].get("input_layers")) + node_references(item["config"].get("output_layers"))
        for layer in layers:
            if layer.get("class_name") not in MODEL_CLASSES:
                continue
            used = [ref for ref in refs if ref[0] == layer["name"]]
            offset = (max(ref[1] for ref in used) + 1 - len(layer["inbound_nodes"])) if used else 0
            if offset > 0 and min(ref[1] for ref in used) >= offset:
                for ref in used:
                    ref[1] -= offset
                shifted.append(layer["name"])
    return shifted


def nested_functional_where_keras3_finds_it(config):
    """A Keras 2 graph names a nested functional model "Functional" with no module, or Keras 2's own module
    (tf_keras.src.engine.functional); Keras 3 builds the inner layers with its new deserializer, which finds no
    public class of that name there (its own files say where: keras.src.models.functional). The outer model is built
    by the legacy route, which knows the name."""
    moved = []
    for item in config_objects(config.get("config")):
        if item["class_name"] == "Functional" and not str(item.get("module") or "keras.src.engine.functional").startswith("keras.src.models"):
            item["module"] = "keras.src.models.functional"
            item["registered_name"] = "Functional"
            moved.append(item["config"].get("name"))
    return moved


def legacy_route_for_batch_input_shape(value):
    """A Keras 2 Sequential built with `input_shape=` on its first layer (TF 1.x, and tf_keras reading such a file)
    keeps `batch_input_shape` in that layer's config, which Keras 3 turns into an input shape only on its legacy
    route, the one it takes for layer configs without `module` (as in a TF 1.x .h5 file). So those layers go that
    route here too."""
    if isinstance(value, list):
        for item in value:
            legacy_route_for_batch_input_shape(item)
        return
    if not isinstance(value, dict):
        return
    config = value.get("config")
    layers = config.get("layers") if isinstance(config, dict) else None
    if value.get("class_name") == "Sequential" and isinstance(layers, list) and layers and isinstance(layers[0], dict):
        first = layers[0].get("config")
        if isinstance(first, dict) and first.get("batch_input_shape"):
            for layer in layers:
                if isinstance(layer, dict):
                    layer.pop("module", None)
                    layer.pop("registered_name", None)
    for item in value.values():
        legacy_route_for_batch_input_shape(item)


def rebuild(runtime, info, fix, objects):
    """The model from the adapted config; the user's custom objects (--custom-objects) in scope when given."""
    keras = runtime.keras
    scopes = [probe.GUARD.scope(fix, [fix.get("customObjectsModule")]),
              probe.custom_object_scope(runtime, objects) if objects else None, probe.CapturedOutput()]
    with probe.Scopes(scopes):
        if info["format"] == "keras3":
            return keras.saving.deserialize_keras_object(info["config"], safe_mode=True)
        # A Keras 2 config: the route Keras 3 itself takes for a Keras 2 .h5 file.
        from keras.src.legacy.saving import saving_utils

        ops = sibling("bring_home_ops")
        if info["config"].get("class_name") in ops.MODEL_CLASSES and ops.op_layers(info["config"]):
            # Raw TF ops in the graph: walked node by node, each op a keras.ops call.
            layer = lambda data: saving_utils.model_from_config(dict((k, v) for k, v in data.items() if k != "inbound_nodes"))
            return ops.build_functional(keras, info["config"], layer)
        nested_functional_where_keras3_finds_it(info["config"])
        return saving_utils.model_from_config(info["config"])


def tolerance_scale(config):
    """The relative tolerance: RELATIVE_TOLERANCE, or a few epsilons of the lowest precision the model computes in."""
    names = re.findall(r'"((?:mixed_)?b?float16)"', json.dumps(config))
    return max([RELATIVE_TOLERANCE] + [4 * HALF_PRECISION[name] for name in names])


def culprit(keras, exc):
    """(class name, layer name) of the layer or operation being built or called where the innermost exception was
    raised: the innermost traceback frame whose `self` is one (never the model around it), or Keras 3's
    functional_from_config's `layer_data` for the layer it was creating."""
    chain = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    for item in reversed(chain):
        frames, tb = [], item.__traceback__
        while tb is not None:
            frames.append(tb.tb_frame.f_locals)
            tb = tb.tb_next
        for local in reversed(frames):
            owner, data = local.get("self"), local.get("layer_data")
            if (isinstance(owner, keras.layers.Layer) or ".ops." in type(owner).__module__) \
                    and not isinstance(owner, keras.Model) and isinstance(getattr(owner, "name", None), str):
                return type(owner).__name__, owner.name
            if isinstance(data, dict) and isinstance(data.get("name"), str):
                return str(data.get("class_name")), data["name"]
    return None


def innermost(chain, located=None):
    """The first exception raised under Keras' wrappers ("... could not be deserialized properly") and the layer it
    came from: where the traceback says, else the innermost message that names a class and a config's name."""
    if not chain:
        return None
    found = {"type": chain[0]["type"], "message": chain[0]["message"].split("\n")[0][:500], "className": None, "layer": None}
    if located:
        found["className"], found["layer"] = located
        return found
    for item in chain:
        cls = re.search(r"(?:<class '(?:[\w.]+\.)?(\w+)'>|class '(\w+)')", item["message"])
        name = re.search(r"'name': '([^']+)'", item["message"])
        if cls and name:
            found["className"], found["layer"] = cls.group(1) or cls.group(2), name.group(1)
            break
    return found


def compile_copy(keras, model, info, result):
    """Carries the trial's training settings (optimizer, loss, metrics) when this Keras rebuilds them; else says so."""
    config = info.get("compile")
    if info.get("compileRefused"):
        result["compiled"] = {"ok": False, "why": "; ".join("%s.%s: %s" % (r["className"], r["key"], r["why"]) for r in info["compileRefused"])}
        return
    if not config:
        result["compiled"] = {"ok": False, "why": "the trial's model was not compiled" if info["format"] == "keras3"
                              else "Keras 2's training settings are not carried into Keras 3"}
        return
    try:
        with probe.GUARD.scope({}, []), probe.CapturedOutput():
            model.compile_from_config(config)
        result["compiled"] = {"ok": True, "why": None}
    except (Exception, SystemExit) as exc:
        chain = probe.exception_chain(exc)
        result["compiled"] = {"ok": False, "why": "%s: %s" % (chain[0]["type"].split(".")[-1], chain[0]["message"].split("\n")[0][:300])}


def set_weights(np, model, folder, manifest):
    """Each stored layer's arrays onto the layer of the same path, in order; shapes must agree. Falls back to the
    order of all weights when the layer paths differ."""
    groups = dict(weight_groups(model))
    by_layer = all(entry["layer"] in groups and len(groups[entry["layer"]]) == len(entry["weights"]) for entry in manifest)
    if by_layer:
        pairs = [(v, w) for entry in manifest for v, w in zip(groups[entry["layer"]], entry["weights"])]
    else:
        variables = [v for _, group in weight_groups(model) for v in group]
        stored = [w for entry in manifest for w in entry["weights"]]
        if len(variables) != len(stored):
            raise ValueError("the rebuilt model has %d weights, the trial's %d" % (len(variables), len(stored)))
        pairs = list(zip(variables, stored))
    for variable, stored in pairs:
        array = np.load(os.path.join(folder, WEIGHTS_DIR, stored["file"]), allow_pickle=False)
        if tuple(variable.shape) != tuple(array.shape):
            raise ValueError("weight %s has shape %s here, %s in the trial" % (getattr(variable, "path", variable.name),
                                                                             tuple(variable.shape), array.shape))
        variable.assign(array)
    return {"matched": len(pairs), "byLayer": by_layer}


def import_model(state, request):
    folder = request["folder"]
    out = request["out"]
    result = {"ok": False, "stage": "import-keras", "error": None, "route": None, "outPath": None, "dropped": [],
              "refused": [], "renumbered": [], "simpleError": None, "weights": None, "reload": None, "maxAbsDiff": None,
              "tolerance": None, "keras": state.env["packages"].get("keras"), "inner": None, "compiled": None, "tfOps": [],
              "converted": []}
    if state.runtime is None:
        result["error"] = state.env["importError"] or probe.missing_keras_chain()
        return result
    if state.runtime.loader != "keras3":
        result["error"] = probe.chain_from_message("ValueError", "bring-home writes Keras 3 files; this Python loads with %s" % state.runtime.loader)
        return result
    stage = "read"
    try:
        import numpy as np

        with open(os.path.join(folder, "export.json")) as handle:
            info = json.load(handle)
        relative = tolerance_scale(info["config"])  # before the rebuild, which may consume parts of the config
        probe.check_out_path(state, request["source"], out)
        # The user's own code for their custom layers (--custom-objects), as their load would import it.
        fix = dict((k, v) for k, v in (request.get("fix") or {}).items() if k in ("customObjectsModule", "customObjects"))
        objects = probe.custom_objects_for(state, fix) if fix else {}
        model = None
        if info.get("simple"):
            load, loaded = probe.attempt_load(state, os.path.join(folder, info["simple"]), fix)
            if load["ok"]:
                model, result["route"] = loaded, "simple"
            else:
                result["simpleError"] = load["chain"]
        if model is None:
            stage = "adapt"
            keras = state.runtime.keras
            policies_as_names(keras, info["config"], result["converted"])
            result["dropped"], result["refused"] = adapt_config(keras, info["config"], info["defaults"])
            as_this_keras_writes(keras, info["config"], result["converted"])
            if info.get("compile"):
                # Training settings are carried when this Keras builds them; they never stop the copy.
                dropped, info["compileRefused"] = adapt_config(keras, info["compile"], info["defaults"])
                result["dropped"] += [] if info["compileRefused"] else dropped
                as_this_keras_writes(keras, info["compile"], result["converted"])
            if info["format"] == "keras2":
                result["renumbered"] = renumber_nested_models(info["config"])
                legacy_route_for_batch_input_shape(info["config"])
                result["refused"] += sibling("bring_home_ops").untranslatable(keras, info["config"])
                result["tfOps"] = sorted(set("tf." + layer["config"].get("function", "?") for layer in sibling("bring_home_ops").op_layers(info["config"])))
            if result["refused"]:
                result["stage"] = "adapt"
                return result
            stage = "rebuild"
            try:
                model = rebuild(state.runtime, info, fix, objects)
            except sibling("bring_home_ops").Untranslatable as exc:
                result["refused"] = [{"className": "TFOpLambda", "key": None, "why": str(exc)}]
                result["stage"] = "adapt"
                return result
            stage = "weights"
            result["weights"] = set_weights(np, model, folder, info["weights"])
            result["route"] = "rebuild"
            compile_copy(keras, model, info, result)
        stage = "save"
        with probe.CapturedOutput():
            model.save(out)
        result["outPath"] = out
    except (Exception, SystemExit) as exc:
        probe.stage_failure(result, stage, exc)
        try:
            located = culprit(state.runtime.keras, exc)
        except Exception:
            located = None
        result["inner"] = innermost(result["error"], located)
        return result
    # The proof: the new file, cold, in safe mode, in a fresh Python of this environment, on the trial's input.
    reload = probe.reload_in_fresh_process(out, fix, folder)
    result["reload"] = reload
    if not reload["ok"]:
        return discard(result, "reload", out)
    try:
        with np.load(os.path.join(folder, "reference.npz"), allow_pickle=False) as saved:
            expected = [saved["arr_%d" % i] for i in range(len(saved.files))]
        with np.load(os.path.join(folder, "outputs.npz"), allow_pickle=False) as saved:
            got = [saved["arr_%d" % i] for i in range(len(saved.files))]
        result["maxAbsDiff"] = probe.max_abs_diff(np, expected, got)
        scale = max([float(np.nanmax(np.abs(a.astype("float64")))) for a in expected if a.size] + [1.0])
        result["tolerance"] = relative * scale
    except (Exception, SystemExit) as exc:
        probe.stage_failure(result, "compare", exc)
        return discard(result, "compare", out)
    if result["maxAbsDiff"] > result["tolerance"]:
        return discard(result, "compare", out)
    result["ok"] = True
    result["stage"] = None
    return result


def discard(result, stage, out):
    """A copy that is not proven is not left beside the user's model (it is ours: written a moment ago)."""
    result["stage"] = stage
    try:
        os.remove(out)
    except OSError:
        pass
    result["outPath"] = None
    return result


def main(argv):
    probe.path_as_users_python_c()
    channel = probe.Channel()
    probe.watch_parent()
    if len(argv) != 3 or argv[1] != "export":
        channel.send({"ok": False, "stage": "usage", "error": probe.chain_from_message("ValueError", "usage: bring_home.py export '<json>'")})
        return 2
    request = json.loads(argv[2])
    started = time.perf_counter()
    state = probe.WorkerState(probe.initial_env())
    probe.start_keras(state)
    try:
        result = export(state, request)
    except (Exception, SystemExit) as exc:
        result = {"ok": False, "stage": "crash", "error": probe.exception_chain(exc)}
    result["seconds"] = time.perf_counter() - started
    result["env"] = {"python": state.env["python"], "packages": state.env["packages"], "backend": state.env["backend"]}
    channel.send({"bringHome": argv[1], "result": result})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

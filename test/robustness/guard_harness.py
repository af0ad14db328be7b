"""Rebuilds the model stored in a legacy .h5 from its `model_config` with the probe's guard installed, as keras-fix's
worker would load it, but without reading weights (TF 2.1 with h5py 3 fails on those before reaching any Lambda).
Prints one JSON line: {"ok": bool, "type": ..., "message": ...}.
Run: python guard_harness.py <keras_probe.py> <model.h5> [allow]   (allow = the fix carries allowStoredCode)"""

import json
import os
import sys


def main(argv):
    sys.path.insert(0, os.path.dirname(os.path.abspath(argv[1])))
    import keras_probe

    state = keras_probe.WorkerState(keras_probe.initial_env())
    keras_probe.start_keras(state)
    import h5py

    with h5py.File(argv[2], "r") as handle:
        raw = handle.attrs["model_config"]
    config = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    fix = {"allowStoredCode": True} if argv[3:] == ["allow"] else {}
    try:
        with keras_probe.GUARD.scope(fix, []):
            state.runtime.keras.models.model_from_config(config)
        result = {"ok": True, "type": None, "message": None}
    except Exception as exc:
        described = keras_probe.describe_exception(exc)
        result = {"ok": False, "type": described["type"], "message": described["message"]}
    sys.__stdout__.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv)

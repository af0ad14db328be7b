"""Mines the names the `tensorflow` module itself offers into catalogues/tf-top-level.json, per TensorFlow release.
Run it with each test env's Python (TF 1.x and 2.x); runs merge into the catalogue, which then lists `tf1Only`: the
names TensorFlow 1 had at its top level and no TensorFlow 2 run has (tf.compat.v1 keeps them). A pasted
`module 'tensorflow' has no attribute X` with X among them is TensorFlow 1 code, or a Keras written for it, on TF 2:
  ~/.cache/keras-fix/envs/tf115-py36/bin/python scripts/mine-tf-top-level.py catalogues/tf-top-level.json
  ~/.cache/keras-fix/envs/keras2/bin/python scripts/mine-tf-top-level.py catalogues/tf-top-level.json
  ~/.cache/keras-fix/envs/keras3/bin/python scripts/mine-tf-top-level.py catalogues/tf-top-level.json
Standard library only; Python 3.6+."""

import io
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

out = sys.argv[1]
catalogue = {"versions": {}}
if os.path.exists(out):
    with io.open(out, encoding="utf-8") as f:
        catalogue = json.load(f)
catalogue["versions"][tf.__version__] = sorted(name for name in dir(tf) if not name.startswith("_"))
tf1 = set()
tf2 = set()
for version, names in catalogue["versions"].items():
    (tf1 if version.startswith("1.") else tf2).update(names)
catalogue["tf1Only"] = sorted(tf1 - tf2) if tf1 and tf2 else []
with io.open(out, "w", encoding="utf-8") as f:
    f.write(json.dumps(catalogue, indent=1, sort_keys=True) + "\n")
print("%s: TensorFlow %s, %d names; %d TF 1 only" % (out, tf.__version__, len(catalogue["versions"][tf.__version__]), len(catalogue["tf1Only"])))

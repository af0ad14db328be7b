"""Saves small real Lambda models for test/lambda/rebuild.test.ts (run in the keras3 test env at test time).

argv: output folder, canary path. The hostile Lambda refers to os.system on the canary path but only in a branch
that never runs (x is a tensor, never None): building and saving the model must not create the canary.
"""
import os
import sys

import keras
from keras import layers

out, canary = sys.argv[1], sys.argv[2]


def save(name, lambda_layer):
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, name="dense_in"), lambda_layer, layers.Dense(2, name="dense_out")], name=name)
    model.save(os.path.join(out, name + ".keras"))
    model.save(os.path.join(out, name + ".h5"))


save("arithmetic", layers.Lambda(lambda x: x * 2.0 + 1.0, name="double_plus_one"))
save("backend_op", layers.Lambda(lambda x: keras.ops.clip(x, 0.0, 1.0), name="clip"))
save("closure_args", layers.Lambda(lambda x, scale: x * scale, arguments={"scale": 3.0}, name="scaled"))
save("unsupported", layers.Lambda(lambda x: keras.ops.maximum(x, 0.0) if x.shape[-1] else x, name="branchy"))
# eval of our own source text puts the canary path into the lambda as a constant, as a hostile file would have it.
hostile = eval('lambda x: x if x is not None else os.system("touch %s")' % canary)
save("hostile", layers.Lambda(hostile, name="hostile"))

# A functional model with two inputs and a Lambda between them.
a = keras.Input(shape=(4,), name="a")
b = keras.Input(shape=(4,), name="b")
mixed = layers.Lambda(lambda t: t[0] - t[1] * 0.5, name="mix")([layers.Dense(4, name="da")(a), b])
keras.Model([a, b], layers.Dense(1, name="head")(mixed), name="functional").save(os.path.join(out, "functional.keras"))
print("ok")

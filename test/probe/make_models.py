"""Makes the small real models the probe tests load (run by test/probe/models.ts in the keras2 or keras3 env)."""
import os
import sys

LAYERS_SOURCE = '''"""A custom layer the probe tests import by path; it imports a sibling module to prove sys.path is set."""
import keras
from scale_helpers import DEFAULT_SCALE


class ScaleLayer(keras.layers.Layer):
    def __init__(self, scale=DEFAULT_SCALE, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w * self.scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}
'''


def make_keras3(out):
    source_dir = os.path.join(out, "sources")
    os.makedirs(source_dir)
    with open(os.path.join(source_dir, "custom_layers.py"), "w") as handle:
        handle.write(LAYERS_SOURCE)
    with open(os.path.join(source_dir, "scale_helpers.py"), "w") as handle:
        handle.write("DEFAULT_SCALE = 2.0\n")
    sys.path.insert(0, source_dir)
    import keras
    from custom_layers import ScaleLayer

    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(3)(inputs))
    model.save(os.path.join(out, "plain.keras"))

    inputs = keras.Input((4,))
    outputs = ScaleLayer(scale=3.0)(keras.layers.Dense(3)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    model.save(os.path.join(out, "custom.keras"))

    def scaled_mse(y_true, y_pred):
        return keras.ops.mean((y_true - y_pred) ** 2) * 2.0

    # Only the compile config refers to a custom object: compile=False is enough to load it.
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(3)(inputs))
    model.compile(optimizer="adam", loss=scaled_mse)
    model.save(os.path.join(out, "custom_loss.keras"))


def make_keras2(out):
    import tensorflow as tf

    inputs = tf.keras.Input((8, 8, 3))
    x = tf.keras.layers.DepthwiseConv2D(3)(inputs)
    outputs = tf.keras.layers.Dense(2)(tf.keras.layers.Flatten()(x))
    tf.keras.Model(inputs, outputs).save(os.path.join(out, "depthwise.h5"))

    # Calling a raw TF op on a KerasTensor makes Keras 2 insert a TFOpLambda layer, which Keras 3 does not know.
    inputs = tf.keras.Input((4,))
    outputs = tf.keras.layers.Dense(2)(tf.nn.relu(inputs))
    model = tf.keras.Model(inputs, outputs)
    model.save(os.path.join(out, "tfop.h5"))
    model.save(os.path.join(out, "savedmodel"))


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    {"keras3": make_keras3, "keras2": make_keras2}[kind](out)
    print("made", kind, "models in", out)

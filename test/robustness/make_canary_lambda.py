"""Saves a small real Keras model whose Lambda touches a canary file when it runs with KERAS_FIX_CANARY set (not at
save time, when the variable is unset): if keras-fix ever deserialises the Lambda unsafely and calls it, the canary
appears. Run with the keras3 env: python make_canary_lambda.py <out.keras> [<out.h5>]"""

import sys

import keras


def main(argv):
    # The lambda's globals are only builtins, so its marshalled bytecode runs wherever Keras rebuilds it.
    touch = lambda x: (__import__("os").environ.get("KERAS_FIX_CANARY")  # noqa: E731
                       and open(__import__("os").environ["KERAS_FIX_CANARY"], "w").close(), x)[1]
    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Dense(2)(keras.layers.Lambda(touch, name="canary_lambda")(inputs))
    model = keras.Model(inputs, outputs)
    for path in argv[1:]:
        model.save(path)


if __name__ == "__main__":
    main(sys.argv)

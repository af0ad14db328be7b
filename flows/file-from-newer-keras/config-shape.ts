// The errors a loader raises when a stored config does not have the shape it reads (mined from the releases,
// catalogues/messages.json). Keras writes configs its own readers accept, so during a load these mean a config that
// another Keras wrote (a newer one on the same line, or the other line) or that was edited by hand. Which Keras
// raises the wording narrows it: file-from-newer-keras takes every one, keras2-file-in-keras3 the Keras 3 ones,
// keras3-file-in-keras2 the Keras 2 ones; the file's and the loader's versions decide between them (their `when`).
import type { Matcher } from "../../src/core/types.js";

const means = "this Keras could not read the shape of a config stored in the file";

/** Raised only by Keras 3 (keras/src/models, keras/src/saving, keras/src/legacy/saving). */
export const KERAS3_CONFIG_SHAPE: Matcher = {
  type: /^(?:ValueError|TypeError)$/,
  message:
    /(?<configShape>A Sequential model configuration must be a dictionary|Cannot deserialize the model \(invalid config data\?\)|Expected 'config' to be a (?:dict|list or a tuple|non-null str)|Invalid Functional model configuration|The provided configuration is not a valid Keras configuration)/,
  weight: 0.5,
  means,
};

/** Raised only by Keras 1/2, tf.keras and tf_keras. */
export const KERAS2_CONFIG_SHAPE: Matcher = {
  type: /^(?:ValueError|TypeError|Exception)$/,
  message:
    /(?<configShape>Cannot deserialize empty config|Config of string is supposed to be a string|Improper config format: |Improperly formatted model config|^Missing layer: |^Saved configuration not understood\.\s*$|Unable to decode (?:(?:TF-)?Keras layer )?config)/m,
  weight: 0.5,
  means,
};

/** Raised by both lines (kept from tf.keras into Keras 3's legacy loaders). */
export const EITHER_CONFIG_SHAPE: Matcher = {
  type: /^(?:ValueError|TypeError)$/,
  message:
    /(?<configShape>Could not parse config: |Improper config format for |Saved configuration not understood\. Configuration should be|Unknown `config` as a `dict`)/,
  weight: 0.5,
  means,
};

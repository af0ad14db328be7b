"""Mines TensorFlow's own op registry into catalogues/tf-ops.json: every op the installed TensorFlow registers, with
whether it is stateful and what the SavedModel safety read (src/core/inspect/safety-graph.ts) makes of it when a
function TensorFlow runs while loading uses it. Run it with each test env's Python; runs merge into the catalogue:
  ~/.cache/keras-fix/envs/keras2/bin/python scripts/mine-tf-ops.py catalogues/tf-ops.json
  ~/.cache/keras-fix/envs/keras3/bin/python scripts/mine-tf-ops.py catalogues/tf-ops.json
Kinds: pure (no state, nothing outside: computation), state (variables, tables, random state, control flow,
function calls: state of the model itself), print (prints; allowed only to stderr/stdout/the log), path (reads the
file its first input names: restore ops, table initializers from a text file; allowed only when that path is fed
by the loader, never a constant of the file), outside (touches files, processes, the network, devices, summaries,
datasets, queues; or loads code), stateful (other state the loader has no reason to touch). Anything not in the
catalogue is unknown, and unknown is never allowed."""

import json
import os
import re
import sys

from tensorflow.python.client import pywrap_tf_session as c_api
from tensorflow.core.framework import op_def_pb2
import tensorflow as tf

# By name: what reads or writes files, talks to other processes or devices, writes summaries, or runs datasets
# (whose graphs run more ops), whatever its statefulness (ReadFile, MatchingFiles, ImmutableConst and
# DatasetFromGraph are all registered stateless).
OUTSIDE = re.compile(
    r"File|Save|Checkpoint|Summary|PyFunc|Dataset|Iterator|Reader|Queue|Send|Recv|Collective|Nccl|Rpc|Debug|TPU|Tpu|"
    r"Enqueue|Dequeue|Infeed|Outfeed|Barrier|Stage|Host|ImmutableConst|LoadAndRemap|GenerateVocabRemapping|Proto|"
    r"Bigtable|Sql|Socket|Remote|Mutex|ConsumeMutex|Eager|Xla|Distributed|Shard|Optional|Uniquify|Tensor(?:List|Array)?Dump"
)
PATH_OPS = frozenset(["RestoreV2", "Restore", "RestoreSlice", "InitializeTableFromTextFile", "InitializeTableFromTextFileV2"])
PRINT_OPS = frozenset(["PrintV2", "Print"])
# Stateful, but only the model's own state: variables, lookup tables, random generators, assertions, control flow
# and calls into the graph's own functions (which are walked in turn).
STATE = re.compile(
    r"^(?:VarHandleOp|ReadVariableOp|.*VariableOp|Variable(?:V2)?|TemporaryVariable|DestroyTemporaryVariable|"
    r"IsVariableInitialized|VarIsInitializedOp|DestroyResourceOp|Assign(?:Add|Sub)?|Scatter\w*|Resource\w*|"
    r"(?:Mutable)?(?:Dense)?HashTable(?:V2|OfTensors(?:V2)?)?|AnonymousHashTable|AnonymousMutable\w*Table|"
    r"LookupTable(?:Find|Import|Insert|Size|Export|Remove)(?:V2)?|InitializeTable(?:V2)?|"
    r"(?:Stateful|Stateless)?(?:Random|Multinomial|Truncated|Parameterized|StandardNormal|Uniform)\w*|"
    r"RngSkip|RngReadAndSkip|NonDeterministicInts|AnonymousSeedGenerator|AnonymousRandomSeedGenerator|"
    r"Assert|Timestamp|NoOp|Placeholder\w*|StatefulPartitionedCall|PartitionedCall|If|StatelessIf|While|"
    r"StatelessWhile|Case|StatelessCase|For|RemoteCall|_\w+|Const|Identity\w*|ApplyGradientDescent|Apply\w*|"
    r"SparseApply\w*|ResourceApply\w*|CheckNumerics\w*)$"
)


def kind_of(op):
    if op.name in PATH_OPS:
        return "path"
    if op.name in PRINT_OPS:
        return "print"
    if op.name == "RemoteCall" or OUTSIDE.search(op.name):
        return "outside"
    if not op.is_stateful:
        return "pure"
    return "state" if STATE.match(op.name) else "stateful"


def main():
    out = sys.argv[1]
    buffer = c_api.TF_GetAllOpList()
    ops = op_def_pb2.OpList()
    ops.ParseFromString(c_api.TF_GetBuffer(buffer))
    catalogue = {"about": __doc__.split("\n\n")[0], "tensorflow": [], "ops": {}}
    if os.path.exists(out):
        with open(out) as f:
            catalogue = json.load(f)
    if tf.__version__ not in catalogue["tensorflow"]:
        catalogue["tensorflow"] = sorted(catalogue["tensorflow"] + [tf.__version__])
    for op in ops.op:
        entry = {"stateful": bool(op.is_stateful), "kind": kind_of(op)}
        known = catalogue["ops"].get(op.name)
        if known and known != entry:
            # Registered differently by two releases: the stricter reading wins.
            order = ["outside", "stateful", "path", "print", "state", "pure"]
            entry = known if order.index(known["kind"]) < order.index(entry["kind"]) else entry
        catalogue["ops"][op.name] = entry
    catalogue["ops"] = dict(sorted(catalogue["ops"].items()))
    with open(out, "w") as f:
        json.dump(catalogue, f, indent=0, sort_keys=False)
        f.write("\n")
    counts = {}
    for entry in catalogue["ops"].values():
        counts[entry["kind"]] = counts.get(entry["kind"], 0) + 1
    print(tf.__version__, len(ops.op), counts)


if __name__ == "__main__":
    main()

// The container half of the safety read for folders (SavedModel folders and unzipped `.keras` folders) and for a
// SavedModel's graph: links that lead out of the folder, files Keras never writes there, pickles, and the graph ops
// that read or write files on the host (modelscan's ReadFile/WriteFile rule).
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { SafetyFinding } from "../types.js";
import { finding } from "./safety.js";
import { loadTimeGraphFindings } from "./safety-graph.js";
import { pickleIn } from "./safety-zip.js";

/** Files looked at in a folder; a SavedModel has a handful plus its assets. */
const MAX_FILES = 2_000;
const MAX_DEPTH = 12;
const PREFIX_BYTES = 4096;
/** saved_model.pb files larger than this are not searched for ops (a real graph of a huge model is tens of MB). */
const MAX_GRAPH_BYTES = 256 * 1024 * 1024;

function prefixOf(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(PREFIX_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, PREFIX_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

const inside = (root: string, target: string) => {
  const rel = relative(root, target);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
};

/** Every file and link under `root` (bounded), judged; `expected` tells whether Keras writes a given relative path. */
export function folderFindings(root: string, kind: "savedmodel" | "keras-folder"): SafetyFinding[] {
  const found: SafetyFinding[] = [];
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return [];
  }
  let files = 0;
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH || files > MAX_FILES) return;
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      if (++files > MAX_FILES) return;
      const path = join(dir, entry);
      const rel = relative(root, path).split(sep).join("/");
      let info;
      try {
        info = lstatSync(path);
      } catch {
        continue;
      }
      if (info.isSymbolicLink()) {
        let target: string | null = null;
        try {
          target = realpathSync(path);
        } catch {
          target = null;
        }
        const outside = target === null || !inside(realRoot, target);
        const inAssets = rel.startsWith("assets/");
        if (outside || inAssets) {
          found.push(finding(kind === "savedmodel" ? "savedmodel-asset-link" : "folder-link", "dangerous", rel,
            `${rel} is a symbolic link${outside ? " that leads outside the model folder" : ""}: loading reads ${target === null ? "a file that does not exist here" : "another file on your machine"} as part of the model.`));
        }
        continue;
      }
      if (info.isDirectory()) {
        walk(path, depth + 1);
        continue;
      }
      if (!info.isFile()) {
        found.push(finding("folder-special-file", "dangerous", rel, `${rel} is not a regular file (a device, pipe or socket): no model writes one.`));
        continue;
      }
      if (kind === "keras-folder") {
        if (rel === "model.weights.npz") {
          found.push(finding("zip-npz-weights", "dangerous", rel, "The weights are an .npz where Keras writes model.weights.h5: Keras 3 before 3.9, tf_keras before 2.20.1 and Keras 2.12–2.15 unpickle its arrays, which runs code."));
        } else if (!["config.json", "metadata.json", "model.weights.h5", "README.md"].includes(rel) && !rel.startsWith("assets/")) {
          found.push(finding("zip-unexpected-member", "caution", rel, `Keras never writes ${rel} into a saved model folder.`));
        }
      }
      if (info.size > 0) {
        try {
          const what = pickleIn(prefixOf(path));
          if (what) found.push(finding("zip-pickle-member", "dangerous", rel, `${rel} is ${what}: whatever unpickles it runs the code the pickle names.`));
        } catch {
          // An unreadable file is the reader's to report.
        }
      }
    }
  };
  walk(root, 0);
  if (kind === "savedmodel") found.push(...graphFindings(join(root, "saved_model.pb")), ...loadTimeGraphFindings(root));
  return found;
}

/** NodeDef.op (field 2, a length-prefixed string) naming ops that read or write host files or run Python. */
const HOST_OPS: [string, string][] = [
  ["ReadFile", "reads a file of your machine when the graph runs"],
  ["WriteFile", "writes a file on your machine when the graph runs"],
  ["PyFunc", "calls back into Python"],
  ["EagerPyFunc", "calls back into Python"],
  ["PyFuncStateless", "calls back into Python"],
];

function graphFindings(pbPath: string): SafetyFinding[] {
  let bytes: Buffer;
  try {
    if (statSync(pbPath).size > MAX_GRAPH_BYTES) return [];
    bytes = readFileSync(pbPath);
  } catch {
    return [];
  }
  const found: SafetyFinding[] = [];
  for (const [op, what] of HOST_OPS) {
    const needle = Buffer.concat([Buffer.from([0x12, op.length]), Buffer.from(op, "latin1")]);
    const at = bytes.indexOf(needle);
    // The op name must end there: the next byte starts another field, never a letter of a longer name.
    if (at >= 0) found.push(finding("savedmodel-host-op", "dangerous", "saved_model.pb", `The TensorFlow graph uses the ${op} op, which ${what}; Keras models never need it.`));
  }
  return found;
}

// Run without a path, the wizard starts here: the model files found in the folder, or a typed path.
import { relative, join } from "node:path";
import { Box, Text, useInput } from "ink";
import Spinner from "ink-spinner";
import { useState } from "react";
import { sanitize } from "../core/content.js";
import type { CandidateKind, ModelCandidate } from "../core/inspect/find-model-files.js";
import { ChoiceList } from "./choice-list.js";
import { TextField } from "./text-field.js";

const TYPE_A_PATH = "\u0000type-a-path";

const KIND_NAMES: Record<CandidateKind, string> = {
  hdf5: "HDF5",
  "keras-zip": ".keras archive",
  json: "JSON config",
  savedmodel: "SavedModel folder",
};

function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function candidateLabel(candidate: ModelCandidate): string {
  const size = candidate.size !== null ? `, ${humanSize(candidate.size)}` : "";
  const note = candidate.note ? ` — ${candidate.note}` : "";
  return sanitize(`${candidate.name}  (${KIND_NAMES[candidate.kind]}${size})${note}`);
}

export function FilePicker({
  folder,
  candidates,
  onPick,
  onQuit,
}: {
  folder: string;
  /** null while the folder is being listed. */
  candidates: ModelCandidate[] | null;
  /** The chosen model's path as the user would type it from here. */
  onPick: (path: string) => void;
  onQuit?: () => void;
}) {
  const [typing, setTyping] = useState(false);
  const none = candidates !== null && candidates.length === 0;
  useInput((input) => {
    if (input === "q" && !typing && !none) onQuit?.();
  });
  if (candidates === null) {
    return (
      <Text>
        <Spinner type="dots" /> Looking for model files in {sanitize(folder)}
      </Text>
    );
  }
  // A candidate is named inside `folder`, which need not be the folder keras-fix runs in (`keras-fix models/`).
  const pathOf = (name: string) => {
    const rel = relative(process.cwd(), join(folder, name));
    return rel === "" ? "." : rel.startsWith("..") ? join(folder, name) : rel;
  };
  const hints = typing || none ? ["Enter: submit", ...(none ? [] : ["Esc: back"]), "Ctrl-C: cancel"] : ["↑/↓ and Enter: choose", "q: quit", "Ctrl-C: cancel"];
  return (
    <Box flexDirection="column">
      <Text bold>
        {none
          ? `No model files (.h5, .hdf5, .keras, .json, SavedModel folders) in ${sanitize(folder)}.`
          : `Which model should keras-fix look at? (in ${sanitize(folder)})`}
      </Text>
      {typing || none ? (
        <TextField
          prompt="Path to the model file:"
          onCancel={() => setTyping(false)}
          onSubmit={(value) => {
            if (value.trim() !== "") onPick(value.trim());
          }}
        />
      ) : (
        <ChoiceList
          items={[...candidates.map((c) => ({ id: c.name, label: candidateLabel(c) })), { id: TYPE_A_PATH, label: "Type a path…" }]}
          onSelect={(id) => (id === TYPE_A_PATH ? setTyping(true) : onPick(pathOf(id)))}
        />
      )}
      <Box marginTop={1}>
        <Text dimColor>{hints.join(" · ")}</Text>
      </Box>
    </Box>
  );
}

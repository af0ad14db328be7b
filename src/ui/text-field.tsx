// A one-line text field under its prompt: Enter submits, Esc cancels. Shared by input steps, consent and the picker.
import { Box, Text, useInput } from "ink";
import TextInput from "ink-text-input";
import { useState } from "react";

export function TextField({ prompt, onSubmit, onCancel }: { prompt: string; onSubmit: (value: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState("");
  useInput((_input, key) => {
    if (key.escape) onCancel();
  });
  return (
    <Box flexDirection="column">
      <Text>{prompt}</Text>
      <Box>
        <Text color="cyan">{"› "}</Text>
        <TextInput value={value} onChange={setValue} onSubmit={onSubmit} />
      </Box>
    </Box>
  );
}

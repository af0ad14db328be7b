// A one-line text field under its prompt: Enter submits, Esc cancels. Shared by input steps, consent and the picker.
import { Box, Text, useInput } from "ink";
import TextInput from "ink-text-input";
import { useRef, useState } from "react";

export function TextField({ prompt, onSubmit, onCancel }: { prompt: string; onSubmit: (value: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState("");
  // Keys that arrive together ("yes" then Enter, typed fast or pasted) reach Enter before React re-renders: submit
  // what was typed, not the value of the last render.
  const typed = useRef("");
  const change = (next: string) => {
    typed.current = next;
    setValue(next);
  };
  useInput((_input, key) => {
    if (key.escape) onCancel();
  });
  return (
    <Box flexDirection="column">
      <Text>{prompt}</Text>
      <Box>
        <Text color="cyan">{"› "}</Text>
        <TextInput value={value} onChange={change} onSubmit={() => onSubmit(typed.current)} />
      </Box>
    </Box>
  );
}

// A one-line text field under its prompt: Enter submits, Esc cancels. Shared by input steps, consent and the picker.
import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";

export function TextField({ prompt, onSubmit, onCancel }: { prompt: string; onSubmit: (value: string) => void; onCancel: () => void }) {
  // Keys typed fast or pasted reach the handler several times before React re-renders: each key must edit what the
  // previous key left, so the value and cursor live in a ref and the state only asks for a render.
  const field = useRef({ value: "", cursor: 0 });
  const [shown, setShown] = useState(field.current);
  const edit = (value: string, cursor: number) => {
    field.current = { value, cursor: Math.max(0, Math.min(cursor, value.length)) };
    setShown(field.current);
  };
  useInput((input, key) => {
    const { value, cursor } = field.current;
    if (key.escape) onCancel();
    else if (key.return) onSubmit(value);
    else if (key.leftArrow) edit(value, cursor - 1);
    else if (key.rightArrow) edit(value, cursor + 1);
    // Most terminals send Backspace as DEL, which Ink reports as `delete`: both remove the character before the cursor.
    else if (key.backspace || key.delete) {
      if (cursor > 0) edit(value.slice(0, cursor - 1) + value.slice(cursor), cursor - 1);
    } else if (input !== "" && !key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow) {
      // A paste may end in its line break, which arrives in the same chunk: that break is the Enter.
      const [text, ...rest] = input.split(/\r\n|\r|\n/);
      edit(value.slice(0, cursor) + text + value.slice(cursor), cursor + text.length);
      if (rest.length > 0) onSubmit(field.current.value);
    }
  });
  const { value, cursor } = shown;
  return (
    <Box flexDirection="column">
      <Text>{prompt}</Text>
      <Box>
        <Text color="cyan">{"› "}</Text>
        <Text>
          {value.slice(0, cursor)}
          <Text inverse>{value[cursor] ?? " "}</Text>
          {value.slice(cursor + 1)}
        </Text>
      </Box>
    </Box>
  );
}

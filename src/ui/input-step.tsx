// An input step's text field: an empty answer is not submitted (it would land in ctx.inputs as ""), Esc goes back.
import { Box, Text } from "ink";
import { useState } from "react";
import { sanitize } from "../core/content.js";
import { TextField } from "./text-field.js";

export function InputStep({ prompt, onSubmit, onBack }: { prompt: string; onSubmit: (value: string) => void; onBack: () => void }) {
  const [empty, setEmpty] = useState(false);
  return (
    <Box flexDirection="column">
      <TextField
        prompt={`${sanitize(prompt)}:`}
        onCancel={onBack}
        onSubmit={(value) => {
          if (value.trim() === "") setEmpty(true);
          else onSubmit(value.trim());
        }}
      />
      {empty && <Text dimColor>Type a value and press Enter, or Esc to go back.</Text>}
    </Box>
  );
}

// The gate in front of anything that runs a model's embedded code or installs software: the risk in plain words,
// and only a typed "yes" goes ahead. Anything else, or Esc, goes back to the choice without running anything.
import { Box, Text } from "ink";
import { sanitize } from "../core/content.js";
import { TextField } from "./text-field.js";
import { WrappedText } from "./wrapped-text.js";

export function isConsent(answer: string): boolean {
  return answer.trim().toLowerCase() === "yes";
}

export function ConsentPrompt({
  label,
  risk,
  onConfirm,
  onCancel,
}: {
  label: string;
  risk: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">{`Before you choose "${sanitize(label)}"`}</Text>
      <WrappedText>
        <Text>{sanitize(risk)}</Text>
      </WrappedText>
      <Box marginTop={1}>
        <TextField
          prompt='Type "yes" and press Enter to go ahead (anything else goes back):'
          onCancel={onCancel}
          onSubmit={(answer) => (isConsent(answer) ? onConfirm() : onCancel())}
        />
      </Box>
    </Box>
  );
}

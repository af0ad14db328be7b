// What we could not do, and what to try: a user-fixable problem shows no stack; a bug of ours shows its stack and
// where to report it (DESIGN rule 7).
import { Box, Text } from "ink";
import { sanitize } from "../core/content.js";
import { WrappedText } from "./wrapped-text.js";

export function ErrorBox({ title, message, hint, stack }: { title: string; message: string; hint?: string; stack?: string }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1} marginTop={1}>
      <Text bold color="red">
        {title}
      </Text>
      <WrappedText>
        <Text>{sanitize(message)}</Text>
      </WrappedText>
      {hint && (
        <WrappedText>
          <Text>
            <Text bold>Try: </Text>
            {sanitize(hint)}
          </Text>
        </WrappedText>
      )}
      {stack && (
        <Box flexDirection="column" marginTop={1}>
          <Text dimColor>{sanitize(stack)}</Text>
          <Text>Please report this with the lines above.</Text>
        </Box>
      )}
    </Box>
  );
}

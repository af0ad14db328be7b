// Renders Content (paragraphs of tokens) in the terminal: the only place tokens get colours, and every value goes
// through `sanitize` first because it may come from a model file or a traceback.
import { Box, Text } from "ink";
import { sanitize } from "../core/content.js";
import type { Content, Token } from "../core/types.js";
import { WrappedText } from "./wrapped-text.js";

function InlineToken({ token }: { token: Token }) {
  const value = sanitize(token.value);
  switch (token.kind) {
    case "strong":
      return <Text bold>{value}</Text>;
    case "code":
      return <Text color="cyan">{value}</Text>;
    case "command":
      return (
        <Text color="cyan" bold>
          {value}
        </Text>
      );
    case "path":
      return <Text color="magenta">{value}</Text>;
    case "link":
      return (
        <Text color="blue" underline>
          {value}
        </Text>
      );
    default:
      return <Text>{value}</Text>;
  }
}

/**
 * A code block the user may copy: indented, no border characters that would be copied along with it, and never
 * wrapped by us. Its box is as wide as its longest line, so Ink writes each line whole and a line wider than the
 * window is wrapped by the terminal, which joins it again on copy (a line broken inside a string literal is not
 * Python any more).
 */
function CodeBlock({ value }: { value: string }) {
  const safe = sanitize(value);
  const widest = Math.max(0, ...safe.split("\n").map((line) => [...line].length));
  return (
    <Box paddingLeft={4} width={widest + 4} flexShrink={0}>
      <Text color="yellow">{safe}</Text>
    </Box>
  );
}

/** One paragraph: runs of inline tokens wrap as one text; code blocks stand on their own lines. */
function Paragraph({ tokens }: { tokens: Token[] }) {
  const runs: (Token[] | Token)[] = [];
  for (const token of tokens) {
    if (token.kind === "codeblock") runs.push(token);
    else if (Array.isArray(runs.at(-1))) (runs.at(-1) as Token[]).push(token);
    else runs.push([token]);
  }
  return (
    <Box flexDirection="column">
      {runs.map((run, index) =>
        Array.isArray(run) ? (
          <WrappedText key={index}>
            <Text>
              {run.map((token, i) => (
                <InlineToken key={i} token={token} />
              ))}
            </Text>
          </WrappedText>
        ) : (
          <CodeBlock key={index} value={run.value} />
        ),
      )}
    </Box>
  );
}

/** Empty paragraphs (a flow's conditional text that came out empty) take no room. */
export function Tokens({ content }: { content: Content }) {
  return (
    <Box flexDirection="column" gap={1}>
      {content
        .filter((tokens) => tokens.some((token) => token.value.trim() !== ""))
        .map((tokens, index) => (
          <Paragraph key={index} tokens={tokens} />
        ))}
    </Box>
  );
}

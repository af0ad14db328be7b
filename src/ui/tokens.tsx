// Renders Content (paragraphs of tokens) in the terminal: the only place tokens get colours, and every value goes
// through `sanitize` first because it may come from a model file or a traceback.
import { Box, Text } from "ink";
import { sanitize } from "../core/content.js";
import type { Content, Token } from "../core/types.js";
import { useColumns } from "./use-columns.js";
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

// A word the window cannot hold, with no space to break at: Ink would cut it at the edge, mid-name. A path or URL
// cut so is neither readable nor copyable; written whole on its own row, the terminal wraps it and joins it again
// on copy, as it does code. The room is a little less than the window, as in fitsLive (indents, borders).
const LOCATION = /[\\/]|:\/\//;
const tooLong = (word: string, room: number) => [...word].length > room && LOCATION.test(word);

/** Whether `text` holds a path or URL Ink would cut at this width (see Paragraph). */
export const holdsTooLongPath = (text: string, columns: number) => text.split(/\s+/).some((word) => tooLong(word, Math.max(1, columns - 8)));

type Piece = Token | { whole: Token[] };

/** The paragraph's tokens, with each path or URL too long for the room (and the punctuation stuck to it) set apart. */
function pieces(tokens: Token[], room: number): Piece[] {
  if (!tokens.some((token) => token.kind !== "codeblock" && holdsTooLongPath(token.value, room + 8))) return tokens;
  const out: Piece[] = [];
  for (const token of tokens) {
    if (token.kind === "codeblock") {
      out.push(token);
      continue;
    }
    for (const part of token.value.split(/(\s+)/)) {
      if (part === "") continue;
      const piece = { ...token, value: part };
      const last = out.at(-1);
      if (tooLong(part, room)) out.push({ whole: [piece] });
      else if (last && "whole" in last && !/^\s/.test(part)) last.whole.push(piece);
      else out.push(piece);
    }
  }
  return out;
}

/** One paragraph: runs of inline tokens wrap as one text; code blocks and too-long paths stand on their own lines. */
function Paragraph({ tokens }: { tokens: Token[] }) {
  const columns = useColumns();
  const runs: (Token[] | Piece)[] = [];
  for (const piece of pieces(tokens, Math.max(1, columns - 8))) {
    if ("whole" in piece || piece.kind === "codeblock") runs.push(piece);
    else if (Array.isArray(runs.at(-1))) (runs.at(-1) as Token[]).push(piece);
    // The space after a path set apart would start the next row.
    else if (!(piece.value.trim() === "" && runs.at(-1) && "whole" in (runs.at(-1) as Piece))) runs.push([piece]);
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
        ) : "whole" in run ? (
          <Box key={index} width={run.whole.reduce((width, token) => width + [...sanitize(token.value)].length, 0)} flexShrink={0}>
            <Text>
              {run.whole.map((token, i) => (
                <InlineToken key={i} token={token} />
              ))}
            </Text>
          </Box>
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

// The end of a walk: whether the model loads now, what was wrong, what the flow says to keep, and every file the
// walk wrote (actions report them as data.path, with the code in data.code).
import { Box, Text } from "ink";
import { sanitize } from "../core/content.js";
import type { ActionResult, Content, Outcome } from "../core/types.js";
import { Tokens } from "./tokens.js";
import { WrappedText } from "./wrapped-text.js";

const HEADLINE: Record<Outcome, { mark: string; color: string; words: string }> = {
  fixed: { mark: "✔", color: "green", words: "Fixed" },
  "not-fixed": { mark: "✘", color: "red", words: "Not fixed yet" },
  escalate: { mark: "!", color: "yellow", words: "This needs a closer look" },
};

/** "Fixed: <title>", unless the flow's title already says so ("Fixed: the model loads"). */
function headlineText(words: string, title: string): string {
  return title.toLowerCase().startsWith(words.toLowerCase()) ? title : `${words}: ${title}`;
}

export interface WrittenFile {
  path: string;
  code: string | null;
}

/** Files the walk's actions wrote, in the order they ran. */
export function writtenFiles(results: Record<string, ActionResult>): WrittenFile[] {
  const files: WrittenFile[] = [];
  for (const result of Object.values(results)) {
    const path = result.data?.path;
    if (!result.ok || typeof path !== "string") continue;
    const code = result.data?.code;
    files.push({ path, code: typeof code === "string" ? code : null });
  }
  return files;
}

export function Summary({
  outcome,
  title,
  body,
  problem,
  results,
  environment = {},
  notes = [],
}: {
  outcome: Outcome;
  title: string;
  body: Content;
  /** What was wrong: the cause's title and, when known, the name at fault. */
  problem: string;
  results: Record<string, ActionResult>;
  /** Environment variables an earlier cause's fix set, which every command shown here carries. */
  environment?: Record<string, string>;
  /** What the walk's results still ask of the user (a re-saved copy that still needs the custom classes' code). */
  notes?: Content;
}) {
  const code = body.flatMap((paragraph) => paragraph.filter((token) => token.kind === "codeblock").map((token) => token.value));
  // Code that sets a variable itself (TFSMLayer needs KERAS_BACKEND=tensorflow) is not told to keep another value.
  const setsOtherwise = (name: string, value: string) =>
    code.some((text) => [...text.matchAll(new RegExp(`${name}["']?\\]?\\s*=\\s*["']?([\\w.-]+)`, "g"))].some((set) => set[1] !== value));
  const settings = Object.entries(environment)
    .filter(([name, value]) => !setsOtherwise(name, value))
    .map(([name, value]) => `${name}=${value}`);
  const headline = HEADLINE[outcome];
  const files = writtenFiles(results);
  // The flow's own ending may already show the code; otherwise the last file written with code is the one to keep.
  const bodyHasCode = code.length > 0;
  const keep = bodyHasCode ? undefined : files.filter((file) => file.code !== null).at(-1);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold color={headline.color}>{`${headline.mark} ${headlineText(headline.words, sanitize(title))}`}</Text>
      <WrappedText>
        <Text>
          <Text dimColor>What was wrong: </Text>
          {sanitize(problem)}
        </Text>
      </WrappedText>
      <Box marginTop={1}>
        <Tokens content={body} />
      </Box>
      {keep && (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>{`The code to keep (it is also in ${sanitize(keep.path)}):`}</Text>
          <Tokens content={[[{ kind: "codeblock", value: keep.code!, language: "python" }]]} />
        </Box>
      )}
      {notes.length > 0 && (
        <Box marginTop={1}>
          <Tokens content={notes} />
        </Box>
      )}
      {settings.length > 0 && (
        <Box marginTop={1}>
          <WrappedText>
            <Text>
              <Text bold>{`Keep ${settings.join(" and ")} set`}</Text>
              {` wherever you load this model: it got past the earlier problem.`}
            </Text>
          </WrappedText>
        </Box>
      )}
      {files.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Written:</Text>
          {files.map((file) => (
            <Text key={file.path}>
              {"  "}
              <Text color="magenta">{sanitize(file.path)}</Text>
            </Text>
          ))}
        </Box>
      )}
    </Box>
  );
}

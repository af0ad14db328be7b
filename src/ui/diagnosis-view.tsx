// The diagnosis in a few lines: what went wrong (the cause's title and one-sentence summary for this file), the
// name at fault, everything else that stands between the file and a load (a file with two problems), and the
// evidence the classifier used; plus the "Why did this happen?" explanation on request.
import { Box, Text } from "ink";
import { sanitize } from "../core/content.js";
import type { ExplainDoc } from "../engine/explain-doc.js";
import { standingHeading } from "../engine/every-cause.js";
import type { Content, Diagnosis, StandingCause } from "../core/types.js";
import { holdsTooLongPath, Tokens } from "./tokens.js";
import { useColumns } from "./use-columns.js";
import { WrappedText } from "./wrapped-text.js";

export function DiagnosisView({ title, summary, diagnosis }: { title: string; summary: Content; diagnosis: Diagnosis }) {
  const columns = useColumns();
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold color="yellow">
        {sanitize(title)}
      </Text>
      <Box marginTop={1}>
        <Tokens content={summary} />
      </Box>
      {diagnosis.culprit &&
        (holdsTooLongPath(diagnosis.culprit, columns) ? (
          // A path longer than the window is written whole on its own row (the terminal wraps it), never cut by Ink.
          <Box flexDirection="column">
            <Text dimColor>At fault:</Text>
            <Box width={[...sanitize(diagnosis.culprit)].length} flexShrink={0}>
              <Text color="cyan">{sanitize(diagnosis.culprit)}</Text>
            </Box>
          </Box>
        ) : (
          <WrappedText>
            <Text>
              <Text dimColor>At fault: </Text>
              <Text color="cyan">{sanitize(diagnosis.culprit)}</Text>
            </Text>
          </WrappedText>
        ))}
      <StandingCauses causes={diagnosis.causes ?? []} />
      {diagnosis.evidence.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text dimColor>How we know:</Text>
          {diagnosis.evidence.map((line, index) => (
            <Box key={index} paddingLeft={2}>
              <Text dimColor>• </Text>
              <Box flexShrink={1}>
                <WrappedText>
                  <Text dimColor>{sanitize(line)}</Text>
                </WrappedText>
              </Box>
            </Box>
          ))}
        </Box>
      )}
    </Box>
  );
}

/** "Two things stand between this file and your Keras": each cause, the one the load met first marked. */
function StandingCauses({ causes }: { causes: StandingCause[] }) {
  const heading = standingHeading(causes);
  if (!heading) return null;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>{heading}</Text>
      {causes.map((standing, index) => (
        <Box key={standing.cause} paddingLeft={2}>
          <Text>{`${index + 1}. `}</Text>
          <Box flexShrink={1}>
            <WrappedText>
              <Text>
                {sanitize(standing.title)}
                {standing.culprit && <Text color="cyan">{` (${sanitize(standing.culprit)})`}</Text>}
                {standing.hitFirst && <Text dimColor> · the load met this first</Text>}
              </Text>
            </WrappedText>
          </Box>
        </Box>
      ))}
    </Box>
  );
}

const SECTIONS: { key: keyof ExplainDoc; heading: string }[] = [
  { key: "whatHappened", heading: "What happened" },
  { key: "why", heading: "Why" },
  { key: "howToFix", heading: "How to fix" },
  { key: "seeAlso", heading: "See also" },
];

export function ExplainView({ doc }: { doc: ExplainDoc }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>Why did this happen?</Text>
      {SECTIONS.filter(({ key }) => doc[key].length > 0).map(({ key, heading }) => (
        <Box key={key} flexDirection="column" marginTop={1}>
          <Text underline>{heading}</Text>
          <Box paddingLeft={2}>
            <Tokens content={doc[key]} />
          </Box>
        </Box>
      ))}
    </Box>
  );
}

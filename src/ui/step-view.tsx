// One step of a walk, twice: as the live question (StepView) and, once answered, as a line of the transcript
// above it (StepRecord), so the screen reads top to bottom as what happened.
import { Box, Text } from "ink";
import Spinner from "ink-spinner";
import { sanitize } from "../core/content.js";
import { optionLabel, visibleOptions } from "../engine/step-machine.js";
import type { ActionResult, ChoiceOption, Content, Step, StepContext } from "../core/types.js";
import { ChoiceList } from "./choice-list.js";
import { ConsentPrompt } from "./consent-prompt.js";
import { InputStep } from "./input-step.js";
import { Tokens } from "./tokens.js";
import { WrappedText } from "./wrapped-text.js";

function bodyOf(step: Step, ctx: StepContext): Content {
  if (step.kind === "end") return step.body(ctx);
  return step.body?.(ctx) ?? [];
}

/** A step's title and text as content, for measuring. */
export function headerContent(step: Step, ctx: StepContext): Content {
  return [[{ kind: "strong", value: step.title }], ...bodyOf(step, ctx)];
}

/**
 * Whether content fits in `rows` rows at `columns` columns, wrapped as the wizard wraps prose (a word-wrapped row
 * holds a little less than the width) with a blank row between paragraphs, and no code line wider than the window.
 */
export function fitsLive(content: Content, columns: number, rows: number): boolean {
  let used = 0;
  for (const paragraph of content) {
    let run = 0;
    for (const token of paragraph) {
      if (token.kind === "codeblock") {
        const lines = token.value.split("\n");
        if (lines.some((line) => line.length + 4 > columns)) return false;
        used += Math.ceil(run / Math.max(1, columns - 8)) + lines.length;
        run = 0;
      } else run += token.value.length;
    }
    used += Math.ceil(run / Math.max(1, columns - 8)) + 1;
  }
  return used <= rows;
}

/** A step's title and text: live while they fit (Walk decides), else written into the transcript on entry. */
export function StepHeader({ step, ctx }: { step: Step; ctx: StepContext }) {
  const body = bodyOf(step, ctx);
  return (
    <Box flexDirection="column">
      <WrappedText>
        <Text bold>{sanitize(step.title)}</Text>
      </WrappedText>
      {body.length > 0 && (
        <Box marginTop={1}>
          <Tokens content={body} />
        </Box>
      )}
    </Box>
  );
}

export interface StepHandlers {
  onChoose: (optionId: string) => void;
  onAskConsent: (option: ChoiceOption) => void;
  onConsent: (option: ChoiceOption) => void;
  onRefuseConsent: () => void;
  onSubmitInput: (value: string) => void;
  onBack: () => void;
}

export function StepView({
  step,
  ctx,
  consentFor,
  handlers,
  withHeader,
}: {
  step: Step;
  ctx: StepContext;
  /** The option waiting for a typed "yes", when one is. */
  consentFor: ChoiceOption | null;
  handlers: StepHandlers;
  /** The title and text are shown live (they fit); otherwise they are already in the transcript above. */
  withHeader: boolean;
}) {
  return (
    <Box flexDirection="column" marginTop={1}>
      {withHeader && <StepHeader step={step} ctx={ctx} />}
      <Box flexDirection="column" marginTop={withHeader ? 1 : 0}>
        {step.kind === "info" && <Text dimColor>Press Enter to continue.</Text>}
        {step.kind === "choice" &&
          (consentFor ? (
            <ConsentPrompt
              label={optionLabel(consentFor, ctx)}
              risk={consentFor.needsConsent!.risk}
              onConfirm={() => handlers.onConsent(consentFor)}
              onCancel={handlers.onRefuseConsent}
            />
          ) : (
            <ChoiceList
              items={visibleOptions(step, ctx).map((option) => ({
                id: option.id,
                label: sanitize(optionLabel(option, ctx)),
                needsConsent: Boolean(option.needsConsent),
              }))}
              onSelect={(id) => {
                const option = step.options.find((o) => o.id === id)!;
                if (option.needsConsent) handlers.onAskConsent(option);
                else handlers.onChoose(id);
              }}
            />
          ))}
        {step.kind === "input" && <InputStep prompt={step.prompt} onSubmit={handlers.onSubmitInput} onBack={handlers.onBack} />}
        {step.kind === "action" && (
          <Text>
            <Text color="cyan">
              <Spinner type="dots" />
            </Text>
            {` ${sanitize(step.title)}…`}
          </Text>
        )}
      </Box>
    </Box>
  );
}

/** What an answered step adds below its question in the transcript: the answer, or the action's result. */
export function StepRecord({
  step,
  ctx,
  answer,
  result,
  withHeader = false,
}: {
  step: Step;
  ctx: StepContext;
  answer?: string;
  result?: ActionResult;
  /** The question was live, so the transcript gets it now, with the answer. */
  withHeader?: boolean;
}) {
  if (result) {
    return (
      <Box flexDirection="column" marginTop={1}>
        <Text bold>
          <Text color={result.ok ? "green" : "red"}>{result.ok ? "✔ " : "✘ "}</Text>
          {sanitize(step.title)}
        </Text>
        <Box paddingLeft={2}>
          <Tokens content={result.summary} />
        </Box>
      </Box>
    );
  }
  if (withHeader) {
    return (
      <Box flexDirection="column" marginTop={1}>
        <StepHeader step={step} ctx={ctx} />
        {answer !== undefined && <Text color="green">{`→ ${sanitize(answer)}`}</Text>}
      </Box>
    );
  }
  if (answer === undefined) return null;
  return <Text color="green">{`→ ${sanitize(answer)}`}</Text>;
}

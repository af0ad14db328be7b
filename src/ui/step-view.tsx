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

function StepHeader({ step, ctx }: { step: Step; ctx: StepContext }) {
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
}: {
  step: Step;
  ctx: StepContext;
  /** The option waiting for a typed "yes", when one is. */
  consentFor: ChoiceOption | null;
  handlers: StepHandlers;
}) {
  return (
    <Box flexDirection="column" marginTop={1}>
      {step.kind === "action" ? <Tokens content={bodyOf(step, ctx)} /> : <StepHeader step={step} ctx={ctx} />}
      <Box marginTop={step.kind === "action" && bodyOf(step, ctx).length === 0 ? 0 : 1} flexDirection="column">
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

/** What an answered step leaves on screen: its question and the answer, or the action and its result. */
export function StepRecord({ step, ctx, answer, result }: { step: Step; ctx: StepContext; answer?: string; result?: ActionResult }) {
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
  return (
    <Box flexDirection="column" marginTop={1}>
      <StepHeader step={step} ctx={ctx} />
      {answer !== undefined && <Text color="green">{`→ ${sanitize(answer)}`}</Text>}
    </Box>
  );
}

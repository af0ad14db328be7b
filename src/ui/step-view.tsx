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

/** A step's title and text: written into the transcript when the step is entered, so the live area stays small. */
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
}: {
  step: Step;
  ctx: StepContext;
  /** The option waiting for a typed "yes", when one is. */
  consentFor: ChoiceOption | null;
  handlers: StepHandlers;
}) {
  // The title and text are already in the transcript above (Walk logs them on entry): the live area holds only what
  // the user acts on. A live area taller than the window makes Ink clear the screen and its scrollback.
  return (
    <Box flexDirection="column" marginTop={1}>
      <Box flexDirection="column">
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
  if (answer === undefined) return null;
  return (
    <Box flexDirection="column" marginTop={step.kind === "info" ? 1 : 0}>
      <Text color="green">{`→ ${sanitize(answer)}`}</Text>
    </Box>
  );
}

// A typed "yes" and its Enter that reach the prompt together (typed fast, or pasted with the newline) are one
// consent: the answer is what was typed, not what the last render showed.
import { cleanup, render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConsentPrompt } from "../../src/ui/consent-prompt.js";
import { KEY, waitFor } from "./helpers.js";

afterEach(() => cleanup());

describe("the consent prompt under fast keys", () => {
  it.each([
    ["yes, then Enter before a render", ["yes", KEY.enter]],
  ])("%s goes ahead", async (_label, keys) => {
    const onConfirm = vi.fn();
    const onCancel = vi.fn();
    const app = render(<ConsentPrompt label="Load it" risk="It runs the model's code." onConfirm={onConfirm} onCancel={onCancel} />);
    await waitFor(() => (app.lastFrame() ?? "").includes("Type \"yes\""), () => app.lastFrame() ?? "");
    for (const key of keys) app.stdin.write(key);
    await waitFor(() => onConfirm.mock.calls.length + onCancel.mock.calls.length > 0, () => app.lastFrame() ?? "");
    expect(onCancel).not.toHaveBeenCalled();
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it("anything else typed as fast still goes back", async () => {
    const onConfirm = vi.fn();
    const onCancel = vi.fn();
    const app = render(<ConsentPrompt label="Load it" risk="It runs the model's code." onConfirm={onConfirm} onCancel={onCancel} />);
    await waitFor(() => (app.lastFrame() ?? "").includes("Type \"yes\""), () => app.lastFrame() ?? "");
    for (const key of ["no", KEY.enter]) app.stdin.write(key);
    await waitFor(() => onCancel.mock.calls.length > 0, () => app.lastFrame() ?? "");
    expect(onConfirm).not.toHaveBeenCalled();
  });
});

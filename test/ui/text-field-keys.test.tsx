// The text field applies every key to what the previous key left, even when keys arrive one by one before React
// renders (typing fast, or a terminal delivering a paste key by key): no letter is lost, edits land where the cursor is.
import { cleanup, render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TextField } from "../../src/ui/text-field.js";
import { KEY, plain, waitFor } from "./helpers.js";

afterEach(() => cleanup());

const BACKSPACE = "\u007f";
const LEFT = "\u001b[D";

async function submitted(keys: string[]): Promise<{ value: string; frame: string }> {
  const onSubmit = vi.fn();
  const app = render(<TextField prompt="Path to the model file:" onSubmit={onSubmit} onCancel={() => {}} />);
  await waitFor(() => plain(app.lastFrame()).includes("Path to the model file:"), () => plain(app.lastFrame()));
  // No await between keys: each write is handled before any re-render.
  for (const key of keys) app.stdin.write(key);
  await waitFor(() => onSubmit.mock.calls.length > 0, () => plain(app.lastFrame()));
  return { value: onSubmit.mock.calls[0][0] as string, frame: plain(app.lastFrame()) };
}

describe("the text field under keys that arrive before a render", () => {
  it("keeps every letter typed one by one", async () => {
    expect((await submitted(["y", "e", "s", KEY.enter])).value).toBe("yes");
  });

  it("keeps every letter of a path typed one by one", async () => {
    const path = "models/deep/model.h5";
    expect((await submitted([...path, KEY.enter])).value).toBe(path);
  });

  it("Backspace removes the letter before the cursor, even right after it was typed", async () => {
    expect((await submitted(["y", "e", "x", BACKSPACE, "s", KEY.enter])).value).toBe("yes");
  });

  it("a letter typed after moving left lands there", async () => {
    expect((await submitted(["y", "s", LEFT, "e", KEY.enter])).value).toBe("yes");
  });

  it("a pasted line with its line break submits the line", async () => {
    expect((await submitted(["yes\r"])).value).toBe("yes");
  });

  it("shows what was typed as it is typed", async () => {
    const onSubmit = vi.fn();
    const app = render(<TextField prompt="Path to the model file:" onSubmit={onSubmit} onCancel={() => {}} />);
    await waitFor(() => plain(app.lastFrame()).includes("Path to the model file:"), () => plain(app.lastFrame()));
    for (const key of ["a", "b", "c"]) app.stdin.write(key);
    await waitFor(() => plain(app.lastFrame()).includes("› abc"), () => plain(app.lastFrame()));
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("Esc cancels without submitting", async () => {
    const onSubmit = vi.fn();
    const onCancel = vi.fn();
    const app = render(<TextField prompt="Path to the model file:" onSubmit={onSubmit} onCancel={onCancel} />);
    await waitFor(() => plain(app.lastFrame()).includes("Path to the model file:"), () => plain(app.lastFrame()));
    app.stdin.write("a");
    app.stdin.write(KEY.escape);
    await waitFor(() => onCancel.mock.calls.length > 0, () => plain(app.lastFrame()));
    expect(onSubmit).not.toHaveBeenCalled();
  });
});

// Text and keys at the terminal's edge: Keras 3's own bold in quoted errors is dropped while every other control
// sequence stays defused; the select list acts on every key, however fast they come or however they are chunked.
import { Box } from "ink";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { sanitize } from "../../src/core/content.js";
import { ChoiceList } from "../../src/ui/choice-list.js";
import { Tokens } from "../../src/ui/tokens.js";
import { KEY, plain, waitFor } from "./helpers.js";

describe("sanitize", () => {
  it("drops the SGR styling Keras 3 puts in its messages", () => {
    const keras = "Exception encountered when calling Dense.call().\n\n\u001b[1mCould not locate class 'ScaledDense'\u001b[0m";
    expect(sanitize(keras)).toBe("Exception encountered when calling Dense.call().\n\nCould not locate class 'ScaledDense'");
    expect(sanitize("\u001b[38;5;196mred\u001b[39m \u009b1mcsi\u009b0m")).toBe("red csi");
  });

  it("still defuses every other sequence and control character", () => {
    expect(sanitize("a\u001b[2Jb")).toBe("a\\x1b[2Jb");
    expect(sanitize("\u001b]8;;https://x\u0007link")).toBe("\\x1b]8;;https://x\\x07link");
    expect(sanitize("x\u0008\u007f\u202ey")).toBe("x\\x08\\x7f\\u202ey");
    expect(sanitize("tab\tand\nnewline")).toBe("tab\tand\nnewline");
  });
});

describe("wrapping", () => {
  it("never starts a row with the space it broke at, when a row ends exactly at the edge", () => {
    // "hello world" fills 11 columns: Ink's wrap (wrap-ansi, trim off) moved the next space to the next row.
    const content = [[{ kind: "text" as const, value: "hello world foo bar " }, { kind: "code" as const, value: "x" }, { kind: "text" as const, value: " and more words here" }]];
    for (const width of [11, 9, 7]) {
      const view = render(
        <Box width={width}>
          <Tokens content={content} />
        </Box>,
      );
      const rows = plain(view.lastFrame()).split("\n");
      expect(rows.length, `${width}`).toBeGreaterThan(2);
      expect(rows.filter((row) => row.startsWith(" ")), `${width}: ${JSON.stringify(rows)}`).toEqual([]);
      expect(rows.join(" ").replace(/\s+/g, " ").trim()).toBe("hello world foo bar x and more words here");
      view.unmount();
    }
  });
});

const items = ["first", "second", "third", "fourth"].map((id) => ({ id, label: id }));

function list() {
  const chosen: string[] = [];
  const view = render(<ChoiceList items={items} onSelect={(id) => chosen.push(id)} />);
  return { chosen, view };
}

describe("the select list under fast and pasted keys", () => {
  it("a key sent right after another, before any re-render, acts on the row the first one moved to", async () => {
    const { chosen, view } = list();
    view.stdin.write(KEY.down);
    view.stdin.write(KEY.down);
    view.stdin.write(KEY.enter);
    await waitFor(() => chosen.length > 0, () => plain(view.lastFrame()));
    expect(chosen).toEqual(["third"]);
    view.unmount();
  });

  it("a pasted chunk is read key by key, and only the first answer counts", async () => {
    const { chosen, view } = list();
    view.stdin.write("jjj\rk\r");
    await waitFor(() => chosen.length > 0, () => plain(view.lastFrame()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(chosen).toEqual(["fourth"]);
    view.unmount();
  });

  it("k and up wrap around; a number picks its row; J and K work as j and k", async () => {
    const { chosen, view } = list();
    view.stdin.write("K");
    await waitFor(() => plain(view.lastFrame()).includes("❯ fourth"), () => plain(view.lastFrame()));
    view.stdin.write("J");
    await waitFor(() => plain(view.lastFrame()).includes("❯ first"), () => plain(view.lastFrame()));
    view.stdin.write("2");
    await waitFor(() => chosen.length > 0, () => plain(view.lastFrame()));
    expect(chosen).toEqual(["second"]);
    view.unmount();
  });
});

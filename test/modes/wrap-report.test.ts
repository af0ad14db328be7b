// The plain report folds to the terminal's width (issue 21: explain's text ran past it): at spaces, each folded line
// under its own text, code never (copied, it must stay the code it was), styling not counted as columns.
import { describe, expect, it } from "vitest";
import { wrapToWidth } from "../../src/engine/report.js";

const widthOf = (line: string) => [...line.replace(/\u001b\[[0-9;]*m/g, "")].length;

describe("wrapToWidth", () => {
  it("folds prose at spaces, under the line's own indentation, and leaves short lines alone", () => {
    const text = "Diagnosis\n  Keras cannot find the custom layer InstanceNormalization: its Python code has to be imported and passed as custom_objects.\n  short";
    const rows = wrapToWidth(text, 40).split("\n");
    expect(rows.every((row) => widthOf(row) <= 40)).toBe(true);
    expect(rows[0]).toBe("Diagnosis");
    expect(rows.slice(1, -1).every((row) => row.startsWith("  ") && !row.startsWith("   "))).toBe(true);
    expect(rows.at(-1)).toBe("  short");
    expect(rows.slice(1, -1).map((row) => row.trim()).join(" ")).toBe(
      "Keras cannot find the custom layer InstanceNormalization: its Python code has to be imported and passed as custom_objects.",
    );
  });

  it("hangs a list item's folded lines under its text", () => {
    const rows = wrapToWidth("  - the loader could not find this name in custom_objects or Keras' own objects", 30).split("\n");
    expect(rows[0].startsWith("  - the")).toBe(true);
    expect(rows.slice(1).every((row) => /^ {4}\S/.test(row))).toBe(true);
  });

  it("never folds code, and keeps a word longer than the width whole", () => {
    const code = "      model = keras.models.load_model(MODEL_PATH, custom_objects=CUSTOM_OBJECTS, compile=False, safe_mode=False)";
    expect(wrapToWidth(code, 40)).toBe(code);
    const path = `  see /${"very/".repeat(20)}long.py now`;
    expect(wrapToWidth(path, 40).split("\n")).toEqual(["  see", `  /${"very/".repeat(20)}long.py`, "  now"]);
  });

  it("does not count colour sequences as columns", () => {
    const styled = `\u001b[1m${"word ".repeat(7).trim()}\u001b[22m`;
    expect(wrapToWidth(styled, 34)).toBe(styled);
  });
});

// Colour conventions (no-color.org) in a real terminal, where colour would otherwise be on: NO_COLOR and --no-color
// take every colour and bold out of the wizard, the --auto report and inspect's tree; FORCE_COLOR overrides NO_COLOR.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { colorWanted } from "../../src/modes/color.js";
import { modelsDir, pythonFor, repoRoot } from "../helpers/envs.js";
import { runInPty } from "./pty.js";

const BIN = join(repoRoot, "dist", "bin", "keras-fix.js");
const SGR = /\u001b\[[0-9;]*m/;
// A missing file: the diagnosis and its walk need no Keras, so these runs are quick.
const MISSING = join(repoRoot, "no-such-folder", "model.h5");
const python = pythonFor("bare");
const unset = { NO_COLOR: "", FORCE_COLOR: "" };

describe("colour follows NO_COLOR, FORCE_COLOR and --no-color", () => {
  it("decides as no-color.org and Node do", () => {
    expect(colorWanted(false, {})).toBe(true);
    expect(colorWanted(false, { NO_COLOR: "1" })).toBe(false);
    expect(colorWanted(false, { NO_COLOR: "" })).toBe(true);
    expect(colorWanted(false, { NO_COLOR: "1", FORCE_COLOR: "1" })).toBe(true);
    expect(colorWanted(true, { FORCE_COLOR: "1" })).toBe(false);
  });

  it("the wizard: coloured by default, plain with NO_COLOR and with --no-color", { timeout: 120_000 }, () => {
    const argv = ["node", BIN, MISSING, "--python", python];
    const coloured = runInPty(argv, "Press Enter to continue", unset);
    expect(coloured.markerMs).not.toBeNull();
    expect(coloured.output).toMatch(SGR);
    const noColor = runInPty(argv, "Press Enter to continue", { ...unset, NO_COLOR: "1" });
    expect(noColor.output).toMatch(/Press Enter to continue/);
    expect(noColor.output).not.toMatch(SGR);
    const flag = runInPty([...argv, "--no-color"], "Press Enter to continue", unset);
    expect(flag.output).toMatch(/Press Enter to continue/);
    expect(flag.output).not.toMatch(SGR);
  });

  it("the --auto report and inspect's tree: plain with NO_COLOR, coloured again with FORCE_COLOR", { timeout: 120_000 }, () => {
    const auto = ["node", BIN, MISSING, "--auto", "--python", python];
    expect(runInPty(auto, "Not fixed", unset).output).toMatch(SGR);
    const plainAuto = runInPty(auto, "Not fixed", { ...unset, NO_COLOR: "1" });
    expect(plainAuto.output).toMatch(/Not fixed/);
    expect(plainAuto.output).not.toMatch(SGR);

    const inspect = ["node", BIN, "inspect", join(modelsDir, "keras3", "custom_layer_unregistered.h5")];
    expect(runInPty(inspect, "ScaledDense", unset).output).toMatch(SGR);
    expect(runInPty(inspect, "ScaledDense", { ...unset, NO_COLOR: "1" }).output).not.toMatch(SGR);
    expect(runInPty(inspect, "ScaledDense", { NO_COLOR: "1", FORCE_COLOR: "1" }).output).toMatch(SGR);
    expect(runInPty([...inspect, "--no-color"], "ScaledDense", { ...unset, FORCE_COLOR: "1" }).output).not.toMatch(SGR);
  });
});

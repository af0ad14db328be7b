// The wizard's diagnosis screen for a file with two problems, in a real terminal (tmux) with real Keras 3: a Keras 2
// file with a custom layer beside a raw TF op. Both are listed under "Two things stand between this file and your
// Keras", the one the load met first marked; then Ctrl-C leaves no Python behind.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envVarsFor, modelsDir, pythonFor } from "../helpers/envs.js";
import { EXIT_MARK, exitCodeOn, tmuxSession } from "./session.js";
import { hints } from "./tmux.js";

const MODEL = "custom_layer_and_tf_op.h5";
const session = tmuxSession();

describe("the wizard on a file with two problems", () => {
  it("lists both on the diagnosis screen, the one the load met first marked", async () => {
    // The user's folder holds only the model they were given.
    const dir = session.folder("kf-two-");
    copyFileSync(join(modelsDir, "matrix-two", "keras2", MODEL), join(dir, MODEL));
    const term = session.start("two", dir, [MODEL, "--python", pythonFor("keras3")], { env: envVarsFor("keras3") });

    const screen = await term.waitFor((/Two things stand between this file and your Keras[\s\S]*Enter: (continue|choose|finish)/), 180_000);
    expect(hints(screen)).toMatch(/Enter: (continue|choose|finish)/);
    const list = screen.slice(screen.indexOf("Two things stand between this file and your Keras"));
    expect(list).toMatch(/1\. A Keras 2 file is being loaded by Keras 3 \(TFOpLambda\) · the load met this first/);
    expect(list).toMatch(/2\. A custom layer's code is missing \(TwoScale\)/);
    // The first cause's own diagnosis is still shown above it: its title and what is at fault.
    expect(screen.slice(0, screen.indexOf("Two things stand"))).toMatch(/A Keras 2 file is being loaded by Keras 3[\s\S]*At fault: TFOpLambda/);

    term.send("C-c");
    const end = await term.waitFor(EXIT_MARK, 30_000);
    expect(exitCodeOn(end)).toBe("130");
  });
});

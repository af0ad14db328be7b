// The command the report gives to write the loader it only showed (issue 21: --auto wrote one on every run): the
// user's own command with --write-loaders, quoted so that a shell reads it back unchanged.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { commandWith } from "../../src/modes/auto.js";

/** What sh reads the command as (words after the program name). */
function shellWords(command: string): string[] {
  const run = spawnSync("sh", ["-c", `for w in ${command.replace(/^keras-fix /, "")}; do printf '%s\\n' "$w"; done`], { encoding: "utf8" });
  return run.stdout.split("\n").slice(0, -1);
}

describe("commandWith", () => {
  it("adds the flag once, after the user's own words", () => {
    expect(commandWith("--write-loaders", ["m.keras", "--auto", "--python", "/v/bin/python"])).toBe("keras-fix m.keras --auto --python /v/bin/python --write-loaders");
    expect(commandWith("--write-loaders", ["m.keras", "--write-loaders"])).toBe("keras-fix m.keras --write-loaders");
  });

  it("keeps a path that starts with a dash after --, where it stays a path", () => {
    expect(commandWith("--write-loaders", ["--auto", "--", "-odd.h5"])).toBe("keras-fix --auto --write-loaders -- -odd.h5");
  });

  it("quotes what a shell would split or expand", () => {
    const argv = ["my model's copy.h5", "--custom-objects", "$HOME/layers (v2).py", "--auto"];
    const command = commandWith("--write-loaders", argv);
    expect(shellWords(command)).toEqual([...argv, "--write-loaders"]);
  });
});

import { defineConfig } from "vitest/config";

// Real Python and real Keras run inside many tests: importing TensorFlow alone costs seconds, so time limits are
// generous and files run in forked processes, two at a time (the machines have two cores).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx", "flows/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 600_000,
    pool: "forks",
    maxWorkers: 2,
    globalSetup: ["test/global-setup.ts"],
    // CI runs `npm test` with CI=true, and Ink then stops redrawing (it prints only the last frame). The wizard's
    // tests stand for a person at a terminal, so they run, and spawn the CLI, as outside CI.
    env: { CI: "0", CONTINUOUS_INTEGRATION: "0" },
  },
});

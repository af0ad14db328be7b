#!/usr/bin/env node
// Bundles the built CLI (dist/src, from tsc) into dist/bin: the published bin. One entry file plus lazily loaded
// chunks (each mode, Ink and the wizard) means Node reads a few files instead of hundreds at start-up. h5wasm stays
// a package (it runs in its own worker thread, bundled here as a second entry); react-devtools-core is Ink's optional
// development hook and is never installed.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "bin");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    "keras-fix": join(root, "dist", "src", "cli.js"),
    "hdf5-worker": join(root, "dist", "src", "core", "inspect", "hdf5-worker.js"),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["h5wasm", "h5wasm/*", "react-devtools-core"],
  // CommonJS dependencies (yauzl) call require() for Node's own modules: give the ESM bundle one.
  banner: { js: "import { createRequire as __keras_fix_require } from 'node:module'; const require = __keras_fix_require(import.meta.url);" },
  chunkNames: "[name]-[hash]",
  legalComments: "none",
  logLevel: "warning",
});

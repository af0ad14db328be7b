#!/usr/bin/env node
// Writes docs/schema/{inspect,auto,explain}.schema.json from the zod schemas in src/engine/json-documents.ts (via the
// build in dist/). test/e2e/json-schema.test.ts fails when these files are stale. Usage: npm run build && npm run schemas
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { jsonDocuments, jsonSchemaOf } = await import(pathToFileURL(join(root, "dist", "src", "engine", "json-documents.js")).href);
const dir = join(root, "docs", "schema");
mkdirSync(dir, { recursive: true });
for (const name of Object.keys(jsonDocuments)) {
  const file = join(dir, `${name}.schema.json`);
  writeFileSync(file, `${JSON.stringify(jsonSchemaOf(name), null, 2)}\n`);
  console.log(`wrote ${file}`);
}

// The test environments as the repo's scripts use them (scripts/python-envs.json, made by setup-python-envs.mjs,
// which cannot be imported: running it builds the envs). A missing env is an error that says how to make it.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const envSpec = JSON.parse(readFileSync(join(root, "scripts", "python-envs.json"), "utf8"));
const envCache = process.env.KERAS_FIX_ENV_CACHE ?? join(homedir(), ".cache", "keras-fix", "envs");

/** The interpreter of a test env; throws when the env was not made. */
export function testEnvPython(name) {
  const python = join(envCache, name, "bin", "python");
  if (!existsSync(python)) throw new Error(`test env ${name} is missing at ${python}: run 'node scripts/setup-python-envs.mjs ${name}'`);
  return python;
}

/** The variables an env needs beyond its interpreter (its Keras backend), with TensorFlow's C++ logs off. */
export function testEnvVars(name) {
  const backend = envSpec.envs[name]?.backend;
  return { TF_CPP_MIN_LOG_LEVEL: "3", ...(backend ? { KERAS_BACKEND: backend } : {}) };
}

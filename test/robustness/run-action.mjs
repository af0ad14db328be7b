// Drives the built diagnosis session the way the wizard does, in its own process (so its working folder, where fixes
// write their files, can be a test's temp dir): diagnose, then run one ActionRequest, then print both as JSON.
// Usage: node run-action.mjs <dist diagnose.js> <model> <python> <request json>
import { pathToFileURL } from "node:url";

const [, , distDiagnose, modelPath, python, requestJson] = process.argv;
const { createDiagnoseSession } = await import(pathToFileURL(distDiagnose).href);
const session = createDiagnoseSession({ modelPath, python, timeoutSeconds: 300 });
try {
  const diagnosed = await session.diagnose(() => undefined);
  const result = await session.runAction(JSON.parse(requestJson));
  process.stdout.write(JSON.stringify({ outcome: diagnosed.outcome, cause: diagnosed.diagnosis?.cause ?? null, result }));
} finally {
  await session.close();
}

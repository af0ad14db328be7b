// Reads a `.keras` zip without extracting it: the central directory, then only metadata.json and config.json,
// each under a size cap so that a zip bomb or a hostile archive cannot exhaust memory. model.weights.h5 is never read.
import { basename } from "node:path";
import yauzl from "yauzl";
import type { ModelFacts } from "../types.js";
import { isRecord, parseJson, problemFacts } from "./facts.js";
import { factsFromModel } from "./model-facts.js";
import { problems } from "./problems.js";

/** The largest config.json/metadata.json we inflate; real configs of huge models are a few MB. */
export const MAX_MEMBER_BYTES = 64 * 1024 * 1024;
/** Entries listed in details (a .keras zip has 3 + assets). */
const LISTED_MEMBERS = 50;

class OversizedMember extends Error {}

async function readMember(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  if (entry.uncompressedSize > MAX_MEMBER_BYTES) throw new OversizedMember(`${entry.fileName} is larger than ${MAX_MEMBER_BYTES} bytes`);
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    // yauzl checks the inflated size against the header; this guards a header that lies in a way it misses.
    if (total > MAX_MEMBER_BYTES) {
      stream.destroy();
      throw new OversizedMember(`${entry.fileName} inflates past ${MAX_MEMBER_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function readZip(path: string, fileSize: number): Promise<ModelFacts> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  } catch (error) {
    return problemFacts(path, "truncated", fileSize, problems.truncatedZip(zipReason(error)), { container: "zip" });
  }
  try {
    const entries = new Map<string, yauzl.Entry>();
    for await (const entry of zip.eachEntry()) {
      if (entries.size < 10_000) entries.set(entry.fileName, entry);
    }
    const names = [...entries.keys()];
    const details: Record<string, unknown> = { container: "zip", members: names.slice(0, LISTED_MEMBERS) };
    if (names.some((name) => /(^|\/)data\.pkl$/.test(name))) {
      return problemFacts(path, "not-a-model", fileSize, problems.pytorch(), details);
    }
    const config = entries.get("config.json");
    if (!config) {
      if (names.length > 0 && names.every((name) => name.endsWith(".npy"))) {
        return problemFacts(path, "not-a-model", fileSize, problems.numpyZip(), details);
      }
      return problemFacts(path, "not-a-model", fileSize, problems.otherZip(names), details);
    }
    const metadataEntry = entries.get("metadata.json");
    const metadata = metadataEntry ? parseJson(await readMember(zip, metadataEntry)) : null;
    const configText = await readMember(zip, config);
    const parsed = parseJson(configText);
    if (!parsed.ok || !isRecord(parsed.value)) {
      return problemFacts(path, "keras-zip", fileSize, problems.badJson("its config.json is not valid JSON"), details);
    }
    const meta = metadata?.ok && isRecord(metadata.value) ? metadata.value : {};
    if (typeof meta.date_saved === "string") details.dateSaved = meta.date_saved;
    if (!/\.keras$/i.test(basename(path))) {
      // Keras 3 routes by name: a zip named .h5 goes to the HDF5 loader, anything else to "File format not
      // supported"; saving_lib also raises "Invalid filename: expected a `.keras` extension."
      details.nameMismatch = "This .keras zip is not named .keras: Keras picks the loader by the name, so load a copy named model.keras.";
    }
    const weights = names.find((name) => /^model\.weights\.(h5|npz)$/.test(name)) ?? null;
    details.weightsMember = weights;
    if (!weights) details.missingWeights = "The archive has no model.weights.h5: Keras raises `Expected a model.weights.h5 or model.weights.npz file.`";
    return factsFromModel({
      path,
      format: "keras-zip",
      fileSize,
      container: "zip",
      kerasVersion: typeof meta.keras_version === "string" ? meta.keras_version : null,
      backend: typeof meta.backend === "string" ? meta.backend : null,
      modelConfig: parsed.value,
      compileConfig: parsed.value.compile_config,
      details,
    });
  } catch (error) {
    if (error instanceof OversizedMember) {
      return problemFacts(path, "not-a-model", fileSize, problems.oversizedMember(error.message), { container: "zip" });
    }
    return problemFacts(path, "truncated", fileSize, problems.truncatedZip(zipReason(error)), { container: "zip" });
  } finally {
    zip.close();
  }
}

function zipReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/end of central directory/i.test(message)) return "no end-of-central-directory record";
  if (/invalid|unexpected|bad|truncated|too short/i.test(message)) return message.slice(0, 120);
  return "unreadable zip structure";
}

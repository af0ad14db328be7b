// Reads a `.keras` zip without extracting it: the central directory, then only metadata.json and config.json,
// each under a size cap so that a zip bomb or a hostile archive cannot exhaust memory. model.weights.h5 is read
// only for its weight shapes, only when the config has custom layers, and only when it is small (zip-weights.ts).
import { basename } from "node:path";
import yauzl from "yauzl";
import { type Found, problemFound } from "./found.js";
import { problems } from "./problems.js";
import { isRecord, parseJson } from "./values.js";
import { copyMember, OversizedMember, readMember } from "./zip-member.js";
import { weightShapesOf } from "./zip-weights.js";

/** Entries listed in details (a .keras zip has 3 + assets). */
const LISTED_MEMBERS = 50;
/** Entries remembered by name; a real .keras has a handful, a hostile zip may claim 65535. */
const KEPT_MEMBERS = 10_000;

/** yauzl's message when the last 64 KB hold no end-of-central-directory record: the zip's end is missing. */
const NO_END_RECORD = /end of central directory record signature not found/i;

/** A member name as stored: yauzl would reject `../` and absolute names, which matter only when extracting. */
function memberName(entry: yauzl.Entry): string {
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 160);
}

export async function readZip(path: string, fileSize: number): Promise<Found> {
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings off: names are decoded by memberName(), without yauzl's extraction-safety checks.
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: false });
  } catch (error) {
    if (NO_END_RECORD.test(reasonOf(error))) return problemFound(path, "truncated", fileSize, problems.truncatedZip(), { container: "zip" });
    return problemFound(path, "not-a-model", fileSize, problems.damagedZip(reasonOf(error)), { container: "zip", damaged: "zip" });
  }
  try {
    return await readArchive(zip, path, fileSize);
  } finally {
    zip.close();
  }
}

/** The zip's members, each name's last entry (as Python's zipfile reads it), at most KEPT_MEMBERS names. */
async function membersOf(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  const entries = new Map<string, yauzl.Entry>();
  for await (const entry of zip.eachEntry()) {
    if (entries.size < KEPT_MEMBERS) entries.set(memberName(entry), entry);
  }
  return entries;
}

async function readArchive(zip: yauzl.ZipFile, path: string, fileSize: number): Promise<Found> {
  let entries = new Map<string, yauzl.Entry>();
  let metadataText: string | null = null;
  let configText: string;
  // Only what yauzl reads is the container's fault; the config's contents are judged after this block.
  try {
    entries = await membersOf(zip);
    const config = entries.get("config.json");
    if (!config) return withoutConfig(path, fileSize, [...entries.keys()]);
    const metadataEntry = entries.get("metadata.json");
    if (metadataEntry) metadataText = await readMember(zip, metadataEntry);
    configText = await readMember(zip, config);
  } catch (error) {
    const details = { container: "zip", members: [...entries.keys()].slice(0, LISTED_MEMBERS) };
    if (error instanceof OversizedMember) return problemFound(path, "not-a-model", fileSize, problems.oversizedMember(error.message), details);
    return problemFound(path, "not-a-model", fileSize, problems.damagedZip(reasonOf(error)), { ...details, damaged: "zip" });
  }
  const names = [...entries.keys()];
  const details: Record<string, unknown> = { container: "zip", members: names.slice(0, LISTED_MEMBERS) };
  const parsed = parseJson(configText);
  configText = "";
  if (!parsed.ok || !isRecord(parsed.value)) {
    return problemFound(path, "keras-zip", fileSize, problems.badJson("its config.json is not valid JSON"), details);
  }
  const metadata = metadataText === null ? null : parseJson(metadataText);
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
  return {
    kind: "config",
    path,
    format: "keras-zip",
    fileSize,
    container: "zip",
    kerasVersion: typeof meta.keras_version === "string" ? meta.keras_version : null,
    backend: typeof meta.backend === "string" ? meta.backend : null,
    modelConfig: parsed.value,
    compileConfig: parsed.value.compile_config,
    details,
    // Weight shapes serve the stand-in classes written for custom layers (src/core/fixes/skeleton.ts); reading them
    // means starting HDF5, which a model of built-in layers does not need. The zip is open again by then.
    ...(weights === "model.weights.h5" ? { weightShapes: () => weightShapesOf((target) => copyWeights(path, weights, target)) } : {}),
  };
}

/** Copies a member of the zip at `path` to `target`, reading the zip again. */
async function copyWeights(path: string, name: string, target: string): Promise<void> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: false });
  try {
    const entry = (await membersOf(zip)).get(name);
    if (!entry) throw new Error(`${name} is no longer in the zip`);
    await copyMember(zip, entry, target);
  } finally {
    zip.close();
  }
}

function withoutConfig(path: string, fileSize: number, names: string[]): Found {
  const details = { container: "zip", members: names.slice(0, LISTED_MEMBERS) };
  if (names.some((name) => /(^|\/)data\.pkl$/.test(name))) return problemFound(path, "not-a-model", fileSize, problems.pytorch(), details);
  if (names.length > 0 && names.every((name) => name.endsWith(".npy"))) {
    return problemFound(path, "not-a-model", fileSize, problems.numpyZip(), details);
  }
  return problemFound(path, "not-a-model", fileSize, problems.otherZip(names), details);
}

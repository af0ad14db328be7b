// Reads or copies one member of a zip through yauzl under a size cap: a zip bomb or a header that lies about a
// member's size stops at the cap instead of filling memory or the disk.
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import type yauzl from "yauzl";

/** The largest member inflated; real configs of huge models are a few MB. */
export const MAX_MEMBER_BYTES = 64 * 1024 * 1024;

export class OversizedMember extends Error {}

const nameOf = (entry: yauzl.Entry) => (Buffer.isBuffer(entry.fileName) ? entry.fileName.toString("utf8") : entry.fileName).slice(0, 80);

function checkDeclaredSize(entry: yauzl.Entry): void {
  if (entry.uncompressedSize > MAX_MEMBER_BYTES) throw new OversizedMember(`${nameOf(entry)} is larger than ${MAX_MEMBER_BYTES} bytes`);
}

/** Fails once more than MAX_MEMBER_BYTES pass: yauzl checks the inflated size against the header, this guards a
 * header that lies in a way it misses. */
function capped(entry: yauzl.Entry): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > MAX_MEMBER_BYTES) done(new OversizedMember(`${nameOf(entry)} inflates past ${MAX_MEMBER_BYTES} bytes`));
      else done(null, chunk);
    },
  });
}

export async function readMember(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  checkDeclaredSize(entry);
  const chunks: Buffer[] = [];
  // pipeline, not pipe: an error of yauzl's stream (a size that lies) must reject here, not go unhandled.
  await pipeline(await zip.openReadStreamPromise(entry), capped(entry), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  return Buffer.concat(chunks).toString("utf8");
}

/** Writes the member's bytes to `target` (a temporary file of ours, never the user's). */
export async function copyMember(zip: yauzl.ZipFile, entry: yauzl.Entry, target: string): Promise<void> {
  checkDeclaredSize(entry);
  await pipeline(await zip.openReadStreamPromise(entry), capped(entry), createWriteStream(target, { flags: "wx" }));
}

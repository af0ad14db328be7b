// The weight shapes inside a `.keras` zip's model.weights.h5: HDF5 reads files, not zip members, so the member is
// copied to a private temporary file first (at most MAX_MEMBER_BYTES), read by the HDF5 worker, then deleted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readHdf5Bounded } from "./hdf5-thread.js";
import { OversizedMember } from "./zip-member.js";

/** What goes into details: `weightShapes` (hdf5-contents.ts), or why they are missing. */
export async function weightShapesOf(copy: (target: string) => Promise<void>): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "keras-fix-weights-"));
  try {
    const target = join(dir, "model.weights.h5");
    try {
      await copy(target);
    } catch (error) {
      const reason = error instanceof OversizedMember ? `${error.message}; keras-fix reads shapes from smaller files only` : "the member does not read back from the zip";
      return { weightShapesUnreadable: reason };
    }
    const read = await readHdf5Bounded(target, { root: false, weightShapes: true });
    if (read.weightShapes) return { weightShapes: read.weightShapes };
    return { weightShapesUnreadable: read.weightShapesError ?? read.failure?.reason ?? "model.weights.h5 stores no weights HDF5 can list" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

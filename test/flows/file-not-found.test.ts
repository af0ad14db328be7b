// file-not-found: the real inspector on a missing path decides it alone; tracebacks from every loader name the
// path; a `.keras` "File not found" for a file that exists is left to the cause its format names.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pathHints } from "../../flows/file-not-found/cause.js";
import { createDiagnoseSession } from "../../src/engine/diagnose.js";
import { autoWalk, baseFor, causeOf, plainWalk } from "../catalogue/walk.js";
import { facts } from "../catalogue/facts.js";

const cause = causeOf("file-not-found");

describe("file-not-found", () => {
  it("is diagnosed from the real inspector's facts without starting Python, and ends not-fixed", async () => {
    const missing = join(process.cwd(), "no-such-dir", "model.h5");
    const session = createDiagnoseSession({ modelPath: missing, timeoutSeconds: 60 });
    const result = await session.diagnose(() => {});
    await session.close();
    expect(result.env).toBeNull();
    expect(result.diagnosis).toMatchObject({ cause: "file-not-found", culprit: missing });
    const walk = await autoWalk(cause, { file: result.file, env: null, load: null, diagnosis: result.diagnosis!, modelPath: missing });
    expect(walk.outcome).toBe("not-fixed");
    expect(plainWalk(walk)).toContain(missing);
  });

  it("names the path from tf-keras' and h5py's wording", () => {
    const tfKeras = baseFor(facts(), "OSError: No file or directory found at models/m.h5");
    expect(tfKeras.diagnosis).toMatchObject({ cause: "file-not-found", culprit: "models/m.h5" });
    const h5py = baseFor(
      facts(),
      "FileNotFoundError: [Errno 2] Unable to synchronously open file (unable to open file: name = 'C:\\m\\x.h5', errno = 2, error message = 'No such file or directory', flags = 0, o_flags = 0)",
    );
    expect(h5py.diagnosis.culprit).toBe("C:\\m\\x.h5");
  });

  it("gives Keras 3's `.keras` 'File not found' to the file's real problem when the file exists", () => {
    const text = "ValueError: File not found: filepath=m.keras. Please ensure the file is an accessible `.keras` zip file.";
    expect(baseFor(facts({ file: { format: "missing", path: "m.keras" } }), text).diagnosis.cause).toBe("file-not-found");
    expect(baseFor(facts({ file: { format: "truncated", path: "m.keras", fileSize: 10 } }), text).diagnosis.cause).not.toBe("file-not-found");
  });

  it("explains the path mistakes it can see in the path itself", () => {
    expect(pathHints("~/models/m.h5").join(" ")).toMatch(/does not expand `~`/);
    expect(pathHints("C:\new\model.h5").join(" ")).toMatch(/control character/);
    expect(pathHints("/content/drive/MyDrive/m.h5").join(" ")).toMatch(/mount Google Drive/);
    expect(pathHints("models/m.h5").join(" ")).toMatch(/relative/);
    expect(pathHints("/abs/m.h5")).toEqual([]);
  });
});

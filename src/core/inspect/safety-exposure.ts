// Which Keras releases each kind of safety finding can harm, as data. Source: /work/shared/research/keras-security.md
// §1 (advisories and the first fixed release of each line, from the fix commits and their cherry-picks). Fixes went
// out as point releases on old 3.x branches, so the fixed releases are NOT monotonic: "3.12.1, 3.13.2, 3.14.0"
// leaves 3.13.0–3.13.1 open and closes 3.12.1+, and a line between two listed ones (3.13.x for "3.12.3, 3.15.0")
// never got the fix.
import type { EnvFacts, LineExposure, SafetyFinding } from "../types.js";

export type Exposure = SafetyFinding["exposure"];

interface Known {
  advisory: string | null;
  exposure: Exposure;
}

const fixed = (...versions: string[]): LineExposure => ({ fixedIn: versions });
const EVERY: LineExposure = "every-release";
const NONE: LineExposure = "not-reachable";

/** Per finding id. A finding id missing here is open everywhere (the conservative reading). */
export const EXPOSURE: Record<string, Known> = {
  // Row 1/5: Keras 3 gates `.keras` Lambdas from 3.0 and `.h5` Lambdas from 3.11.3; tf.keras/tf_keras gate only the
  // `.keras` path (in_safe_mode), never H5 or SavedModel. The .keras/.h5 split is made by the caller (lambdaExposure).
  "lambda-bytecode-keras": { advisory: "CVE-2024-3660", exposure: { keras3: NONE, tfKeras: NONE, keras2: fixed("2.13.0") } },
  "lambda-bytecode-legacy": { advisory: "CVE-2025-9905", exposure: { keras3: fixed("3.11.3", "3.12.0"), tfKeras: EVERY, keras2: EVERY } },
  // Row 2: 3.9.0 imports only keras/keras_hub/keras_cv/keras_nlp; tf_keras and Keras 2.12–2.15 import any module.
  "config-imports-module": { advisory: "CVE-2025-1550", exposure: { keras3: fixed("3.9.0"), tfKeras: EVERY, keras2: EVERY } },
  "config-function-as-layer": { advisory: "CVE-2025-1550", exposure: { keras3: fixed("3.9.0"), tfKeras: EVERY, keras2: EVERY } },
  // Rows 3 and 4 (3.11.0 blocks LOADING_APIS); the full NON_MODELING_APIS list only from 3.12.3 / 3.15.0 (§1c).
  "config-non-modeling-api": { advisory: "CVE-2025-8747", exposure: { keras3: fixed("3.11.0"), tfKeras: EVERY, keras2: EVERY } },
  "config-disables-safe-mode": { advisory: "CVE-2025-9906", exposure: { keras3: fixed("3.11.0"), tfKeras: EVERY, keras2: EVERY } },
  // Row 6: base64 torch.save blob from 3.11.0, fixed in 3.11.3; 3.12.0 on master. Torch backend only.
  "config-torch-module-wrapper": { advisory: "CVE-2025-49655", exposure: { keras3: fixed("3.11.3", "3.12.0"), tfKeras: NONE, keras2: NONE } },
  // Row 7: a string vocabulary is read through tf.io.gfile; refused in safe mode from 3.12.0; tf_keras never gates it.
  "config-vocabulary-path": { advisory: "CVE-2025-12058", exposure: { keras3: fixed("3.12.0"), tfKeras: EVERY, keras2: EVERY } },
  // §8: keras_hub tokenizers read vocabulary / merges / proto files their config names; three were fixed in January
  // 2026 and others reported open in June 2026, in keras_hub's own releases: open everywhere as far as Keras goes.
  "config-tokenizer-file": { advisory: null, exposure: { keras3: EVERY, tfKeras: NONE, keras2: NONE } },
  // Row 8: TFSMLayer.from_config loads any SavedModel path: 3.12.1, 3.13.2, 3.14.0. TF backend only.
  "config-tfsmlayer": { advisory: "CVE-2026-1462", exposure: { keras3: fixed("3.12.1", "3.13.2", "3.14.0"), tfKeras: NONE, keras2: NONE } },
  // Row 12: layer names with ../ or absolute paths become asset sub-paths: 3.12.3, 3.15.0.
  "config-path-in-name": { advisory: "CVE-2026-12479", exposure: { keras3: fixed("3.12.3", "3.15.0"), tfKeras: NONE, keras2: NONE } },
  // §1c: NpzIOStore used allow_pickle=True: Keras 3 → 3.9.0, tf_keras → 2.20.1, Keras 2.12–2.15 never fixed.
  "zip-npz-weights": { advisory: null, exposure: { keras3: fixed("3.9.0"), tfKeras: fixed("2.20.1"), keras2: EVERY } },
  "zip-pickle-member": { advisory: null, exposure: { keras3: fixed("3.9.0"), tfKeras: fixed("2.20.1"), keras2: EVERY } },
  // §1c: member decompression bombs are refused from 3.12.3 / 3.15.0 only.
  "zip-bomb": { advisory: null, exposure: { keras3: fixed("3.12.3", "3.15.0"), tfKeras: EVERY, keras2: EVERY } },
  // §4: more than three members makes Keras extract every member; plain extractall up to 3.11.3, filtered from 3.12.0.
  "zip-path-traversal": { advisory: "CVE-2026-12479", exposure: { keras3: fixed("3.12.0"), tfKeras: EVERY, keras2: EVERY } },
  "zip-symlink": { advisory: null, exposure: { keras3: fixed("3.12.0"), tfKeras: EVERY, keras2: EVERY } },
  // §5: every Keras reads the last copy, scanners may read another: no release protects against being misread.
  "zip-duplicate-member": { advisory: null, exposure: { keras3: EVERY, tfKeras: EVERY, keras2: EVERY } },
  // Row 9 and §1c: HDF5 external storage / virtual datasets; legacy .h5 path only 3.12.2, 3.14.1, 3.15.0.
  "h5-external-data": { advisory: "CVE-2026-1669", exposure: { keras3: fixed("3.12.2", "3.14.1", "3.15.0"), tfKeras: EVERY, keras2: EVERY } },
  // §8: ops a SavedModel runs while tf.keras / tf_keras load it (resource initializers, the init op); Keras 3's
  // load_model does not read SavedModels (TFSMLayer does, through tf.saved_model.load, and is its own finding).
  "savedmodel-load-op": { advisory: null, exposure: { keras3: NONE, tfKeras: EVERY, keras2: EVERY } },
  // Row 10: external / soft links read other HDF5 files: 3.12.3, 3.15.0.
  "h5-link": { advisory: "GHSA-27f4-p4xq-cxg8", exposure: { keras3: fixed("3.12.3", "3.15.0"), tfKeras: EVERY, keras2: EVERY } },
};

const parse = (version: string) => (/^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? /^(\d+)\.(\d+)/.exec(version))?.slice(1).map(Number) ?? null;

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Whether `version` is open: a line with its own fixed release is closed from it on; any other line is closed
 * only above the newest fixed release (the master fix), so lines between two listed ones stay open. */
export function isOpen(line: LineExposure, version: string): boolean | null {
  if (line === "every-release") return true;
  if (line === "not-reachable") return false;
  const installed = parse(version);
  if (!installed) return null;
  const fixes = line.fixedIn.map(parse).filter((v): v is number[] => v !== null);
  const sameLine = fixes.find((f) => f[0] === installed[0] && f[1] === installed[1]);
  if (sameLine) return compare(installed, sameLine) < 0;
  const newest = fixes.reduce((a, b) => (compare(a, b) >= 0 ? a : b));
  return compare(installed, newest) < 0;
}

function describeLine(name: string, line: LineExposure): string | null {
  if (line === "not-reachable") return null;
  if (line === "every-release") return `${name}: every release`;
  const [first, ...rest] = line.fixedIn;
  return rest.length === 0
    ? `${name} before ${first}`
    : `${name} except ${line.fixedIn.map((v, i) => (i === line.fixedIn.length - 1 ? `${v}+` : `${v}+ on the ${v.split(".").slice(0, 2).join(".")} line`)).join(", ")}`;
}

export function describeExposure(exposure: Exposure): string {
  const parts = [describeLine("Keras 3", exposure.keras3), describeLine("tf_keras", exposure.tfKeras), describeLine("tf.keras / Keras 2", exposure.keras2)];
  const open = parts.filter((part): part is string => part !== null);
  return open.length ? open.join("; ") : "no Keras release acts on it (reported because Keras never writes it)";
}

/** The installed Keras that would load the file, and its version, from the probe's facts. */
export function installedKeras(env: EnvFacts): { line: keyof Exposure; version: string } | null {
  const keras = env.packages.keras ?? null;
  switch (env.loader) {
    case "keras3":
      return keras ? { line: "keras3", version: keras } : null;
    case "tf_keras":
      return env.packages.tf_keras ? { line: "tfKeras", version: env.packages.tf_keras } : null;
    case "tf.keras":
      return { line: "keras2", version: keras ?? env.packages.tensorflow ?? "2" };
    case "keras2":
      return keras ? { line: "keras2", version: keras } : null;
    default:
      return null;
  }
}

/** The finding with `installedOpen` set for this environment (null when the loader is unknown). */
export function withInstalled(finding: SafetyFinding, env: EnvFacts | null): SafetyFinding {
  const installed = env ? installedKeras(env) : null;
  return { ...finding, installedOpen: installed ? isOpen(finding.exposure[installed.line], installed.version) : null };
}

/** Whether a Keras release (`line`, `version`) would act on any of these findings: version advice avoids those. */
export function releaseIsOpen(findings: SafetyFinding[], line: keyof Exposure, version: string): boolean {
  return findings.some((finding) => finding.severity === "dangerous" && isOpen(finding.exposure[line], version) === true);
}

export function knownExposure(id: string): Known {
  return EXPOSURE[id] ?? { advisory: null, exposure: { keras3: EVERY, tfKeras: EVERY, keras2: EVERY } };
}

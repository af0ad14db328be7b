export const NOT_IN_MATRIX: Record<string, string>;
export function kerasEnvs(root: string): string[];
export const MATRIX_SETS: string[];
export interface MatrixFile {
  /** The fixture set: "matrix" (one problem per file) or "matrix-two" (two problems at once). */
  set: string;
  savedBy: string;
  kind: string;
  format: string;
  /** Null when that Keras cannot save this kind in this format (the reason is in cannotSave). */
  file: string | null;
  cannotSave?: string;
  path: string | null;
  savedWith: { keras: string | null; python: string; backend: string };
}
export function matrixFiles(root: string): MatrixFile[];
export const KIND_CAUSES: Record<string, string[]>;
export const KIND_CULPRITS: Record<string, string>;
export const VERSION_CAUSES: string[];
export const ENV_CAUSES: string[];
export function cellProblems(cell: { error: string | null; file: { kind: string; savedBy: string }; loadedIn: string }): string[][];
export function acceptableCauses(cell: { error: string | null; file: { kind: string; savedBy: string }; loadedIn: string }): string[];

import type { ScoredPaste } from "./paste-forms.mjs";
export interface RealPasteCase {
  era: string;
  name: string;
  source: string;
  text: string;
  cause: string;
  culprit: string | null;
  half: "tuning" | "sealed";
  cut: boolean;
}
export function realPastesDir(root: string): string | null;
export function realHalfOf(source: string): "tuning" | "sealed";
export function realPasteCases(dir: string): RealPasteCase[];
export function culpritNames(label: string, got: unknown): boolean;
export function scoreRealPastes(
  cases: RealPasteCase[],
  classifier: { parseTraceback: unknown; classify: unknown; causes: unknown },
): (ScoredPaste & { era: string; culpritVerbatim: boolean | null })[];

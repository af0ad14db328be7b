export interface PasteForm { form: string; text: string }
export function finalException(text: string): { type: string; message: string; block: string } | null;
export function pasteForms(text: string, culprit?: string): PasteForm[];
export function halfOf(sourcePath: string): "tuning" | "sealed";
export interface PasteCase { cause: string; path: string; text: string; half?: "tuning" | "sealed"; sidecar: { culprit?: string; [key: string]: unknown } }
export interface ScoredPaste {
  half: "tuning" | "sealed"; source: string; form: string; expected: string; ranked: string[]; top1: boolean; top3: boolean;
  culprit: string | null; culpritNamed: boolean | null; got: string | null;
}
export function scorePasteForms(cases: PasteCase[], classifier: {
  parseTraceback: (text: string) => unknown; classify: (...args: any[]) => any; causes: unknown; factsFor: (sidecar: any) => Promise<unknown>;
}): Promise<ScoredPaste[]>;
export function summarise(scored: ScoredPaste[]): { n: number; top1: number; top3: number; culpritCases: number; culpritNamed: number };

import type { PasteCase } from "./paste-forms.mjs";
export function pasteCases(root: string): PasteCase[];
export function textAlonePasteCases(root: string, folder: "_matrix" | "_scenarios"): PasteCase[];

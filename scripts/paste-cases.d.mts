import type { PasteCase } from "./paste-forms.mjs";
export function pasteCases(root: string): PasteCase[];
export function matrixPasteCases(root: string): PasteCase[];

import type { PasteCase } from "./paste-forms.mjs";
export function pasteCases(root: string): PasteCase[];

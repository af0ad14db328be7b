import type { PasteCase } from "./paste-forms.mjs";
export const INSTANCES_PER_TEMPLATE: number;
export function minedHalfOf(message: { type: string; template: string }): "tuning" | "sealed";
export function minedCases(root: string, messages: {
  loadMessageMap: () => any[]; ruleFor: (message: any, map?: any[]) => any; fillTemplate: (template: string, fill?: Record<string, string>) => string;
}): PasteCase[];

export const envSpec: { envs: Record<string, { python: string; packages: string[]; backend?: string }> };
export function testEnvPython(name: string): string;
export function testEnvVars(name: string): Record<string, string>;

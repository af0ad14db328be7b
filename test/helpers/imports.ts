// The module specifiers a source file imports, read as text (static imports, re-exports, import() and require()).

/** Every module specifier a file imports: static imports, re-exports, dynamic import() and require(). */
export function importedSpecifiers(source: string): string[] {
  const patterns = [/\b(?:import|export)\s[^'"]*?\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\b(?:import|require)\s*\(\s*["']([^"']+)["']/g];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]));
}

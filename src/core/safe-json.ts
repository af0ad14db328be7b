// JSON that is safe to print to a terminal: JSON.stringify escapes only U+0000–U+001F, so C1 controls (8-bit CSI
// U+009B acts like ESC [ on many terminals) and bidi overrides (U+202E reorders what the user sees) from a model file
// would reach the terminal raw. Escaping them as \uXXXX leaves the parsed value identical.

/** DEL and C1 controls, the bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const TERMINAL_ACTIVE = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const escape = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** JSON.stringify(value, null, space) with terminal-active characters escaped; they only occur inside strings. */
export function toSafeJson(value: unknown, space?: number | string): string {
  return JSON.stringify(value, null, space).replace(TERMINAL_ACTIVE, escape);
}

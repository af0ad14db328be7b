// Builders for the tokens that flows use to describe what the user sees, and the one place where text that came
// from a model file or a traceback is made safe for a terminal.
import type { Content, Token } from "./types.js";

// C0/C1 control characters except tab and newline: ESC starts terminal sequences, CSI (0x9b) does on some terminals.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Bidirectional overrides can make displayed text differ from what is stored.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

// SGR (colour and bold) sequences only style text: Keras 3 bolds its own messages with them. They are dropped, so a
// quoted error reads as text; every other sequence (clearing the screen, moving the cursor, OSC) stays defused below.
const SGR = /(?:\u001b\[|\u009b)[0-9;:]*m/g;

/** Makes a string from an untrusted source safe to print: styling is dropped, other control and bidi characters
 * become visible escapes. */
export function sanitize(value: string): string {
  return value
    .replace(SGR, "")
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)
    .replace(BIDI, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export const text = (value: string): Token => ({ kind: "text", value });
export const strong = (value: string): Token => ({ kind: "strong", value });
export const code = (value: string): Token => ({ kind: "code", value });
export const command = (value: string): Token => ({ kind: "command", value });
export const path = (value: string): Token => ({ kind: "path", value });
export const link = (value: string): Token => ({ kind: "link", value });
export const python = (value: string): Token => ({ kind: "codeblock", value, language: "python" });
export const shell = (value: string): Token => ({ kind: "codeblock", value, language: "shell" });

/** One paragraph per argument: strings become text tokens. */
/** A word of a shown command as a POSIX shell reads it back unchanged: a path with a space stays one argument. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

export function paragraphs(...items: (string | Token | (string | Token)[])[]): Content {
  return items.map((item) => {
    const parts = Array.isArray(item) ? item : [item];
    return parts.map((part) => (typeof part === "string" ? text(part) : part));
  });
}

/** Content as plain text (codeblocks indented), for the text report and for tests. */
export function contentToPlain(content: Content): string {
  return content
    .map((paragraph) =>
      paragraph
        .map((token) => {
          const value = sanitize(token.value);
          if (token.kind === "codeblock") return `\n${value.replace(/^/gm, "    ")}\n`;
          if (token.kind === "code" || token.kind === "command") return `\`${value}\``;
          return value;
        })
        .join(""),
    )
    .join("\n");
}

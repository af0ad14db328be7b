// Reads a cause's explain.md ("Why did this happen?") at run time and turns its four fixed sections into Content,
// so the wizard can show it and the docs stay the single source of the explanation.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { code, link, strong, text } from "../core/content.js";
import type { Content, Token } from "../core/types.js";

export interface ExplainDoc {
  whatHappened: Content;
  why: Content;
  howToFix: Content;
  seeAlso: Content;
}

const HEADINGS = { "What happened": "whatHappened", Why: "why", "How to fix": "howToFix", "See also": "seeAlso" } as const;

/**
 * The package root: the nearest folder above this module holding package.json. That is the repository from
 * src/core (vitest), the repository from dist/src/core (the build) and node_modules/keras-fix when installed;
 * dist/flows exists too but holds only compiled cause.js files, never the .md files.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("keras-fix cannot find its own package.json");
    dir = parent;
  }
  return dir;
}

export function explainDocPath(causeId: string): string {
  return join(packageRoot(), "flows", causeId, "explain.md");
}

/** The cause's explanation, or null when the cause has no explain.md (or the id is not a plain folder name). */
export function readExplainDoc(causeId: string): ExplainDoc | null {
  if (!/^[a-z0-9-]+$/.test(causeId)) return null;
  const file = explainDocPath(causeId);
  if (!existsSync(file)) return null;
  return parseExplainDoc(readFileSync(file, "utf8"));
}

/** Splits the markdown on its `## ` headings; null unless all four sections are there. */
export function parseExplainDoc(markdown: string): ExplainDoc | null {
  const sections: Partial<Record<keyof ExplainDoc, string[]>> = {};
  let current: string[] | null = null;
  for (const line of markdown.replace(/\r\n/g, "\n").split("\n")) {
    const heading = /^##\s+(.+?)\s*$/.exec(line);
    if (heading) {
      const key = HEADINGS[heading[1] as keyof typeof HEADINGS];
      current = key ? (sections[key] = []) : null;
      continue;
    }
    current?.push(line);
  }
  const { whatHappened, why, howToFix, seeAlso } = sections;
  if (!whatHappened || !why || !howToFix || !seeAlso) return null;
  return {
    whatHappened: markdownToContent(whatHappened),
    why: markdownToContent(why),
    howToFix: markdownToContent(howToFix),
    seeAlso: markdownToContent(seeAlso),
  };
}

/** Blank-line separated paragraphs, fenced code blocks, list items one per paragraph; inline code, bold, links. */
function markdownToContent(lines: string[]): Content {
  const content: Content = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) content.push(inlineTokens(paragraph.join(" ")));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*```(\w*)/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      while (++i < lines.length && !/^\s*```/.test(lines[i])) body.push(lines[i]);
      const language = fence[1] === "python" || fence[1] === "shell" ? fence[1] : fence[1] === "bash" ? "shell" : "text";
      content.push([{ kind: "codeblock", value: body.join("\n"), language }]);
      continue;
    }
    if (line.trim() === "") {
      flush();
      continue;
    }
    const item = /^\s*(?:[-*]|\d+\.)\s+(.*)$/.exec(line);
    if (item) {
      flush();
      paragraph = [`• ${item[1]}`];
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  return content;
}

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s)>]+)/g;

function inlineTokens(line: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of line.matchAll(INLINE)) {
    if (match.index > last) tokens.push(text(line.slice(last, match.index)));
    if (match[1] !== undefined) tokens.push(code(match[1]));
    else if (match[2] !== undefined) tokens.push(strong(match[2]));
    else if (match[3] !== undefined) tokens.push(text(`${match[3]} (`), link(match[4]), text(")"));
    else tokens.push(link(match[5]));
    last = match.index + match[0].length;
  }
  if (last < line.length) tokens.push(text(line.slice(last)));
  return tokens;
}

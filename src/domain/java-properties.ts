import type { FieldError } from './errors.js';

/**
 * Java `.properties` text, as templates and versions carry it. Parsing follows
 * java.util.Properties for what matters here: `#`/`!` comments, `=`, `:` or whitespace
 * separators, backslash line continuations and escapes in keys.
 */
export const PROPERTY_LIMITS = { name: 2048, value: 8192, whole: 10243 } as const;

export interface Property { key: string; value: string }

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current: string | null = null;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    // Leading blanks are dropped on every physical line, continuation lines included.
    const line = raw.replace(/^[ \t\f]+/, '');
    if (current === null && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    const continued = countTrailingBackslashes(line) % 2 === 1;
    const body = continued ? line.slice(0, -1) : line;
    current = (current ?? '') + body;
    if (!continued) {
      lines.push(current);
      current = null;
    }
  }
  if (current !== null) lines.push(current);
  return lines;
}

function countTrailingBackslashes(line: string): number {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count;
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(parseInt(escaped.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[escaped] ?? escaped;
  });
}

export function parseProperties(text: string): Property[] {
  const properties: Property[] = [];
  for (const line of logicalLines(text)) {
    // The key ends at the first unescaped separator: '=', ':' or whitespace.
    const match = /^((?:\\.|[^=:\s\\])*)\s*(?:[=:]\s*|\s+|$)([\s\S]*)$/.exec(line);
    if (!match) continue;
    properties.push({ key: unescape(match[1]), value: unescape(match[2]) });
  }
  return properties;
}

/** Problems with a properties text, each pointing at `field` (one pointer: the text is one string). */
export function propertiesProblems(text: string, field: string): FieldError[] {
  const problems: FieldError[] = [];
  if (text.length > PROPERTY_LIMITS.whole) {
    problems.push({ field, message: `must be at most ${PROPERTY_LIMITS.whole} characters in all, got ${text.length}`, code: 'E1000' });
  }
  for (const { key, value } of parseProperties(text)) {
    if (key.length > PROPERTY_LIMITS.name) {
      problems.push({ field, message: `property name "${key.slice(0, 40)}…" is longer than ${PROPERTY_LIMITS.name} characters`, code: 'E1000' });
    }
    if (value.length > PROPERTY_LIMITS.value) {
      problems.push({ field, message: `value of property "${key.slice(0, 200)}" is longer than ${PROPERTY_LIMITS.value} characters`, code: 'E1000' });
    }
  }
  return problems;
}

/** The template's properties with the version's laid over them key by key; the version wins. */
export function mergeProperties(base: string | null | undefined, overlay: string | null | undefined): Property[] {
  const merged = new Map<string, string>();
  for (const { key, value } of parseProperties(base ?? '')) merged.set(key, value);
  for (const { key, value } of parseProperties(overlay ?? '')) merged.set(key, value);
  return [...merged].map(([key, value]) => ({ key, value }));
}

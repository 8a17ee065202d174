import type { FieldError } from './errors.js';

/**
 * Java `.properties` text, as templates and versions carry it. Parsing follows
 * java.util.Properties.load (JDK 17) step by step, since the job reads the merged text with it:
 * `#`/`!` comments, `=`, `:` or blank separators, backslash line continuations, and the
 * escapes `\t \n \r \f \uXXXX` (any other escaped character stands for itself) in keys and values.
 * Blanks are only ' ', '\t' and '\f', as in Java: a no-break space or a BOM is part of the key.
 */
export const PROPERTY_LIMITS = { name: 2048, value: 8192, whole: 10243 } as const;

export interface Property { key: string; value: string }

interface LogicalLine { text: string; lineNumber: number }

const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\f';

function dropLeadingBlanks(line: string): string {
  let i = 0;
  while (i < line.length && isBlank(line[i])) i++;
  return line.slice(i);
}

function countTrailingBackslashes(line: string): number {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count;
}

/** Physical lines joined at odd trailing backslashes; comments and blank lines left out. */
function logicalLines(text: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let current: LogicalLine | null = null;
  const physical = text.split(/\r\n|\r|\n/);
  // Text ending in a line break leaves an empty last piece: that is the end, not a blank line
  // (it matters after a lone `\`, which then makes an entry with an empty key, as in Java).
  if (physical.length > 1 && physical[physical.length - 1] === '') physical.pop();
  for (let index = 0; index < physical.length; index++) {
    // Leading blanks are dropped on every physical line, continuation lines included.
    const line = dropLeadingBlanks(physical[index]);
    // Java looks for a comment or a blank line while the logical line is still empty, so after
    // a line holding only `\` a `#…` line is a comment too and the empty line is dropped.
    if ((current === null || current.text === '') && (line === '' || line[0] === '#' || line[0] === '!')) {
      current = null;
      continue;
    }
    const continued = countTrailingBackslashes(line) % 2 === 1;
    const body = continued ? line.slice(0, -1) : line;
    current ??= { text: '', lineNumber: index + 1 };
    current.text += body;
    if (!continued) {
      lines.push(current);
      current = null;
    }
  }
  // A continuation at the very end of the text just ends the last line. An empty one (from a
  // lone `\`) is an entry with an empty key after a final "\n" or "\r" but nothing after a
  // final "\r\n": a quirk of Java's line reader, kept so both read the same entries.
  if (current !== null && !(current.text === '' && text.endsWith('\r\n'))) lines.push(current);
  return lines;
}

const simpleEscapes: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

/**
 * Resolves escapes. Java refuses a `\u` not followed by four hex digits (the whole load fails);
 * here it is kept as the plain letters and reported through `malformed`.
 */
function unescape(text: string, malformed: (escape: string) => void): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    if (i >= text.length) break;
    const escaped = text[i];
    if (escaped === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        continue;
      }
      malformed(`\\u${hex}`);
    }
    out += simpleEscapes[escaped] ?? escaped;
  }
  return out;
}

/** Splits one logical line as Properties.load0 does: the key ends at the first unescaped separator. */
function splitLine(line: string): { rawKey: string; rawValue: string } {
  let keyLength = 0;
  let valueStart = line.length;
  let hasSeparator = false;
  let precedingBackslash = false;
  while (keyLength < line.length) {
    const c = line[keyLength];
    if (!precedingBackslash && (c === '=' || c === ':')) {
      valueStart = keyLength + 1;
      hasSeparator = true;
      break;
    }
    if (!precedingBackslash && isBlank(c)) {
      valueStart = keyLength + 1;
      break;
    }
    precedingBackslash = c === '\\' ? !precedingBackslash : false;
    keyLength++;
  }
  // Blanks around the separator, and one `=` or `:` after blank separators, belong to neither side.
  while (valueStart < line.length) {
    const c = line[valueStart];
    if (!isBlank(c)) {
      if (!hasSeparator && (c === '=' || c === ':')) hasSeparator = true;
      else break;
    }
    valueStart++;
  }
  return { rawKey: line.slice(0, keyLength), rawValue: line.slice(valueStart) };
}

interface ParsedProperty extends Property { lineNumber: number; malformed: string[] }

function parse(text: string): ParsedProperty[] {
  return logicalLines(text).map(({ text: line, lineNumber }) => {
    const malformed: string[] = [];
    const { rawKey, rawValue } = splitLine(line);
    const key = unescape(rawKey, (escape) => malformed.push(escape));
    const value = unescape(rawValue, (escape) => malformed.push(escape));
    return { key, value, lineNumber, malformed };
  });
}

/** The entries in text order; a key given twice appears twice (the later one wins when loaded). */
export function parseProperties(text: string): Property[] {
  return parse(text).map(({ key, value }) => ({ key, value }));
}

/** Problems with a properties text, each pointing at `field` (one pointer: the text is one string). */
export function propertiesProblems(text: string, field: string): FieldError[] {
  const problems: FieldError[] = [];
  const add = (message: string) => problems.push({ field, message, code: 'E1000' });
  if (text.length > PROPERTY_LIMITS.whole) {
    add(`must be at most ${PROPERTY_LIMITS.whole} characters in all, got ${text.length}`);
  }
  for (const { key, value, lineNumber, malformed } of parse(text)) {
    if (key.length > PROPERTY_LIMITS.name) {
      add(`line ${lineNumber}: property name "${key.slice(0, 40)}…" is longer than ${PROPERTY_LIMITS.name} characters (${key.length})`);
    }
    if (value.length > PROPERTY_LIMITS.value) {
      add(`line ${lineNumber}: value of property "${key.slice(0, 200)}" is longer than ${PROPERTY_LIMITS.value} characters (${value.length})`);
    }
    for (const escape of malformed) {
      add(`line ${lineNumber}: malformed escape "${escape}": \\u must be followed by four hexadecimal digits`);
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

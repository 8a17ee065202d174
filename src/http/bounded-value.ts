/**
 * What an error may echo of the value it refuses. Echoing the whole value made a 1 MB string a
 * 1 MB error body, and a body nested 5 000 deep could not be serialized at all (a 500 instead
 * of the ErrorMessage), so a scalar is echoed as it is, a long string as its start, and an
 * object or array as the start of its JSON, written by a walk that stops at the limit.
 */
export const MAX_ECHOED_CHARS = 200;

export function boundedInvalidValue(value: unknown): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length <= MAX_ECHOED_CHARS ? value : `${value.slice(0, MAX_ECHOED_CHARS)}…`;
  if (typeof value !== 'object') return undefined;
  return excerptOf(value);
}

type Token = { text: string } | { value: unknown };

/** The start of `JSON.stringify(value)`, at most MAX_ECHOED_CHARS long, never deeper than needed. */
function excerptOf(root: object): string {
  let out = '';
  // A stack of what remains to write, consumed left to right: iterative, so depth costs no stack.
  const pending: Token[] = [{ value: root }];
  while (pending.length > 0 && out.length <= MAX_ECHOED_CHARS) {
    const next = pending.pop()!;
    if ('text' in next) { out += next.text; continue; }
    const { value } = next;
    if (value === null || typeof value !== 'object') {
      out += JSON.stringify(value) ?? 'null';
      continue;
    }
    const isArray = Array.isArray(value);
    const keys = isArray ? null : Object.keys(value);
    const count = isArray ? (value as unknown[]).length : keys!.length;
    const parts: Token[] = [{ text: isArray ? '[' : '{' }];
    // Past the limit the rest is never written, so it is not queued either.
    for (let i = 0; i < count && parts.length <= MAX_ECHOED_CHARS; i++) {
      if (i > 0) parts.push({ text: ',' });
      if (keys) parts.push({ text: `${JSON.stringify(keys[i])}:` });
      parts.push({ value: keys ? (value as Record<string, unknown>)[keys[i]] : (value as unknown[])[i] });
    }
    parts.push({ text: isArray ? ']' : '}' });
    for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]);
  }
  return out.length <= MAX_ECHOED_CHARS ? out : `${out.slice(0, MAX_ECHOED_CHARS)}…`;
}

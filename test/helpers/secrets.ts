import assert from 'node:assert/strict';

/**
 * The secrets a test file has handed to or received from a server: the JWT secret and other
 * tokens in its environment, the bearer tokens it sent, access key secrets, webhook secrets and
 * tokens it was answered, and database passwords. `assertNoSecretsIn` fails when any of them, or
 * anything shaped like a JWT or an access key secret line, appears in a server's output.
 *
 * One set per test process: `node --test` runs each file in its own process, so a file's servers
 * are checked against what that file used.
 */
const remembered = new Set<string>();

/** Short values (a role name, `bearer`) would match by chance; every real secret here is longer. */
const SHORTEST_SECRET = 12;

/** Keys whose string values are secrets in request and response bodies. */
const SECRET_KEYS = /^(secret|accessKeySecret|access_token|refresh_token|token|password|clientSecret)$/i;

/** Shapes that are secrets wherever they appear, remembered or not. */
const SECRET_SHAPES: Array<{ what: string; pattern: RegExp }> = [
  { what: 'a JWT', pattern: /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/ },
  { what: 'an access key secret line', pattern: /access\.key\.secret\s*[=:]\s*\S{8,}/ },
  { what: 'a webhook signing secret', pattern: /whsec_[A-Za-z0-9+/=]{16,}/ },
];

export function rememberSecret<T extends string | undefined | null>(value: T): T {
  if (typeof value === 'string' && value.length >= SHORTEST_SECRET) remembered.add(value);
  return value;
}

/** The password of a `postgres://user:password@host/db` URL, when it has one. */
export function rememberDatabasePassword(url: string | undefined): void {
  if (!url) return;
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) remembered.add(password);
  } catch {
    // Not a URL: nothing to take from it.
  }
}

/** Walks a JSON value and remembers the secrets it carries (by key, and access key secret lines in text). */
export function rememberSecretsIn(value: unknown, key = ''): void {
  if (typeof value === 'string') {
    if (SECRET_KEYS.test(key)) rememberSecret(value);
    for (const match of value.matchAll(/access\.key\.secret\s*=\s*(\S+)/g)) rememberSecret(match[1]);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) rememberSecretsIn(item, key);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [name, inner] of Object.entries(value)) rememberSecretsIn(inner, name);
  }
}

/** What in `text` is a secret: a description per leak, never the secret itself. */
export function secretsIn(text: string): string[] {
  const leaks: string[] = [];
  for (const secret of remembered) {
    const at = text.indexOf(secret);
    if (at >= 0) leaks.push(`a remembered secret (${secret.length} characters, starting ${JSON.stringify(secret.slice(0, 4))}) at offset ${at}`);
  }
  for (const { what, pattern } of SECRET_SHAPES) {
    const match = pattern.exec(text);
    if (match) leaks.push(`${what} at offset ${match.index}`);
  }
  return leaks;
}

export function assertNoSecretsIn(text: string, where: string): void {
  const leaks = secretsIn(text);
  assert.deepEqual(leaks, [], `${where} holds secrets:\n  ${leaks.join('\n  ')}`);
}

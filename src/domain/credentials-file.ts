import { parseProperties } from './java-properties.js';

/**
 * The `credentials.properties` file of a HERE app, as the platform hands it out and HERE SDKs
 * and the OLP CLI read it: Java properties with these keys.
 */
export interface Credentials {
  userId: string;
  clientId: string;
  accessKeyId: string;
  accessKeySecret: string;
  tokenEndpointUrl: string;
  /** `here.token.scope`: a project HRN to ask tokens for (optional). */
  scope?: string;
}

const KEYS = {
  userId: 'here.user.id',
  clientId: 'here.client.id',
  accessKeyId: 'here.access.key.id',
  accessKeySecret: 'here.access.key.secret',
  tokenEndpointUrl: 'here.token.endpoint.url',
  scope: 'here.token.scope',
} as const;

export function formatCredentials(credentials: Credentials): string {
  const lines = (Object.keys(KEYS) as (keyof Credentials)[])
    .filter((field) => credentials[field] !== undefined)
    .map((field) => `${KEYS[field]} = ${credentials[field]}`);
  return `${lines.join('\n')}\n`;
}

/** The credentials in a file's text, or the first key it lacks. */
export function parseCredentials(text: string): { ok: true; credentials: Credentials } | { ok: false; missing: string } {
  const values = new Map(parseProperties(text).map((p) => [p.key, p.value.trim()]));
  const out: Partial<Record<keyof Credentials, string>> = {};
  for (const [field, key] of Object.entries(KEYS) as [keyof Credentials, string][]) {
    const value = values.get(key);
    if (value) out[field] = value;
    else if (field !== 'scope' && field !== 'userId' && field !== 'clientId') return { ok: false, missing: key };
  }
  return { ok: true, credentials: out as Credentials };
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { percentEncode, signatureBaseString, type SignedRequest } from './oauth-base-string.js';

export { normalizedBaseUri, percentEncode, signatureBaseString, type SignedRequest } from './oauth-base-string.js';

/**
 * OAuth 1.0a request signatures (RFC 5849 §3.4), HMAC-SHA256 only: how HERE clients sign the
 * client-credentials token request with their access key. Pure: the caller supplies the
 * request's parts and the key's secret.
 */

export type AuthorizationParse = { ok: true; params: Map<string, string> } | { ok: false; reason: string };

/** The parameters of an `Authorization: OAuth k="v", …` header (the realm parameter is not signed). */
export function parseOAuthHeader(header: string | undefined): AuthorizationParse {
  if (!header) return { ok: false, reason: 'The request has no Authorization header: sign it with OAuth 1.0a (HMAC-SHA256).' };
  const match = /^OAuth\s+(.*)$/is.exec(header.trim());
  if (!match) return { ok: false, reason: 'The Authorization header must be "OAuth <parameters>" (OAuth 1.0a, HMAC-SHA256).' };
  const params = new Map<string, string>();
  for (const part of match[1].split(',')) {
    if (part.trim() === '') continue;
    const pair = /^\s*([A-Za-z0-9_.~%-]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!pair) return { ok: false, reason: 'The OAuth Authorization header is malformed: each parameter must be name="value".' };
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(pair[1]);
      value = decodeURIComponent(pair[2]);
    } catch {
      return { ok: false, reason: 'The OAuth Authorization header has a badly percent-encoded value.' };
    }
    if (params.has(name)) return { ok: false, reason: `The OAuth parameter ${name} is given twice.` };
    if (name !== 'realm') params.set(name, value);
  }
  return { ok: true, params };
}

/** HMAC-SHA256 over the base string with `secret&` (client credentials have no token secret). */
export function hmacSha256Signature(request: SignedRequest, consumerSecret: string): string {
  return createHmac('sha256', `${percentEncode(consumerSecret)}&`).update(signatureBaseString(request)).digest('base64');
}

/** Constant-time comparison of the signature sent with the one computed. */
export function signatureMatches(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether a request's `oauth_timestamp` (epoch seconds) is within `windowSeconds` of now. */
export function timestampFresh(timestamp: string, now: Date, windowSeconds: number): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) - now.getTime() / 1000) <= windowSeconds;
}

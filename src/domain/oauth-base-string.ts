/**
 * The parts of an OAuth 1.0a signature (RFC 5849 §3.4) that need no crypto library: shared by the
 * service and the CLI (through oauth-signature.ts, node:crypto) and by the web console, which
 * signs with the browser's WebCrypto. Keep this file free of Node imports.
 */

/** RFC 3986 percent-encoding as OAuth requires: only unreserved characters stay as they are. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface SignedRequest {
  method: string;
  /** Scheme, host (port only when not the default) and path, without query: RFC 5849 §3.4.1.2. */
  baseUri: string;
  /** The OAuth parameters without oauth_signature, plus query and form-encoded body parameters. */
  params: [string, string][];
}

/** The signature base string: method, URI and the sorted, encoded parameters. */
export function signatureBaseString(request: SignedRequest): string {
  const encoded = request.params.map(([k, v]) => [percentEncode(k), percentEncode(v)] as const);
  encoded.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = encoded.map(([k, v]) => `${k}=${v}`).join('&');
  return [request.method.toUpperCase(), percentEncode(request.baseUri), percentEncode(normalized)].join('&');
}

/**
 * The base URI a client signed, from how the request reached us: lower-case scheme and host,
 * the port only when it is not the scheme's default (RFC 5849 §3.4.1.2).
 */
export function normalizedBaseUri(base: string, path: string): string {
  const url = new URL(base.replace(/\/$/, '') + path);
  const defaultPort = (url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443');
  const host = url.hostname.toLowerCase() + (url.port && !defaultPort ? `:${url.port}` : '');
  return `${url.protocol.toLowerCase()}//${host}${url.pathname}`;
}


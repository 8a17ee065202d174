import { parseCredentials } from '../../src/domain/credentials-file.js';
import { normalizedBaseUri, percentEncode, signatureBaseString } from '../../src/domain/oauth-base-string.js';
import { ApiFailure } from './api.js';

/**
 * Sign in with an app's `credentials.properties`, exchanged at this service's `POST /oauth2/token`
 * exactly as the CLI and HERE's SDKs do (OAuth 1.0a, HMAC-SHA256), signed here with WebCrypto.
 * The secret never leaves the browser: only the signature is sent. The exchange always goes to
 * the console's own origin (the content security policy allows no other); a file naming another
 * token endpoint is refused, since its key would not be known here.
 */
export async function tokenFromCredentials(text: string): Promise<string> {
  const parsed = parseCredentials(text);
  if (!parsed.ok) throw refusal(`The credentials file has no ${parsed.missing}: use the credentials.properties an app's access key was created with.`);
  const { accessKeyId, accessKeySecret, tokenEndpointUrl, scope } = parsed.credentials;
  let endpoint: URL;
  try {
    endpoint = new URL(tokenEndpointUrl);
  } catch {
    throw refusal(`here.token.endpoint.url is not a URL: ${tokenEndpointUrl.slice(0, 200)}`);
  }
  const target = new URL('/oauth2/token', location.origin);
  if (endpoint.pathname !== target.pathname || !sameService(endpoint, target)) {
    throw refusal(`These credentials are for ${endpoint.href}; this console exchanges credentials only with its own service, ${target.href}.`);
  }
  const form: [string, string][] = [['grant_type', 'client_credentials']];
  if (scope) form.push(['scope', scope]);
  const oauth: [string, string][] = [
    ['oauth_consumer_key', accessKeyId],
    ['oauth_nonce', randomHex(16)],
    ['oauth_signature_method', 'HMAC-SHA256'],
    ['oauth_timestamp', String(Math.floor(Date.now() / 1000))],
    ['oauth_version', '1.0'],
  ];
  const base = signatureBaseString({ method: 'POST', baseUri: normalizedBaseUri(location.origin, target.pathname), params: [...oauth, ...form] });
  const signature = await hmacSha256Base64(`${percentEncode(accessKeySecret)}&`, base);
  const header = 'OAuth ' + [...oauth, ['oauth_signature', signature]].map(([k, v]) => `${k}="${percentEncode(v)}"`).join(',');
  const response = await fetch(target, {
    method: 'POST',
    headers: { authorization: header, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    cache: 'no-store',
  });
  const body = await response.text();
  if (!response.ok) {
    try {
      const error = JSON.parse(body) as ApiFailure['body'];
      if (typeof error.message === 'string') throw new ApiFailure(error);
    } catch (failure) {
      if (failure instanceof ApiFailure) throw failure;
    }
    throw refusal(`The token endpoint answered ${response.status}.`);
  }
  return (JSON.parse(body) as { access_token: string }).access_token;
}

/** 127.0.0.1 and localhost name the same service to a person; the port and scheme must match. */
function sameService(a: URL, b: URL): boolean {
  const local = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
  const hostsMatch = a.hostname === b.hostname || (local(a.hostname) && local(b.hostname));
  return a.protocol === b.protocol && a.port === b.port && hostsMatch;
}

function refusal(message: string): ApiFailure {
  return new ApiFailure({ status: 0, code: 'credentials', message });
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function hmacSha256Base64(key: string, data: string): Promise<string> {
  const encoder = new TextEncoder();
  const cryptoKey = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(data)));
  return btoa(String.fromCharCode(...signature));
}

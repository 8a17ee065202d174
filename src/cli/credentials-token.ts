import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseCredentials, type Credentials } from '../domain/credentials-file.js';
import { hmacSha256Signature, normalizedBaseUri, percentEncode } from '../domain/oauth-signature.js';
import { ApiFailure, CommandFailure, UsageError, type ErrorBody } from './errors.js';

/** A token is renewed when it has less than this left, so a request never leaves with a dying one. */
const RENEW_BEFORE_MS = 5 * 60_000;

export async function readCredentialsFile(file: string): Promise<Credentials> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the credentials file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const parsed = parseCredentials(text);
  if (!parsed.ok) throw new UsageError(`the credentials file ${file} has no ${parsed.missing}`);
  return parsed.credentials;
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/**
 * Tokens got with a credentials file, kept in the config folder (mode 0600) per access key, so
 * that consecutive commands do not each ask for one; renewed when close to expiring.
 */
export class CredentialsTokens {
  private current?: CachedToken;

  constructor(private readonly credentials: Credentials, private readonly cacheDir: string) {}

  private get cacheFile(): string {
    const name = createHash('sha256').update(`${this.credentials.tokenEndpointUrl}\n${this.credentials.accessKeyId}\n${this.credentials.scope ?? ''}`).digest('hex').slice(0, 32);
    return path.join(this.cacheDir, 'tokens', `${name}.json`);
  }

  async token(): Promise<string> {
    const fresh = (t: CachedToken | undefined) => t && t.expiresAt - Date.now() > RENEW_BEFORE_MS;
    if (fresh(this.current)) return this.current!.accessToken;
    const stored = await fs.readFile(this.cacheFile, 'utf8').then((t) => JSON.parse(t) as CachedToken, () => undefined);
    if (fresh(stored)) {
      this.current = stored;
      return stored!.accessToken;
    }
    this.current = await requestToken(this.credentials);
    await fs.mkdir(path.dirname(this.cacheFile), { recursive: true, mode: 0o700 });
    await fs.writeFile(this.cacheFile, JSON.stringify(this.current), { mode: 0o600 });
    return this.current.accessToken;
  }
}

/** `POST here.token.endpoint.url` with `grant_type=client_credentials`, signed OAuth 1.0a HMAC-SHA256. */
export async function requestToken(credentials: Credentials): Promise<CachedToken> {
  const url = credentials.tokenEndpointUrl;
  const form: [string, string][] = [['grant_type', 'client_credentials']];
  if (credentials.scope) form.push(['scope', credentials.scope]);
  const oauth: [string, string][] = [
    ['oauth_consumer_key', credentials.accessKeyId],
    ['oauth_nonce', randomBytes(16).toString('hex')],
    ['oauth_signature_method', 'HMAC-SHA256'],
    ['oauth_timestamp', String(Math.floor(Date.now() / 1000))],
    ['oauth_version', '1.0'],
  ];
  const parsed = new URL(url);
  const query = [...parsed.searchParams.entries()];
  const signature = hmacSha256Signature({
    method: 'POST',
    baseUri: normalizedBaseUri(parsed.origin, parsed.pathname),
    params: [...oauth, ...form, ...query],
  }, credentials.accessKeySecret);
  const header = 'OAuth ' + [...oauth, ['oauth_signature', signature]].map(([k, v]) => `${k}="${percentEncode(v)}"`).join(',');
  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { authorization: header, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  } catch (error) {
    throw new CommandFailure(`cannot reach the token endpoint ${url}: ${(error as { cause?: { code?: string } }).cause?.code ?? String(error)}`);
  }
  const text = await response.text();
  let body: Record<string, unknown> | undefined;
  try { body = JSON.parse(text) as Record<string, unknown>; } catch { body = undefined; }
  if (!response.ok || typeof body?.access_token !== 'string') {
    throw new ApiFailure(response.status, body as ErrorBody | undefined, text, `POST ${url}`);
  }
  const seconds = typeof body.expires_in === 'number' ? body.expires_in : 3600;
  return { accessToken: body.access_token, expiresAt: started + seconds * 1000 };
}

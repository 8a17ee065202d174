import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.js';
import { ApiError, ErrorCodes, unauthorized } from '../domain/errors.js';
import type { Principal } from './principal.js';

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

const SECRET_FILE = 'jwt-secret';

/**
 * The HS256 secret: the configured one, or on the embedded default one generated once into the
 * data folder (mode 0600) so that `sluice token` and the server agree without any set-up.
 */
export async function resolveSecret(config: Config, options: { onCreated?: (file: string) => void } = {}): Promise<Uint8Array> {
  if (config.jwtSecret) return new TextEncoder().encode(config.jwtSecret);
  if (config.databaseUrl) {
    throw new Error('With DATABASE_URL set, configure SLUICE_JWT_SECRET or SLUICE_JWKS_URL: replicas must share it.');
  }
  const file = path.join(config.dataDir, SECRET_FILE);
  await fs.mkdir(config.dataDir, { recursive: true });
  try {
    return new TextEncoder().encode((await fs.readFile(file, 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('base64url');
  try {
    await fs.writeFile(file, secret, { mode: 0o600, flag: 'wx' });
    options.onCreated?.(file);
    return new TextEncoder().encode(secret);
  } catch (error) {
    // Another process generated it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return new TextEncoder().encode((await fs.readFile(file, 'utf8')).trim());
  }
}

function principalFrom(payload: JWTPayload): Principal {
  const { sub, realm, roles, scope } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') throw unauthorized('The token has no subject (sub).');
  if (typeof realm !== 'string' || realm === '') throw unauthorized('The token has no realm claim.');
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) {
    throw unauthorized('The token\'s roles claim must be an array of strings.');
  }
  if (scope !== undefined && (typeof scope !== 'string' || !scope.startsWith('hrn:'))) {
    throw unauthorized('The token\'s scope claim must be a project HRN.');
  }
  const client = (payload as Record<string, unknown>).client_id ?? payload.azp;
  const accessKey = (payload as Record<string, unknown>)[ACCESS_KEY_CLAIM];
  return {
    userId: sub,
    realm,
    roles: (roles as string[] | undefined) ?? [],
    scope: scope as string | undefined,
    clientId: typeof client === 'string' ? client : undefined,
    accessKeyId: typeof accessKey === 'string' ? accessKey : undefined,
  };
}

export async function createVerifier(config: Config): Promise<TokenVerifier> {
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (config.jwksUrl) {
    key = createRemoteJWKSet(new URL(config.jwksUrl));
    algorithms = ['RS256', 'ES256'];
  } else {
    key = await resolveSecret(config);
    algorithms = ['HS256'];
  }
  const cache = new VerifiedTokens();
  return {
    async verify(token) {
      const known = cache.get(token);
      if (known) return known;
      let payload: JWTPayload;
      try {
        const verified = await jwtVerify(token, key as Uint8Array, { algorithms, requiredClaims: ['exp'] });
        payload = verified.payload;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (config.jwksUrl && keySetUnavailable(error)) {
          // Not the caller's fault: saying 401 would send clients to fetch a new token that fails the same way.
          throw new ApiError(503, ErrorCodes.serviceUnavailable, `The token could not be checked: the key set (SLUICE_JWKS_URL) could not be fetched (${code ?? (error as Error).message}). Try again later.`);
        }
        throw unauthorized(
          code === 'ERR_JWT_EXPIRED' ? 'The token has expired.'
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? `The token is not acceptable: ${(error as Error).message}.`
          : code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? signatureMismatch(config)
          : 'The token is not valid.',
        );
      }
      const principal = principalFrom(payload);
      cache.set(token, principal, payload.exp! * 1000);
      return principal;
    },
  };
}

/**
 * The usual cause on the embedded default: `sluice token` run in another folder (or with another
 * SLUICE_DATA_DIR) made a secret of its own. Saying so spares the user a generic 401.
 */
function signatureMismatch(config: Config): string {
  if (config.jwksUrl) return 'The token\'s signature matches no key of this server\'s key set (SLUICE_JWKS_URL).';
  const where = config.jwtSecret ? 'SLUICE_JWT_SECRET' : `the secret in ${config.dataDir}`;
  return `The token's signature does not match this server's secret (${where}): it was signed with another one. `
    + '`sluice token` makes a new secret when run with another SLUICE_DATA_DIR (or from another folder): run the token command this server printed at start.';
}

/**
 * The key set could not be had (unreachable, timed out, not a 200 with a key set), as opposed to a
 * token that does not verify against it. jose raises JOSEErrors with ERR_JW* codes for the latter;
 * a failed fetch is a plain TypeError.
 */
function keySetUnavailable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JWKS_INVALID' || code === 'ERR_JOSE_GENERIC') return true;
  return code === undefined || !code.startsWith('ERR_J');
}

/**
 * Tokens already verified, until they expire. A client sends the same token with every request
 * and verification (key import plus HMAC or signature check through WebCrypto) cost ≈ 140 µs of
 * CPU per request, four times a whole bare Fastify request (npm run bench -- api-cost). Bounded,
 * oldest first out; a token is only ever cached after it verified, and never past its `exp`.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(private readonly capacity = 10_000) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  set(token: string, principal: Principal, expiresAt: number): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { principal, expiresAt });
  }
}

export interface TokenRequest {
  subject: string;
  realm: string;
  roles?: string[];
  scope?: string;
  /** A duration (`12h`) or a number of seconds. */
  expiresIn?: string | number;
  /** The app (client_id) and access key (ACCESS_KEY_CLAIM) of a token from `POST /oauth2/token`. */
  clientId?: string;
  accessKeyId?: string;
}

/** The claim naming the access key a token was issued to. */
export const ACCESS_KEY_CLAIM = 'access_key_id';

/** Signs an HS256 token, for `sluice token` and for tests. */
export async function signToken(secret: Uint8Array, request: TokenRequest): Promise<string> {
  const claims: Record<string, unknown> = { realm: request.realm, roles: request.roles ?? [] };
  if (request.scope) claims.scope = request.scope;
  if (request.clientId) claims.client_id = request.clientId;
  if (request.accessKeyId) claims[ACCESS_KEY_CLAIM] = request.accessKeyId;
  const expiresIn = request.expiresIn ?? '12h';
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(request.subject)
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn)
    .sign(secret);
}

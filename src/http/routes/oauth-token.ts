import { Type } from '@sinclair/typebox';
import { ErrorCodes, ApiError, fieldError, unauthorized } from '../../domain/errors.js';
import {
  hmacSha256Signature, normalizedBaseUri, parseOAuthHeader, signatureMatches, timestampFresh,
} from '../../domain/oauth-signature.js';
import type { Services } from '../../services.js';
import { findKeyWithApp, touchKey, useNonce } from '../../store/apps.js';
import { baseUrlOf } from '../base-url.js';
import { errors } from '../schemas/common.js';
import type { TypedApp } from './types.js';

/** How far a request's oauth_timestamp may be from the service's clock (either way). */
export const TIMESTAMP_WINDOW_SECONDS = 300;
/** A token's lifetime when the request names none: HERE's tokens last a day less a second. */
export const DEFAULT_TOKEN_SECONDS = 86_399;
export const MAX_TOKEN_SECONDS = 86_400;

const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer(),
  scope: Type.Optional(Type.String()),
});

interface TokenBody {
  grantType?: string;
  expiresIn?: string | number;
  scope?: string;
  /** Parameters that are part of the signature: a form-encoded body's. */
  signed: [string, string][];
  /** Field names as the client wrote them (for error pointers). */
  names: { grantType: string; expiresIn: string };
}

/**
 * `POST /oauth2/token`: the client-credentials grant signed with OAuth 1.0a HMAC-SHA256, as HERE
 * account tokens are requested. The body is `grant_type=client_credentials` form-encoded (its
 * parameters are signed) or JSON `{"grantType": "client_credentials"}` (not signed, as OAuth 1.0a
 * signs only form bodies). Every refusal about the credentials is a 401 ErrorMessage.
 */
export async function oauthTokenRoutes(app: TypedApp, services: Services): Promise<void> {
  // Form bodies only here: registered in this plugin's scope, other routes still answer 415.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => {
    done(null, new URLSearchParams(body.toString()));
  });
  app.post('/oauth2/token', {
    schema: { tags: ['Apps'], summary: 'Get a token with an app\'s access key (OAuth 1.0a HMAC-SHA256 signed client credentials)', response: { 200: TokenResponse, ...errors(400) } },
  }, async (request) => {
    const body = readBody(request.body);
    if (body.grantType !== 'client_credentials') {
      throw fieldError(`/${body.names.grantType}`, 'must be client_credentials', body.grantType);
    }
    const expiresIn = lifetime(body);
    const issuer = services.tokenIssuer;
    if (!issuer) throw new ApiError(400, ErrorCodes.badRequest, 'Sluice issues no tokens when SLUICE_JWKS_URL is set: get them from the identity provider.');
    const oauth = parseOAuthHeader(request.headers.authorization);
    if (!oauth.ok) throw unauthorized(oauth.reason);
    const p = oauth.params;
    for (const name of ['oauth_consumer_key', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method', 'oauth_timestamp']) {
      if (!p.get(name)) throw unauthorized(`The OAuth Authorization header has no ${name}.`);
    }
    if (p.get('oauth_signature_method') !== 'HMAC-SHA256') throw unauthorized('The signature method must be HMAC-SHA256.');
    if (p.has('oauth_version') && p.get('oauth_version') !== '1.0') throw unauthorized('oauth_version must be 1.0.');
    const now = services.now();
    if (!timestampFresh(p.get('oauth_timestamp')!, now, TIMESTAMP_WINDOW_SECONDS)) {
      throw unauthorized(`The request's oauth_timestamp is more than ${TIMESTAMP_WINDOW_SECONDS} s from the service's clock (${Math.floor(now.getTime() / 1000)}): sign a new request.`);
    }
    const keyId = p.get('oauth_consumer_key')!;
    const found = await findKeyWithApp(services.db, keyId);
    // Unknown and disabled keys and bad signatures answer alike but for the word: nothing to probe.
    if (!found) throw unauthorized('The access key is not valid.');
    const params: [string, string][] = [...p.entries()].filter(([k]) => k !== 'oauth_signature');
    for (const [k, v] of new URL(request.url, 'http://x').searchParams) params.push([k, v]);
    params.push(...body.signed);
    const expected = hmacSha256Signature({
      method: request.method,
      baseUri: normalizedBaseUri(baseUrlOf(services, request), request.url.split('?')[0]),
      params,
    }, issuer.secrets.secretOf(found.key.id, found.key.salt));
    if (!signatureMatches(p.get('oauth_signature')!, expected)) throw unauthorized('The request\'s signature does not match: sign it with the access key secret, over this URL.');
    if (!found.key.enabled) throw unauthorized('The access key is disabled.');
    checkScope(body.scope, found.app.realm);
    const expires = new Date((Number(p.get('oauth_timestamp')) + TIMESTAMP_WINDOW_SECONDS) * 1000);
    if (!(await useNonce(services.db, keyId, p.get('oauth_nonce')!, expires, now))) {
      throw unauthorized('This oauth_nonce was already used with this key: sign each request anew.');
    }
    await touchKey(services.db, keyId, now);
    const token = await issuer.issue({
      subject: found.app.userId,
      realm: found.app.realm,
      roles: found.app.roles,
      scope: body.scope,
      clientId: found.app.id,
      accessKeyId: keyId,
      expiresIn,
    });
    return { access_token: token, token_type: 'bearer' as const, expires_in: expiresIn, ...(body.scope ? { scope: body.scope } : {}) };
  });
}

function readBody(body: unknown): TokenBody {
  if (body instanceof URLSearchParams) {
    return {
      grantType: body.get('grant_type') ?? undefined,
      expiresIn: body.get('expires_in') ?? undefined,
      scope: body.get('scope') ?? undefined,
      signed: [...body.entries()],
      names: { grantType: 'grant_type', expiresIn: 'expires_in' },
    };
  }
  const json = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    grantType: text(json.grantType),
    expiresIn: json.expiresIn as string | number | undefined,
    scope: text(json.scope),
    signed: [],
    names: { grantType: 'grantType', expiresIn: 'expiresIn' },
  };
}

function lifetime(body: TokenBody): number {
  if (body.expiresIn === undefined) return DEFAULT_TOKEN_SECONDS;
  const value = typeof body.expiresIn === 'number' ? body.expiresIn : /^\d{1,6}$/.test(body.expiresIn) ? Number(body.expiresIn) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_TOKEN_SECONDS) {
    throw fieldError(`/${body.names.expiresIn}`, `must be a whole number of seconds from 1 to ${MAX_TOKEN_SECONDS}`, body.expiresIn);
  }
  return value;
}

const PROJECT_HRN = /^hrn:[a-z-]+:authorization::([^:\s]+):project\/[A-Za-z0-9-]{1,64}$/;

/** A requested scope must be a project of the app's realm. */
function checkScope(scope: string | undefined, realm: string): void {
  if (scope === undefined) return;
  const match = PROJECT_HRN.exec(scope);
  if (!match) throw fieldError('/scope', 'must be a project HRN (hrn:here:authorization::<realm>:project/<id>)', scope);
  if (match[1] !== realm) throw fieldError('/scope', `must be a project of the app's realm (${realm})`, scope);
}

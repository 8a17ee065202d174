import type { Config } from '../config.js';
import { AccessKeySecrets } from './access-key-secrets.js';
import { resolveSecret, signToken, type TokenRequest } from './verifier.js';

/** What the token endpoint and app routes need: signing tokens the verifier accepts, and key secrets. */
export interface TokenIssuer {
  secrets: AccessKeySecrets;
  issue(request: TokenRequest): Promise<string>;
}

/**
 * Sluice issues tokens only when it verifies them with its own secret; with SLUICE_JWKS_URL
 * tokens come from the identity provider and there is no issuer (apps are then refused).
 */
export async function createTokenIssuer(config: Config): Promise<TokenIssuer | undefined> {
  if (config.jwksUrl) return undefined;
  const secret = await resolveSecret(config);
  return {
    secrets: new AccessKeySecrets(secret),
    issue: (request) => signToken(secret, request),
  };
}

import { createHmac, hkdfSync, randomBytes, randomInt } from 'node:crypto';

/**
 * Access key secrets are never stored, not even encrypted. OAuth 1.0a's HMAC-SHA256 signature
 * needs the verifier to hold the same secret as the client, so a one-way hash of it (as for
 * passwords) could not check a signature. Instead each secret is derived, when a key is made and
 * again when a request is checked, from the key's id, its random salt (stored) and a key derived
 * with HKDF from the service's token secret: a copy of the database gives no secret away. Changing
 * SLUICE_JWT_SECRET therefore invalidates every access key, as it does every token.
 */
export class AccessKeySecrets {
  private readonly derivationKey: Buffer;

  constructor(serviceSecret: Uint8Array) {
    this.derivationKey = Buffer.from(hkdfSync('sha256', serviceSecret, Buffer.alloc(0), 'sluice access key secrets v1', 32));
  }

  /** 86 characters of base64url, the length of HERE's access key secrets. */
  secretOf(keyId: string, salt: string): string {
    return createHmac('sha512', this.derivationKey).update(`${keyId}\n${salt}`).digest('base64url');
  }
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random identifier in the shape of HERE's client and access key ids (20 letters and digits). */
export function newIdentifier(length = 20): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

export const newSalt = () => randomBytes(24).toString('base64url');

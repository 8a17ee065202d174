import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { unauthorized } from '../../domain/errors.js';
import { errors } from '../schemas/common.js';
import type { TypedApp } from '../routes/types.js';
import { CONSOLE_PATH } from './paths.js';

export interface SignInOptions {
  /** How long a code stays good. */
  ttlMs: number;
  /** The token a spent code is exchanged for (the embedded default's local administrator). */
  issueToken(): Promise<{ token: string; expiresAt: Date }>;
  now?: () => number;
}

const hashOf = (code: string) => createHash('sha256').update(code).digest();

/**
 * One-time sign-in codes for the console's sign-in link (as Jupyter prints one). A code is 256
 * random bits, good once and for `ttlMs`; only its hash is kept, compared in constant time, so
 * neither a heap dump nor timing tells a live code. It stands for a token only until it is used:
 * the printed link carries the code, never a token, so a terminal or log that keeps the line
 * keeps nothing usable once the code is spent or stale.
 */
export class SignInCodes {
  private readonly live = new Map<string, { hash: Buffer; expiresAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: SignInOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A new code, good once until `ttlMs` from now. */
  issue(): string {
    this.forgetExpired();
    const code = randomBytes(32).toString('base64url');
    const hash = hashOf(code);
    this.live.set(hash.toString('hex'), { hash, expiresAt: this.now() + this.options.ttlMs });
    return code;
  }

  /** Spends the code: its token, or undefined when it is unknown, used or expired. */
  async exchange(code: string): Promise<{ token: string; expiresAt: Date } | undefined> {
    this.forgetExpired();
    const hash = hashOf(code);
    for (const [key, entry] of this.live) {
      if (!timingSafeEqual(entry.hash, hash)) continue;
      this.live.delete(key);
      return this.options.issueToken();
    }
    return undefined;
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.live) if (entry.expiresAt <= now) this.live.delete(key);
  }
}

const Exchange = Type.Object({ code: Type.String({ minLength: 1, maxLength: 200 }) });

/**
 * `POST /console/sign-in {code}` → a token. The link puts the code in the URL's fragment, which
 * browsers never send to a server (no access log, proxy or Referer sees it); the console's page
 * reads it and posts it here. Without sign-in codes (not the embedded default) every code is refused.
 */
export function signInRoutes(app: TypedApp, codes: SignInCodes | undefined): void {
  app.post(`${CONSOLE_PATH}/sign-in`, {
    schema: {
      tags: ['Console'], summary: 'Exchange a one-time sign-in code (the link `npm start` prints) for a token',
      body: Exchange,
      response: { 200: Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }), ...errors(400) },
    },
  }, async (request, reply) => {
    const issued = await codes?.exchange(request.body.code);
    if (!issued) {
      throw unauthorized('This sign-in link was already used or has expired. Restart the service for a new one, or paste a token (npx sluice token).');
    }
    reply.header('cache-control', 'no-store');
    return { token: issued.token, expiresAt: issued.expiresAt.toISOString() };
  });
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/verifier.js';
import { unauthorized } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principalOrNull: Principal | null;
  }
}

/** The verified caller of a `/v2` (or `/sluice`) route; routes behind the hook always have one. */
export function principal(request: FastifyRequest): Principal {
  if (!request.principalOrNull) throw unauthorized('Authentication is required.');
  return request.principalOrNull;
}

const PROTECTED = /^\/(v2|sluice)(\/|$|\?)/;

/** Whether an access key is (still) enabled; tokens issued to a disabled or deleted key are refused. */
export type KeyCheck = (accessKeyId: string) => Promise<boolean>;

/** Every `/v2` route needs `Authorization: Bearer <JWT>`; the token itself is never logged. */
export function registerAuth(app: FastifyInstance, verifier: TokenVerifier, keyEnabled: KeyCheck): void {
  app.decorateRequest('principalOrNull', null);
  app.addHook('onRequest', async (request) => {
    // The matched route's pattern decides, not the raw target: an absolute-form request line
    // (`GET http://host/v2/pipelines`) routes like `/v2/pipelines` but its url starts with `http:`.
    if (!PROTECTED.test(request.routeOptions.url ?? request.url)) return;
    const header = request.headers.authorization;
    if (!header) throw unauthorized('Authentication is required: send Authorization: Bearer <token>.');
    const match = /^Bearer\s+([A-Za-z0-9_.~+/=-]+)\s*$/i.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <token>".');
    const caller = await verifier.verify(match[1]);
    // Checked per request, not cached with the token: a key disabled now refuses its next request.
    if (caller.accessKeyId && !(await keyEnabled(caller.accessKeyId))) {
      throw unauthorized('The access key this token was issued to is disabled or deleted.');
    }
    request.principalOrNull = caller;
  });
}

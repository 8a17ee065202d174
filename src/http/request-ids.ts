import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Ids are echoed into response headers and logs, so only plain tokens are taken as sent
 * (UUIDs, ULIDs, `svc:1234`…); anything else (spaces, quotes, a repeated header joined by ", ")
 * is replaced by a fresh UUID rather than reflected.
 */
const ID_PATTERN = /^[\w.:-]{1,200}$/;

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && ID_PATTERN.test(first) ? first : undefined;
}

/** Request id for Fastify's logger: the caller's X-Request-ID when it is sane, else a fresh UUID. */
export function requestIdOf(headers: Record<string, string | string[] | undefined>): string {
  return headerValue(headers['x-request-id']) ?? randomUUID();
}

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
  }
}

/**
 * Sets both id headers on a reply. Also used for the errors Fastify raises before any hook runs
 * (a malformed URL), which is why the correlation id is read again when no hook stored it.
 */
export function echoRequestIds(request: FastifyRequest, reply: FastifyReply): void {
  request.correlationId ||= headerValue(request.headers['x-correlation-id']) ?? randomUUID();
  reply.header('X-Request-ID', request.id);
  reply.header('X-Correlation-ID', request.correlationId);
}

/** Every response, errors included, echoes X-Request-ID and X-Correlation-ID. */
export function registerRequestIds(app: FastifyInstance): void {
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request) => {
    request.correlationId = headerValue(request.headers['x-correlation-id']) ?? randomUUID();
  });
  app.addHook('onSend', async (request, reply) => echoRequestIds(request, reply));
}

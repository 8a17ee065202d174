import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

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

/** Every response, errors included, echoes X-Request-ID and X-Correlation-ID. */
export function registerRequestIds(app: FastifyInstance): void {
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request) => {
    request.correlationId = headerValue(request.headers['x-correlation-id']) ?? randomUUID();
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-ID', request.id);
    reply.header('X-Correlation-ID', request.correlationId || randomUUID());
  });
}

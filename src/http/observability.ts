import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unauthorized } from '../domain/errors.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Readiness } from '../telemetry/readiness.js';

export interface Observability {
  /** Absent when SLUICE_METRICS=off: no /metrics route and no HTTP instrument. */
  metrics?: Metrics;
  /** SLUICE_METRICS_TOKEN: the bearer token /metrics wants, if any. */
  metricsToken?: string;
  readiness: Readiness;
}

/** Methods Node parses are a fixed list already; anything unusual is folded into one value. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counts and times every response by method, route template and status. The template is the
 * route as registered (`/v2/pipelines/:pipelineId`), never the path asked for; a request no
 * route matched is `unmatched`, so a scan of random paths adds no series.
 */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.observe({
      method: METHODS.has(request.method) ? request.method : 'other',
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    }, reply.elapsedTime / 1000);
  });
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** /metrics behind its own bearer token (not a JWT: scrapers hold a static secret). */
function metricsAuth(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    // Compared as digests, in constant time: the token's length does not leak either.
    if (!match || !timingSafeEqual(digest(match[1]), expected)) {
      throw unauthorized('GET /metrics needs Authorization: Bearer <SLUICE_METRICS_TOKEN>.');
    }
  };
}

/**
 * `/health` (the process answers, as always), `/health/live` (the same, by its Kubernetes
 * name), `/health/ready` (every readiness check, 503 when one fails) and `/metrics`.
 * None is under /v2 or /sluice, so none needs a JWT.
 */
export function registerObservabilityRoutes(app: FastifyInstance, observability: Observability): void {
  const hidden = { schema: { hide: true } };
  app.get('/health', hidden, async () => ({ status: 'ok' }));
  app.get('/health/live', hidden, async () => ({ status: 'ok' }));
  app.get('/health/ready', hidden, async (_request, reply) => {
    const report = await observability.readiness.report();
    return reply.status(report.status === 'ready' ? 200 : 503).send(report);
  });
  const { metrics, metricsToken } = observability;
  if (!metrics) return;
  app.get('/metrics', { ...hidden, preHandler: metricsToken ? metricsAuth(metricsToken) : undefined }, async (_request, reply) => {
    const { contentType, text } = await metrics.exposition();
    return reply.type(contentType).send(text);
  });
}

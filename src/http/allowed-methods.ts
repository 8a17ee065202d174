import type { FastifyInstance } from 'fastify';

interface RoutePattern {
  method: string;
  regex: RegExp;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/v2/pipelines/:pipelineId` → a regex over a request path (one segment per parameter). */
function patternOf(url: string): RegExp {
  const segments = url.split('/').map((segment) =>
    segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escape(segment));
  return new RegExp(`^${segments.join('/')}$`);
}

/**
 * Remembers every route as it is registered, so that a request that matched no route can be told
 * apart: a path that exists under another method is 405 with `Allow`, anything else is 404.
 * Fastify's router has no public "which methods does this path have" lookup, hence this list
 * (40-odd routes: a linear scan costs microseconds, and only on the error path).
 */
export function trackAllowedMethods(app: FastifyInstance): (path: string) => string[] {
  const routes: RoutePattern[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, regex: patternOf(route.url) });
  });
  return (path) => [...new Set(routes.filter((r) => r.regex.test(path)).map((r) => r.method))];
}

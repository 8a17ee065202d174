import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parameterError, notFound } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import { baseUrlOf } from '../base-url.js';
import { errors } from '../schemas/common.js';
import type { TypedApp } from './types.js';

/** One entry of the API Lookup service's answers. */
const Api = Type.Object({
  api: Type.String(),
  version: Type.String(),
  baseURL: Type.String({ description: 'Prefix of the API\'s paths as its specification writes them (here /v2/…)' }),
  parameters: Type.Record(Type.String(), Type.String()),
});

/**
 * The APIs Sluice serves. The hosted lookup names the Pipeline API `pipelines`; `pipeline` is
 * accepted too. The base URL is the service's own, to which the contract's `/v2/…` paths are added.
 */
const SERVED = [{ api: 'pipelines', aliases: ['pipelines', 'pipeline'], version: 'v2' }];

const HRN = /^hrn:[a-z-]+:[a-z-]+:[^:\s]*:[^:\s]*:\S+$/;
/** Answers may be cached by clients this long (the hosted service says so with Cache-Control too). */
const CACHE_SECONDS = 3600;

/**
 * A subset of the API Lookup service (`/lookup/v1`): HERE SDKs configured with Sluice's lookup
 * URL find the Pipeline API here. Open like `/health`: it tells only where this service is.
 */
export function apiLookupRoutes(app: TypedApp, services: Services): void {
  const entries = (request: FastifyRequest) =>
    SERVED.map(({ api, version }) => ({ api, version, baseURL: baseUrlOf(services, request), parameters: {} }));
  const one = (request: FastifyRequest, reply: FastifyReply, api: string, version: string) => {
    const served = SERVED.find((s) => s.aliases.includes(api) && s.version === version);
    if (!served) throw notFound('API', `${api} ${version}`);
    reply.header('cache-control', `max-age=${CACHE_SECONDS}`);
    return entries(request).filter((e) => e.api === served.api);
  };
  const checkHrn = (hrn: string) => {
    if (!HRN.test(hrn)) throw parameterError('path', 'hrn', 'must be an HRN (hrn:<partition>:<service>:<region>:<account>:<resource>)', hrn);
  };
  const ApiParams = Type.Object({ api: Type.String({ maxLength: 64 }), version: Type.String({ maxLength: 16 }) });
  const HrnParams = Type.Object({ hrn: Type.String({ maxLength: 500 }) });
  const list = { 200: Type.Array(Api), ...errors(400, 404) };
  const tags = ['API Lookup'];

  app.get('/lookup/v1/platform/apis', { schema: { tags, summary: 'The platform APIs this service serves', response: list } },
    async (request, reply) => {
      reply.header('cache-control', `max-age=${CACHE_SECONDS}`);
      return entries(request);
    });
  app.get('/lookup/v1/platform/apis/:api/:version', { schema: { tags, summary: 'One platform API', params: ApiParams, response: list } },
    async (request, reply) => one(request, reply, request.params.api, request.params.version));
  app.get('/lookup/v1/resources/:hrn/apis', { schema: { tags, summary: 'The APIs for a resource', params: HrnParams, response: list } },
    async (request, reply) => {
      checkHrn(request.params.hrn);
      reply.header('cache-control', `max-age=${CACHE_SECONDS}`);
      return entries(request);
    });
  app.get('/lookup/v1/resources/:hrn/apis/:api/:version', {
    schema: { tags, summary: 'One API for a resource', params: Type.Composite([HrnParams, ApiParams]), response: list },
  }, async (request, reply) => {
    checkHrn(request.params.hrn);
    return one(request, reply, request.params.api, request.params.version);
  });
}

import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import { listJobs } from '../../store/jobs.js';
import { principal } from '../auth-hook.js';
import { baseUrlOf } from '../base-url.js';
import { versionFromPath } from '../lookups.js';
import { presentJob } from '../present.js';
import { errors } from '../schemas/common.js';
import { Job } from '../schemas/operation.js';
import { VersionParams } from '../schemas/version.js';
import type { TypedApp } from './types.js';

export function jobRoutes(app: TypedApp, services: Services): void {
  app.get('/v2/pipelines/:pipelineId/versions/:versionId/jobs', {
    schema: { operationId: 'listPipelineVersionJobs', tags: ['Jobs'], params: VersionParams, response: { 200: Type.Array(Type.Ref(Job)), ...errors(404) } },
  }, async (request) => {
    const { version } = await versionFromPath(services, principal(request), request.params, { cached: true });
    const base = baseUrlOf(services, request);
    return (await listJobs(services.db, version.id)).map((row) => presentJob(row, services.config.region, base));
  });
}

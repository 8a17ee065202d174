import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import { ApiError, ErrorCodes, notFound } from '../../domain/errors.js';
import { isUuid } from '../../domain/hrn.js';
import { ownerOf } from '../../domain/owner.js';
import type { Services } from '../../services.js';
import { findVisibleJob, listJobs } from '../../store/jobs.js';
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

  // A job's `loggingUrl`: its stdout and stderr as the job wrote them. Outside /v2 (not in the
  // contract) but authenticated and realm-checked like it.
  app.get('/sluice/v1/jobs/:jobId/log', {
    schema: { tags: ['Jobs'], summary: 'The log of a job', params: Type.Object({ jobId: Type.String({ maxLength: 200 }) }) },
  }, async (request, reply) => {
    const { jobId } = request.params;
    const job = isUuid(jobId) ? await findVisibleJob(services.db, ownerOf(principal(request)), jobId.toLowerCase()) : undefined;
    if (!job) throw notFound('Job', jobId);
    if (job.folderRemoved) {
      throw new ApiError(404, ErrorCodes.notFound, `The log of job ${job.id} was removed on ${job.folderRemoved.toISOString()}, with the job's folder, after the retention for ended jobs (SLUICE_JOB_FOLDER_RETENTION_MS).`);
    }
    const file = services.jobLogFile(job);
    const exists = await fs.stat(file).then(() => true, () => false);
    reply.type('text/plain; charset=utf-8');
    return exists ? reply.send(createReadStream(file)) : reply.send('');
  });
}

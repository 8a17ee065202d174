import crypto from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { ApiError, ErrorCodes } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import { readJobFile } from '../../store/job-files.js';
import type { TypedApp } from './types.js';

export const JOB_FILE_NAMES = ['pipeline-config.conf', 'pipeline-job.conf', 'application.properties'] as const;

/**
 * The files of a job on a remote runtime, fetched by the job itself while it starts (README:
 * "Flink runtime", job files). Outside /v2 and /sluice, so no bearer token: the random token in
 * the path is the credential, good for minutes and for one job. The token is never logged.
 */
export function jobFileRoutes(app: TypedApp, services: Services): void {
  app.get('/job-files/:token/:name', {
    logLevel: 'warn',
    schema: {
      hide: true,
      params: Type.Object({
        token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
        name: Type.Union(JOB_FILE_NAMES.map((n) => Type.Literal(n))),
      }),
    },
  }, async (request, reply) => {
    const { token, name } = request.params;
    const hash = crypto.createHash('sha256').update(token).digest('hex');
    const content = await readJobFile(services.db, hash, name, services.now());
    if (content === null) throw new ApiError(404, ErrorCodes.notFound, 'No such job file, or its link has expired.');
    return reply.header('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send(content);
  });
}

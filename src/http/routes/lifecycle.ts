import { Type } from '@sinclair/typebox';
import { ApiError, ErrorCodes, notFound } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import { principal } from '../auth-hook.js';
import { pipelineFromPath, versionFromPath } from '../lookups.js';
import { errors, PipelineIdParams } from '../schemas/common.js';
import { VersionParams } from '../schemas/version.js';
import type { TypedApp } from './types.js';

const tags = ['Operations'];

const OPERATIONS = [
  ['pause', 'pausePipelineVersion'],
  ['resume', 'resumePipeline'],
  ['upgrade', 'upgradePipelineVersion'],
] as const;

/**
 * Operations on stream state (pause, resume, upgrade) and snapshots: the routes exist (so clients
 * and the OpenAPI document see every operation) and answer a clear 501 until stream state lands;
 * no snapshot can exist yet, so the listing is truthfully empty.
 */
export function lifecycleRoutes(app: TypedApp, services: Services): void {
  for (const [name, operationId] of OPERATIONS) {
    app.post(`/v2/pipelines/:pipelineId/versions/:versionId/operations/${name}`, {
      schema: {
        operationId, tags, params: VersionParams,
        response: { 202: Type.Object({}), ...errors(400, 404, 501) },
      },
    }, async (request) => {
      await versionFromPath(services, principal(request), request.params);
      throw new ApiError(501, ErrorCodes.notImplemented, `The ${name} operation is not available in this release of Sluice.`);
    });
  }

  app.get('/v2/pipelines/:pipelineId/snapshots', {
    schema: { operationId: 'listSnapshots', tags: ['Snapshots'], params: PipelineIdParams, response: { 201: Type.Array(Type.Object({})), ...errors(404) } },
  }, async (request, reply) => {
    await pipelineFromPath(services, principal(request), request.params.pipelineId);
    return reply.status(201).send([]);
  });

  app.get('/v2/pipelines/:pipelineId/snapshots/:snapshotId', {
    schema: {
      operationId: 'getSnapshot', tags: ['Snapshots'],
      params: Type.Object({ pipelineId: Type.String(), snapshotId: Type.String() }),
      response: { 200: Type.Object({}), ...errors(404) },
    },
  }, async (request) => {
    await pipelineFromPath(services, principal(request), request.params.pipelineId);
    throw notFound('Snapshot', request.params.snapshotId);
  });
}

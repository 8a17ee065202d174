import { Type } from '@sinclair/typebox';
import { notFound } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import { principal } from '../auth-hook.js';
import { pipelineFromPath } from '../lookups.js';
import { errors, PipelineIdParams } from '../schemas/common.js';
import type { TypedApp } from './types.js';

/**
 * Snapshots of stream state: the routes exist (so clients and the OpenAPI document see them);
 * no snapshot can exist until stream pause and upgrade land, so the listing is truthfully empty.
 */
export function snapshotRoutes(app: TypedApp, services: Services): void {
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

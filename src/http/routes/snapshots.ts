import { Type } from '@sinclair/typebox';
import { notFound } from '../../domain/errors.js';
import { isUuid } from '../../domain/hrn.js';
import type { Services } from '../../services.js';
import { findSnapshot, listSnapshots } from '../../store/snapshots.js';
import type { SnapshotRow } from '../../store/schema.js';
import { principal } from '../auth-hook.js';
import { pipelineFromPath } from '../lookups.js';
import { errors, PipelineIdParams } from '../schemas/common.js';
import { Snapshot, SnapshotParams } from '../schemas/snapshot.js';
import type { TypedApp } from './types.js';

/** The contract's listing window and cap (hosted behaviour): the last 7 days, at most 350. */
const LIST_WINDOW_MS = 7 * 24 * 3600 * 1000;
const LIST_MAX = 350;

const tags = ['Snapshots'];

function present(row: SnapshotRow, region: string): Snapshot {
  return {
    id: row.id,
    created: row.created.toISOString(),
    jobId: row.jobId,
    pipelineId: row.pipelineId,
    pipelineVersionId: row.versionId,
    region,
    templateId: row.templateId,
  };
}

export function snapshotRoutes(app: TypedApp, services: Services): void {
  app.get('/v2/pipelines/:pipelineId/snapshots', {
    schema: {
      operationId: 'listSnapshots', tags, params: PipelineIdParams,
      description: 'Answers 201, as the hosted API does. Newest first, taken within the last 7 days, at most 350.',
      response: { 201: Type.Array(Type.Ref(Snapshot)), ...errors(404) },
    },
  }, async (request, reply) => {
    const pipeline = await pipelineFromPath(services, principal(request), request.params.pipelineId);
    const since = new Date(services.now().getTime() - LIST_WINDOW_MS);
    const rows = await listSnapshots(services.db, pipeline.id, since, LIST_MAX);
    return reply.status(201).send(rows.map((row) => present(row, services.config.region)));
  });

  app.get('/v2/pipelines/:pipelineId/snapshots/:snapshotId', {
    schema: { operationId: 'getSnapshot', tags, params: SnapshotParams, response: { 200: Type.Ref(Snapshot), ...errors(404) } },
  }, async (request) => {
    const pipeline = await pipelineFromPath(services, principal(request), request.params.pipelineId);
    const id = request.params.snapshotId;
    const row = isUuid(id) ? await findSnapshot(services.db, id.toLowerCase()) : undefined;
    if (!row || row.pipelineId !== pipeline.id) throw notFound('Snapshot', id);
    return present(row, services.config.region);
  });
}

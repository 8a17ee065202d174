import type { Principal } from '../auth/principal.js';
import { notFound } from '../domain/errors.js';
import { idFromPath } from '../domain/hrn.js';
import { ownerOf } from '../domain/owner.js';
import type { Services } from '../services.js';
import { findPipeline } from '../store/pipelines.js';
import type { PipelineRow } from '../store/schema.js';

/** The pipeline a path id (UUID or HRN) names for this caller, or 404. */
export async function pipelineFromPath(services: Services, principal: Principal, pathId: string): Promise<PipelineRow> {
  const id = idFromPath('pipeline', principal.realm, pathId);
  const row = id ? await findPipeline(services.db, ownerOf(principal), id) : undefined;
  if (!row) throw notFound('Pipeline', pathId);
  return row;
}

import type { Principal } from '../auth/principal.js';
import { notFound } from '../domain/errors.js';
import { idFromPath, isUuid } from '../domain/hrn.js';
import { ownerOf } from '../domain/owner.js';
import type { Services } from '../services.js';
import { findPipeline } from '../store/pipelines.js';
import type { PipelineRow, PipelineVersionRow } from '../store/schema.js';
import { findVisibleVersion } from '../store/versions.js';

/** The pipeline a path id (UUID or HRN) names for this caller, or 404. */
export async function pipelineFromPath(services: Services, principal: Principal, pathId: string): Promise<PipelineRow> {
  const id = idFromPath('pipeline', principal.realm, pathId);
  const row = id ? await findPipeline(services.db, ownerOf(principal), id) : undefined;
  if (!row) throw notFound('Pipeline', pathId);
  return row;
}

/** The version a path names, inside the pipeline the path names, for this caller; or 404. */
export async function versionFromPath(
  services: Services,
  caller: Principal,
  params: { pipelineId: string; versionId: string },
): Promise<{ version: PipelineVersionRow }> {
  const pipelineId = idFromPath('pipeline', caller.realm, params.pipelineId);
  const version = pipelineId && isUuid(params.versionId)
    ? await findVisibleVersion(services.db, ownerOf(caller), pipelineId, params.versionId.toLowerCase())
    : undefined;
  if (version) return { version };
  // Only on the way to a 404: say whether the pipeline or the version is unknown.
  await pipelineFromPath(services, caller, params.pipelineId);
  throw notFound('Pipeline version', params.versionId);
}

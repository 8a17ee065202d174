import type { Principal } from '../auth/principal.js';
import { notFound } from '../domain/errors.js';
import { idFromPath, isUuid } from '../domain/hrn.js';
import { ownerOf } from '../domain/owner.js';
import type { Services } from '../services.js';
import { findPipeline } from '../store/pipelines.js';
import type { PipelineRow, PipelineVersionRow } from '../store/schema.js';
import { findVisibleVersion } from '../store/versions.js';

/**
 * How a lookup reads: `cached` only for routes that only read (GET); a route that writes acts on
 * what the database holds now.
 */
export interface LookupOptions {
  cached?: boolean;
}

/** The pipeline a path id (UUID or HRN) names for this caller, or 404. */
export async function pipelineFromPath(services: Services, principal: Principal, pathId: string, options: LookupOptions = {}): Promise<PipelineRow> {
  const id = idFromPath('pipeline', principal.realm, pathId);
  const owner = ownerOf(principal);
  const row = !id ? undefined
    : options.cached ? await services.reads.pipeline(owner, id)
    : await findPipeline(services.db, owner, id);
  if (!row) throw notFound('Pipeline', pathId);
  return row;
}

/** The version a path names, inside the pipeline the path names, for this caller; or 404. */
export async function versionFromPath(
  services: Services,
  caller: Principal,
  params: { pipelineId: string; versionId: string },
  options: LookupOptions = {},
): Promise<{ version: PipelineVersionRow }> {
  const pipelineId = idFromPath('pipeline', caller.realm, params.pipelineId);
  const owner = ownerOf(caller);
  const versionId = isUuid(params.versionId) ? params.versionId.toLowerCase() : undefined;
  const version = !pipelineId || !versionId ? undefined
    : options.cached ? await services.reads.visibleVersion(owner, pipelineId, versionId)
    : await findVisibleVersion(services.db, owner, pipelineId, versionId);
  if (version) return { version };
  // Only on the way to a 404: say whether the pipeline or the version is unknown.
  await pipelineFromPath(services, caller, params.pipelineId, options);
  throw notFound('Pipeline version', params.versionId);
}

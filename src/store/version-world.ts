import type { Db } from './database.js';
import type { JobRow, OperationRow, PipelineVersionRow } from './schema.js';
import { loadStreamWorld, type StreamWorld } from './stream-world.js';

/** Everything the engine reads about one version before deciding its next step. */
export interface VersionWorld extends StreamWorld {
  version: PipelineVersionRow;
  template: { state: string; runtimeEnvironment: string; entryPointClassName: string; packageId: string; defaultRuntimeConfiguration: string | null };
  otherVersionActive: boolean;
  /** The oldest user operation in flight on the version that `replica` has claimed. */
  operation?: OperationRow;
  /** The version's job in `starting` or `running`, if any. */
  job?: JobRow;
}

export async function loadVersionWorld(db: Db, versionId: string, replica: string): Promise<VersionWorld | undefined> {
  const version = await db.selectFrom('pipelineVersions').selectAll().where('id', '=', versionId).executeTakeFirst();
  if (!version) return undefined;
  const template = await db
    .selectFrom('pipelineTemplates')
    .select(['state', 'runtimeEnvironment', 'entryPointClassName', 'packageId', 'defaultRuntimeConfiguration'])
    .where('id', '=', version.pipelineTemplateId)
    .executeTakeFirstOrThrow();
  const other = await db
    .selectFrom('pipelineVersions')
    .select('id')
    .where('pipelineId', '=', version.pipelineId)
    .where('id', '!=', versionId)
    .where('state', '!=', 'ready')
    .limit(1)
    .executeTakeFirst();
  const operation = await db
    .selectFrom('operations')
    .selectAll()
    .where('versionId', '=', versionId)
    .where('state', '=', 'being_processed')
    .where('claimedBy', '=', replica)
    .where('byService', '=', false)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  const job = await db
    .selectFrom('jobs')
    .selectAll()
    .where('versionId', '=', versionId)
    .where('state', 'in', ['starting', 'running'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const stream = await loadStreamWorld(db, version, operation);
  return { version, template, otherVersionActive: other !== undefined, operation, job, ...stream };
}

/** Versions with a live job that `replica` runs: it must keep watching them. */
export async function versionsWithLiveJobs(db: Db, replica: string): Promise<string[]> {
  const rows = await db
    .selectFrom('jobs')
    .select('versionId')
    .where('state', 'in', ['starting', 'running'])
    .where('owner', '=', replica)
    .execute();
  return rows.map((r) => r.versionId);
}

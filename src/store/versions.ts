import type { ClusterConfiguration } from '../domain/cluster-configuration.js';
import type { LoggingConfiguration } from '../domain/logging-configuration.js';
import type { SchedulerConfiguration } from '../domain/scheduler-configuration.js';
import type { Owner } from '../domain/owner.js';
import type { Db } from './database.js';
import { visibleTo } from './visibility.js';
import type { PipelineVersionRow } from './schema.js';

export interface NewVersion {
  id: string;
  realm: string;
  pipelineId: string;
  name: string;
  pipelineTemplateId: string;
  inputCatalogs: Record<string, string>;
  outputCatalogHrn: string;
  schedulerConfiguration?: SchedulerConfiguration;
  clusterConfiguration: ClusterConfiguration;
  customRuntimeConfiguration?: string;
  streamConfiguration?: Record<string, string>;
  loggingConfiguration: LoggingConfiguration;
  runAsId?: string;
  billingTag?: string;
  multiRegionEnabled: boolean;
  created: Date;
}

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * Inserts a version with the next `versionNumber` of its pipeline (1, 2, 3…). The pipeline row
 * is locked for the transaction so two concurrent creations cannot take the same number.
 * Returns undefined if the pipeline vanished meanwhile.
 */
export async function insertVersion(db: Db, version: NewVersion): Promise<PipelineVersionRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const pipeline = await trx.selectFrom('pipelines').select('id').where('id', '=', version.pipelineId).forUpdate().executeTakeFirst();
    if (!pipeline) return undefined;
    const { max } = await trx
      .selectFrom('pipelineVersions')
      .select((eb) => eb.fn.max<number | null>('versionNumber').as('max'))
      .where('pipelineId', '=', version.pipelineId)
      .executeTakeFirstOrThrow();
    return trx
      .insertInto('pipelineVersions')
      .values({
        ...version,
        versionNumber: (max ?? 0) + 1,
        inputCatalogs: JSON.stringify(version.inputCatalogs),
        state: 'ready',
        schedulerConfiguration: json(version.schedulerConfiguration),
        clusterConfiguration: JSON.stringify(version.clusterConfiguration),
        customRuntimeConfiguration: version.customRuntimeConfiguration ?? null,
        streamConfiguration: json(version.streamConfiguration),
        loggingConfiguration: JSON.stringify(version.loggingConfiguration),
        runAsId: version.runAsId ?? null,
        billingTag: version.billingTag ?? null,
        nextJobAttempt: null,
        runMode: null,
        lastCronTick: null,
        afterJob: null,
        upgradeTarget: null,
        updated: version.created,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/**
 * Deletes the version only while it is `ready` with no operation in flight; the caller learns
 * which it was. The pipeline is locked first, as operations are accepted under that same lock.
 */
export async function deleteVersionIfReady(db: Db, versionId: string): Promise<'deleted' | 'active' | 'pending' | 'gone'> {
  return db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('pipelineVersions').select('pipelineId').where('id', '=', versionId).executeTakeFirst();
    if (!found) return 'gone';
    await trx.selectFrom('pipelines').select('id').where('id', '=', found.pipelineId).forUpdate().execute();
    const row = await trx.selectFrom('pipelineVersions').select('state').where('id', '=', versionId).forUpdate().executeTakeFirst();
    if (!row) return 'gone';
    if (row.state !== 'ready') return 'active';
    const pending = await trx
      .selectFrom('operations')
      .select('id')
      .where('versionId', '=', versionId)
      .where('state', 'in', ['accepted', 'being_processed'])
      .limit(1)
      .executeTakeFirst();
    if (pending) return 'pending';
    await trx.deleteFrom('pipelineVersions').where('id', '=', versionId).execute();
    return 'deleted';
  });
}

/** Replaces the scheduler configuration only while the version is `ready`; returns the state it found. */
export async function setSchedulerConfigurationIfReady(
  db: Db,
  versionId: string,
  config: SchedulerConfiguration | null,
  at: Date,
): Promise<{ updated: boolean; state: string | undefined }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('pipelineVersions').select('state').where('id', '=', versionId).forUpdate().executeTakeFirst();
    if (!row || row.state !== 'ready') return { updated: false, state: row?.state };
    await trx
      .updateTable('pipelineVersions')
      .set({ schedulerConfiguration: json(config), updated: at })
      .where('id', '=', versionId)
      .execute();
    return { updated: true, state: row.state };
  });
}

export async function setLoggingConfiguration(db: Db, versionId: string, config: LoggingConfiguration, at: Date): Promise<void> {
  await db
    .updateTable('pipelineVersions')
    .set({ loggingConfiguration: JSON.stringify(config), updated: at })
    .where('id', '=', versionId)
    .execute();
}

/**
 * A version inside a pipeline the owner can see, in one query (the hot path of every
 * `…/versions/{id}` route: it halved the queries of GET version).
 */
export async function findVisibleVersion(db: Db, owner: Owner, pipelineId: string, versionId: string): Promise<PipelineVersionRow | undefined> {
  return db
    .selectFrom('pipelineVersions')
    .innerJoin('pipelines', 'pipelines.id', 'pipelineVersions.pipelineId')
    .selectAll('pipelineVersions')
    .where('pipelineVersions.id', '=', versionId)
    .where('pipelines.id', '=', pipelineId)
    .where(visibleTo(owner, 'pipelines'))
    .executeTakeFirst();
}

/** Whose a version is: its pipeline's realm and home (which a pipeline never changes). */
export interface VersionWithOwner {
  row: PipelineVersionRow;
  pipeline: { realm: string; home: string | null };
}

/** A version by id alone, with its pipeline's realm and home: the read cache checks visibility per caller. */
export async function findVersionWithOwner(db: Db, versionId: string): Promise<VersionWithOwner | undefined> {
  const found = await db
    .selectFrom('pipelineVersions')
    .innerJoin('pipelines', 'pipelines.id', 'pipelineVersions.pipelineId')
    .selectAll('pipelineVersions')
    .select(['pipelines.realm as pipelineRealm', 'pipelines.home as pipelineHome'])
    .where('pipelineVersions.id', '=', versionId)
    .executeTakeFirst();
  if (!found) return undefined;
  const { pipelineRealm, pipelineHome, ...row } = found;
  return { row, pipeline: { realm: pipelineRealm, home: pipelineHome } };
}

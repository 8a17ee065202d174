import type { Owner } from '../domain/owner.js';
import type { Db } from './database.js';
import { visibleTo } from './visibility.js';
import type { PipelineRow } from './schema.js';

export interface NewPipeline {
  id: string;
  name: string;
  description?: string;
  groupId?: string;
  contactEmail?: string;
  created: Date;
}

export async function insertPipeline(db: Db, owner: Owner, pipeline: NewPipeline): Promise<PipelineRow> {
  return db
    .insertInto('pipelines')
    .values({
      id: pipeline.id,
      realm: owner.realm,
      home: owner.home,
      name: pipeline.name,
      description: pipeline.description ?? null,
      groupId: pipeline.groupId ?? null,
      contactEmail: pipeline.contactEmail ?? null,
      created: pipeline.created,
      updated: pipeline.created,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPipeline(db: Db, owner: Owner, id: string): Promise<PipelineRow | undefined> {
  return db
    .selectFrom('pipelines')
    .selectAll()
    .where('id', '=', id)
    .where(visibleTo(owner))
    .executeTakeFirst();
}

export async function listPipelines(db: Db, owner: Owner): Promise<PipelineRow[]> {
  return db
    .selectFrom('pipelines')
    .selectAll()
    .where(visibleTo(owner))
    .orderBy('created')
    .orderBy('id')
    .execute();
}

export interface PipelineChanges {
  name: string;
  description: string | null;
  contactEmail: string | null;
  updated: Date;
}

export async function updatePipeline(db: Db, id: string, changes: PipelineChanges): Promise<PipelineRow> {
  return db
    .updateTable('pipelines')
    .set(changes)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Deletes the pipeline and its versions in one transaction, unless a version is active; the
 * check and the delete see the same rows because the versions are locked first.
 */
export async function deletePipelineUnlessActive(db: Db, id: string): Promise<'deleted' | 'active'> {
  return db.transaction().execute(async (trx) => {
    const versions = await trx
      .selectFrom('pipelineVersions')
      .select(['state'])
      .where('pipelineId', '=', id)
      .forUpdate()
      .execute();
    if (versions.some((v) => v.state !== 'ready')) return 'active';
    await trx.deleteFrom('pipelineVersions').where('pipelineId', '=', id).execute();
    await trx.deleteFrom('pipelines').where('id', '=', id).execute();
    return 'deleted';
  });
}

/** A pipeline by id alone, for the read cache (which checks visibility per caller). */
export async function findPipelineById(db: Db, id: string): Promise<PipelineRow | undefined> {
  return db.selectFrom('pipelines').selectAll().where('id', '=', id).executeTakeFirst();
}

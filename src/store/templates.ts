import type { ClusterConfiguration } from '../domain/cluster-configuration.js';
import type { Owner } from '../domain/owner.js';
import type { Db } from './database.js';
import { visibleTo } from './visibility.js';
import type { TemplateRow } from './schema.js';

export interface NewTemplate {
  id: string;
  name: string;
  runtimeEnvironment: string;
  packageId: string;
  entryPointClassName: string;
  groupId?: string;
  description?: string;
  defaultClusterConfiguration: ClusterConfiguration;
  inputCatalogIds: string[];
  defaultRuntimeConfiguration?: string;
  created: Date;
}

export async function insertTemplate(db: Db, owner: Owner, template: NewTemplate): Promise<TemplateRow> {
  return db
    .insertInto('pipelineTemplates')
    .values({
      ...template,
      realm: owner.realm,
      home: owner.home,
      state: 'creating',
      stateMessage: null,
      groupId: template.groupId ?? null,
      description: template.description ?? null,
      defaultRuntimeConfiguration: template.defaultRuntimeConfiguration ?? null,
      defaultClusterConfiguration: JSON.stringify(template.defaultClusterConfiguration),
      inputCatalogIds: JSON.stringify(template.inputCatalogIds),
      updated: template.created,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findTemplate(db: Db, owner: Owner, id: string): Promise<TemplateRow | undefined> {
  return db
    .selectFrom('pipelineTemplates')
    .selectAll()
    .where('id', '=', id)
    .where(visibleTo(owner))
    .executeTakeFirst();
}

export async function listTemplates(db: Db, owner: Owner, options: { onlyCreated: boolean }): Promise<TemplateRow[]> {
  let query = db
    .selectFrom('pipelineTemplates')
    .selectAll()
    .where(visibleTo(owner));
  if (options.onlyCreated) query = query.where('state', '=', 'created');
  return query.orderBy('created').orderBy('id').execute();
}

/**
 * Deletes the template unless a version uses it. The template row is locked first so a version
 * created concurrently either sees it gone or makes this delete see the version.
 */
export async function deleteTemplateUnlessUsed(db: Db, id: string): Promise<'deleted' | 'used'> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('pipelineTemplates').select('id').where('id', '=', id).forUpdate().execute();
    const user = await trx
      .selectFrom('pipelineVersions')
      .select('id')
      .where('pipelineTemplateId', '=', id)
      .limit(1)
      .executeTakeFirst();
    if (user) return 'used';
    await trx.deleteFrom('pipelineTemplates').where('id', '=', id).execute();
    return 'deleted';
  });
}

export async function findTemplateRuntime(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('pipelineTemplates').select('runtimeEnvironment').where('id', '=', id).executeTakeFirst();
  return row?.runtimeEnvironment;
}

/** A template by id alone: for the engine and for operations, which reach it through a version of the caller's. */
export async function findTemplateById(db: Db, id: string): Promise<TemplateRow | undefined> {
  return db.selectFrom('pipelineTemplates').selectAll().where('id', '=', id).executeTakeFirst();
}

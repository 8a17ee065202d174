import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_LOGGING } from '../../src/domain/logging-configuration.js';
import { migrate, openDatabase, type Database, type Db } from '../../src/store/database.js';
import { insertPipeline } from '../../src/store/pipelines.js';
import { insertTemplate } from '../../src/store/templates.js';
import { insertVersion } from '../../src/store/versions.js';
import { createStore, type Store, type StoreKind } from './server.js';

/** Store tests talk to the store directly: rows of this realm, written without the HTTP layer. */
export const STORE_OWNER = { realm: 'realm-a', home: null };
const cluster = { workers: 1, workerUnits: 1, supervisorUnits: 1 };

/** A fresh, migrated store of `kind` (read cache off), and how to get rid of it. */
export async function migratedStore(kind: StoreKind, label: string): Promise<{ store: Store; database: Database; dispose(): Promise<void> }> {
  const store = await createStore(kind, label);
  const database = await openDatabase(loadConfig({ ...store.env, SLUICE_READ_CACHE: '0' }));
  await migrate(database);
  return {
    store,
    database,
    async dispose() {
      await database.close();
      await store.dispose();
    },
  };
}

/** A stream template, a pipeline and one version of it, all created at `created`. */
export async function insertStreamVersion(db: Db, created: Date): Promise<{ pipelineId: string; versionId: string; templateId: string }> {
  const template = await insertTemplate(db, STORE_OWNER, {
    id: randomUUID(), name: 't', runtimeEnvironment: 'stream-5.0', packageId: randomUUID(),
    entryPointClassName: 'Main', defaultClusterConfiguration: cluster, inputCatalogIds: [], created,
  });
  const pipeline = await insertPipeline(db, STORE_OWNER, { id: randomUUID(), name: 'p', groupId: 'g', created });
  const version = (await insertVersion(db, {
    id: randomUUID(), realm: STORE_OWNER.realm, pipelineId: pipeline.id, name: 'v', pipelineTemplateId: template.id,
    inputCatalogs: {}, outputCatalogHrn: 'hrn:here:data:::out', clusterConfiguration: cluster,
    loggingConfiguration: DEFAULT_LOGGING, multiRegionEnabled: false, created,
  }))!;
  return { pipelineId: pipeline.id, versionId: version.id, templateId: template.id };
}

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { DEFAULT_LOGGING } from '../../src/domain/logging-configuration.js';
import type { Owner } from '../../src/domain/owner.js';
import { CachedReads } from '../../src/store/cached-reads.js';
import { listenOnPglite } from '../../src/store/change-feed.js';
import { migrate, plugins, type Db } from '../../src/store/database.js';
import { PGliteDialect } from '../../src/store/pglite-dialect.js';
import { deletePipelineUnlessActive, insertPipeline, updatePipeline } from '../../src/store/pipelines.js';
import { insertTemplate } from '../../src/store/templates.js';
import { deleteVersionIfReady, insertVersion, setSchedulerConfigurationIfReady } from '../../src/store/versions.js';
import { WriteWatchingDialect } from '../../src/store/write-watch.js';

const OWNER: Owner = { realm: 'realm-a', home: null };
const cluster = { workers: 1, workerUnits: 1, supervisorUnits: 1 };

/**
 * The cache over a real (in-memory) store, in process. `feed: false` leaves out the change
 * notifications, so only this process's own writes (seen by the dialect) can keep it fresh:
 * what makes a PUT then GET correct before any notification has arrived.
 */
async function openStore(options: { feed: boolean }) {
  const pglite = await PGlite.create();
  let reads: CachedReads | undefined;
  const db: Db = new Kysely({
    dialect: new WriteWatchingDialect(new PGliteDialect(pglite), (tables) => reads?.committed(tables)),
    plugins: plugins(),
  });
  reads = new CachedReads(db, 100);
  if (options.feed) await listenOnPglite(pglite, 'public', reads);
  else reads.live(true);
  await migrate({ db, schema: 'public', kind: 'pglite', reads, close: async () => db.destroy() });
  return { pglite, db, reads };
}

async function seed(db: Db, owner: Owner = OWNER) {
  const now = new Date();
  const template = await insertTemplate(db, owner, {
    id: randomUUID(), name: 't', runtimeEnvironment: 'batch-3.0.0', packageId: randomUUID(),
    entryPointClassName: 'Main', defaultClusterConfiguration: cluster, inputCatalogIds: [], created: now,
  });
  const pipeline = await insertPipeline(db, owner, { id: randomUUID(), name: 'p', groupId: 'g', created: now });
  const version = (await insertVersion(db, {
    id: randomUUID(), realm: owner.realm, pipelineId: pipeline.id, name: 'v', pipelineTemplateId: template.id,
    inputCatalogs: {}, outputCatalogHrn: 'hrn:here:data:::out', clusterConfiguration: cluster,
    loggingConfiguration: DEFAULT_LOGGING, multiRegionEnabled: false, created: now,
  }))!;
  return { template, pipeline, version };
}

describe('CachedReads without change notifications (this process\'s writes only)', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  before(async () => { store = await openStore({ feed: false }); });
  after(async () => store?.db.destroy());

  it('serves repeated reads from memory', async () => {
    const { pipeline, version } = await seed(store.db);
    const first = await store.reads.visibleVersion(OWNER, pipeline.id, version.id);
    assert.equal(first?.id, version.id);
    assert.equal(await store.reads.visibleVersion(OWNER, pipeline.id, version.id), first, 'the same cached row');
  });

  it('sees an update committed by this process at once, in or out of a transaction', async () => {
    const { pipeline, version } = await seed(store.db);
    assert.equal((await store.reads.visibleVersion(OWNER, pipeline.id, version.id))?.schedulerConfiguration, null);
    const cron = { timeTriggerOptions: { cronJobExpression: '0 3 * * *', processingType: 'changes' as const } };
    await setSchedulerConfigurationIfReady(store.db, version.id, cron, new Date());
    assert.deepEqual((await store.reads.visibleVersion(OWNER, pipeline.id, version.id))?.schedulerConfiguration, cron);

    assert.equal((await store.reads.pipeline(OWNER, pipeline.id))?.name, 'p');
    await updatePipeline(store.db, pipeline.id, { name: 'renamed', description: null, contactEmail: null, updated: new Date() });
    assert.equal((await store.reads.pipeline(OWNER, pipeline.id))?.name, 'renamed');
  });

  it('sees a delete committed by this process at once', async () => {
    const { pipeline, version } = await seed(store.db);
    const second = await seed(store.db);
    assert.ok(await store.reads.visibleVersion(OWNER, pipeline.id, version.id));
    assert.equal(await deleteVersionIfReady(store.db, version.id), 'deleted');
    assert.equal(await store.reads.visibleVersion(OWNER, pipeline.id, version.id), undefined);

    assert.ok(await store.reads.visibleVersion(OWNER, second.pipeline.id, second.version.id));
    assert.equal(await deletePipelineUnlessActive(store.db, second.pipeline.id), 'deleted');
    assert.equal(await store.reads.visibleVersion(OWNER, second.pipeline.id, second.version.id), undefined, 'gone with its pipeline');
    assert.equal(await store.reads.pipeline(OWNER, second.pipeline.id), undefined);
  });

  it('applies the realm and project rule to cached rows', async () => {
    const { pipeline, version, template } = await seed(store.db);
    const other = await seed(store.db);
    const strangers: Owner[] = [{ realm: 'realm-b', home: null }, { realm: 'realm-a', home: 'hrn:here:authorization::realm-a:project/p1' }];
    for (let round = 0; round < 2; round++) {
      assert.ok(await store.reads.visibleVersion(OWNER, pipeline.id, version.id));
      for (const stranger of strangers) {
        assert.equal(await store.reads.visibleVersion(stranger, pipeline.id, version.id), undefined);
        assert.equal(await store.reads.pipeline(stranger, pipeline.id), undefined);
        assert.equal(await store.reads.template(stranger, template.id), undefined);
      }
      assert.equal(await store.reads.visibleVersion(OWNER, other.pipeline.id, version.id), undefined, 'not under another pipeline');
    }
  });

  it('reads the database while off', async () => {
    const { pipeline } = await seed(store.db);
    assert.equal((await store.reads.pipeline(OWNER, pipeline.id))?.name, 'p');
    store.reads.live(false);
    try {
      // Straight through PGlite: neither the dialect nor (here) a notification tells the cache.
      await store.pglite.query('update pipelines set name = $1 where id = $2', ['unseen', pipeline.id]);
      assert.equal((await store.reads.pipeline(OWNER, pipeline.id))?.name, 'unseen');
    } finally {
      store.reads.live(true);
    }
  });
});

describe('CachedReads with change notifications (PGlite LISTEN)', () => {
  let store: Awaited<ReturnType<typeof openStore>>;
  before(async () => { store = await openStore({ feed: true }); });
  after(async () => store?.db.destroy());

  it('drops a row changed behind Kysely\'s back, through the trigger and LISTEN', async () => {
    const { pipeline, version, template } = await seed(store.db);
    assert.equal((await store.reads.visibleVersion(OWNER, pipeline.id, version.id))?.name, 'v');
    assert.equal((await store.reads.pipeline(OWNER, pipeline.id))?.name, 'p');
    assert.equal((await store.reads.template(OWNER, template.id))?.name, 't');
    await store.pglite.query('update pipeline_versions set name = $1 where id = $2', ['v2', version.id]);
    await store.pglite.query('update pipelines set name = $1 where id = $2', ['p2', pipeline.id]);
    await store.pglite.query('update pipeline_templates set name = $1 where id = $2', ['t2', template.id]);
    assert.equal((await store.reads.visibleVersion(OWNER, pipeline.id, version.id))?.name, 'v2');
    assert.equal((await store.reads.pipeline(OWNER, pipeline.id))?.name, 'p2');
    assert.equal((await store.reads.template(OWNER, template.id))?.name, 't2');
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely } from 'kysely';
import { DEFAULT_LOGGING } from '../../src/domain/logging-configuration.js';
import { migrate, plugins, type Db } from '../../src/store/database.js';
import { PGliteDialect } from '../../src/store/pglite-dialect.js';
import { CachedReads } from '../../src/store/cached-reads.js';
import { insertPackage } from '../../src/store/packages.js';
import { insertPipeline } from '../../src/store/pipelines.js';
import { insertTemplate } from '../../src/store/templates.js';
import { loadVersionWorld } from '../../src/store/version-world.js';
import { insertVersion } from '../../src/store/versions.js';

const OWNER = { realm: 'realm-a', home: null };
const cluster = { workers: 1, workerUnits: 1, supervisorUnits: 1 };
const REPLICA = 'replica-1';

/** The version world is one statement with the operation and job as JSON: it must read them as plain selects do. */
describe('loadVersionWorld', () => {
  let db: Db;
  let pglite: PGlite;
  before(async () => {
    pglite = await PGlite.create();
    db = new Kysely({ dialect: new PGliteDialect(pglite), plugins: plugins() });
    await migrate({ db, schema: 'public', kind: 'pglite', reads: new CachedReads(db, 0), close: async () => db.destroy() });
  });
  after(async () => db?.destroy());

  async function seed() {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const template = await insertTemplate(db, OWNER, {
      id: randomUUID(), name: 't', runtimeEnvironment: 'batch-3.0.0', packageId: randomUUID(),
      entryPointClassName: 'com.example.Main', defaultClusterConfiguration: cluster, inputCatalogIds: ['in'], created: now,
    });
    const pipeline = await insertPipeline(db, OWNER, { id: randomUUID(), name: 'p', groupId: 'g', created: now });
    const version = async (name: string) => (await insertVersion(db, {
      id: randomUUID(), realm: OWNER.realm, pipelineId: pipeline.id, name, pipelineTemplateId: template.id,
      inputCatalogs: { in: 'hrn:here:data:::in' }, outputCatalogHrn: 'hrn:here:data:::out', clusterConfiguration: cluster,
      loggingConfiguration: DEFAULT_LOGGING, multiRegionEnabled: false, created: now,
    }))!;
    return { template, pipeline, now, one: await version('one'), two: await version('two') };
  }

  const operation = (s: Awaited<ReturnType<typeof seed>>, overrides: Record<string, unknown>) => ({
    id: randomUUID(), realm: OWNER.realm, pipelineId: s.pipeline.id, versionId: s.one.id, requestType: 'activate',
    state: 'being_processed', message: null, userId: 'u', clientId: null, runAsId: 'hrn:here:account::realm-a:u',
    options: JSON.stringify({ highAvailability: true }), request: JSON.stringify({ inputCatalogs: { in: { processingType: 'reprocess', version: 3 } } }),
    byService: false, claimedBy: REPLICA, leaseUntil: new Date(s.now.getTime() + 60_000), deadline: new Date(s.now.getTime() + 1_000),
    created: s.now, updated: s.now, ...overrides,
  });

  it('gives the version, its template, the claimed operation and the live job as plain selects read them', async () => {
    const s = await seed();
    await db.insertInto('operations').values(operation(s, {})).execute();
    // Not this world's operation: a service-made one.
    const serviceOp = operation(s, { byService: true, state: 'succeeded', claimedBy: null });
    await db.insertInto('operations').values(serviceOp).execute();
    const op = await db.selectFrom('operations').selectAll().where('claimedBy', '=', REPLICA).executeTakeFirstOrThrow();
    const job = (state: string, seqHint: string, operationId = op.id) => ({
      id: randomUUID(), realm: OWNER.realm, pipelineId: s.pipeline.id, versionId: s.one.id, operationId, state, message: seqHint,
      catalogVersions: JSON.stringify({ inputCatalogs: { in: { processingType: 'reprocess', version: 3 } }, outputCatalog: { baseVersion: -1 } }),
      runAsId: null, executionMode: 'on-demand', highAvailability: false, runtime: 'local-jvm', owner: REPLICA,
      handle: JSON.stringify({ pid: 1234, processStart: '5678', workDir: '/tmp/x' }), exitCode: null, stopRequested: null, stopDeadline: null, startDeadline: new Date(s.now.getTime() + 5),
      created: s.now, updated: s.now, ended: null, resolverBaseline: null, restoreLocation: null, restoreSource: null,
    });
    await db.insertInto('jobs').values(job('completed', 'old', serviceOp.id)).execute();
    await db.insertInto('jobs').values(job('running', 'live')).execute();
    const live = await db.selectFrom('jobs').selectAll().where('message', '=', 'live').executeTakeFirstOrThrow();
    const version = await db.selectFrom('pipelineVersions').selectAll().where('id', '=', s.one.id).executeTakeFirstOrThrow();

    const world = await loadVersionWorld(db, s.one.id, REPLICA);
    assert.ok(world);
    assert.deepEqual(world.version, version);
    assert.deepEqual(world.template, {
      state: s.template.state, runtimeEnvironment: 'batch-3.0.0', entryPointClassName: 'com.example.Main',
      packageId: s.template.packageId, defaultRuntimeConfiguration: null, packagePath: null,
    });
    assert.deepEqual(world.operation, op);
    assert.ok(world.operation!.deadline instanceof Date);
    assert.deepEqual(world.job, live);
    assert.ok(world.job!.startDeadline instanceof Date);
    assert.equal(world.otherVersionActive, false);
    assert.equal((await loadVersionWorld(db, s.one.id, 'replica-2'))?.operation, undefined, 'another replica\'s claim');
  });

  it('reads the same whether or not the CamelCasePlugin renames keys inside JSON', async () => {
    const s = await seed();
    await db.insertInto('operations').values(operation(s, {})).execute();
    const nested: Db = new Kysely({ dialect: new PGliteDialect(pglite), plugins: [new CamelCasePlugin()] });
    const world = await loadVersionWorld(nested, s.one.id, REPLICA);
    assert.equal(world?.operation?.requestType, 'activate');
    assert.ok(world?.operation?.leaseUntil instanceof Date);
  });

  it('says when another version of the pipeline is active, and has no operation or job when there is none', async () => {
    const s = await seed();
    await db.updateTable('pipelineVersions').set({ state: 'running' }).where('id', '=', s.two.id).execute();
    const world = await loadVersionWorld(db, s.one.id, REPLICA);
    assert.equal(world?.otherVersionActive, true);
    assert.equal(world?.operation, undefined);
    assert.equal(world?.job, undefined);
    assert.equal((await loadVersionWorld(db, s.two.id, REPLICA))?.otherVersionActive, false);
    assert.equal(await loadVersionWorld(db, randomUUID(), REPLICA), undefined);
  });

  it('gives the template\'s package JAR only from the version\'s realm', async () => {
    const s = await seed();
    const pkg = (realm: string, storagePath: string) => insertPackage(db, {
      id: s.template.packageId, realm, fileName: 'p.jar', entryPoints: [], classNames: [], sizeBytes: 1, storagePath, createdBy: 'u', created: s.now,
    });
    await pkg('realm-b', '/data/packages/elsewhere.jar');
    assert.equal((await loadVersionWorld(db, s.one.id, REPLICA))?.template.packagePath, null, 'another realm\'s package of the same id');
    await db.deleteFrom('packages').execute();
    await pkg(OWNER.realm, '/data/packages/p.jar');
    assert.equal((await loadVersionWorld(db, s.one.id, REPLICA))?.template.packagePath, '/data/packages/p.jar');
  });
});

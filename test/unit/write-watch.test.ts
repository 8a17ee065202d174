import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { plugins } from '../../src/store/database.js';
import { PGliteDialect } from '../../src/store/pglite-dialect.js';
import { WriteWatchingDialect, type Written } from '../../src/store/write-watch.js';

interface Tables {
  pipelineVersions: { id: string; name: string };
  pipelines: { id: string; name: string };
}

const show = (written: Written) => (written === 'all' ? 'all' : [...written].sort().join(','));

/** The dialect over a real (in-memory) PGlite: what it reports, and when. */
describe('WriteWatchingDialect', () => {
  let db: Kysely<Tables>;
  const reported: string[] = [];

  before(async () => {
    const pglite = await PGlite.create();
    db = new Kysely<Tables>({
      dialect: new WriteWatchingDialect(new PGliteDialect(pglite), (written) => reported.push(show(written))),
      plugins: plugins(),
    });
    await sql`create table pipelines (id text primary key, name text)`.execute(db);
    await sql`create table pipeline_versions (id text primary key, name text)`.execute(db);
    await db.insertInto('pipelines').values({ id: 'p', name: 'n' }).execute();
    await db.insertInto('pipelineVersions').values({ id: 'v', name: 'n' }).execute();
  });
  after(async () => db?.destroy());

  const reset = () => reported.splice(0);

  it('reports inserts, updates and deletes by table (SQL names), not reads', async () => {
    reset();
    await db.selectFrom('pipelineVersions').selectAll().execute();
    await db.selectFrom('pipelines').select('id').forUpdate().execute();
    await sql`select 1`.execute(db);
    assert.deepEqual(reported, []);
    await db.insertInto('pipelines').values({ id: 'p2', name: 'n' }).execute();
    await db.updateTable('pipelineVersions').set({ name: 'm' }).where('id', '=', 'v').execute();
    await db.deleteFrom('pipelines').where('id', '=', 'p2').execute();
    await db.insertInto('pipelines').values({ id: 'p', name: 'x' })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: 'x' })).execute();
    assert.deepEqual(reported, ['pipelines', 'pipeline_versions', 'pipelines', 'pipelines']);
  });

  it('reports raw SQL other than a read as a change to every table', async () => {
    reset();
    await sql`update pipelines set name = 'raw'`.execute(db);
    assert.deepEqual(reported, ['all']);
  });

  it('reports a transaction\'s writes only once it has committed', async () => {
    reset();
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('pipelineVersions').set({ name: 'in-tx' }).where('id', '=', 'v').execute();
      await trx.updateTable('pipelines').set({ name: 'in-tx' }).where('id', '=', 'p').execute();
      assert.deepEqual(reported, [], 'nothing before commit: a reader could still fill the cache with the old row');
    });
    assert.deepEqual(reported, ['pipeline_versions,pipelines']);
  });

  it('reports nothing for a transaction rolled back', async () => {
    reset();
    await assert.rejects(db.transaction().execute(async (trx) => {
      await trx.updateTable('pipelineVersions').set({ name: 'undone' }).where('id', '=', 'v').execute();
      throw new Error('roll back');
    }), /roll back/);
    assert.deepEqual(reported, []);
    const row = await db.selectFrom('pipelineVersions').select('name').where('id', '=', 'v').executeTakeFirstOrThrow();
    assert.equal(row.name, 'in-tx');
  });
});

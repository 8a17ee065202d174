import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../../src/store/database.js';
import { foldVersionStateDeltas, readStoreCounts } from '../../src/store/metric-counts.js';
import { STORES } from '../helpers/server.js';
import { insertStreamVersion, migratedStore } from '../helpers/store-rows.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/** What `group by state` over every version says: the maintained counts must always agree with it. */
async function countedByScan(database: Database): Promise<Record<string, number>> {
  const { rows } = await sql<{ state: string; count: number }>`select state, count(*)::int as count from pipeline_versions group by state`.execute(database.db);
  return Object.fromEntries(rows.map((r) => [r.state, r.count]));
}

async function maintained(database: Database): Promise<Record<string, number>> {
  const counts = await readStoreCounts(database.db);
  return Object.fromEntries(counts.versionsByState.map((r) => [r.state, r.count]));
}

/** Versions by state as /metrics reads them (migration 0016's trigger and fold), against a full scan, on both stores. */
for (const kind of STORES) {
  describe(`version state counts [${kind}]`, () => {
    let opened: Awaited<ReturnType<typeof migratedStore>> | undefined;
    let database: Database;
    const ids: string[] = [];

    before(async () => {
      opened = await migratedStore(kind, 'version state counts');
      database = opened.database;
      for (let i = 0; i < 6; i++) ids.push((await insertStreamVersion(database.db, NOW)).versionId);
    });
    after(async () => {
      await opened?.dispose();
    });

    const setState = (id: string, state: string) => database.db.updateTable('pipelineVersions').set({ state }).where('id', '=', id).execute();

    it('counts inserts, state changes (and only those) and deletes, before and after folding', async () => {
      assert.deepEqual(await maintained(database), { ready: 6 });
      await setState(ids[0], 'running');
      await setState(ids[1], 'running');
      await setState(ids[2], 'paused');
      // An update that leaves the state as it was appends nothing.
      const before = (await database.db.selectFrom('versionStateDeltas').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
      await database.db.updateTable('pipelineVersions').set({ updated: NOW }).where('id', '=', ids[3]).execute();
      await setState(ids[3], 'ready');
      const afterNoop = (await database.db.selectFrom('versionStateDeltas').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
      assert.equal(afterNoop, before);
      // Unfolded deltas are counted as well as folded ones.
      const { rows } = await sql<{ state: string; n: number }>`select state, sum(delta)::int as n from version_state_deltas group by state`.execute(database.db);
      assert.ok(rows.length > 0, 'the state changes are appended as deltas');
      assert.deepEqual(await maintained(database), await countedByScan(database));
      assert.deepEqual(await maintained(database), { ready: 3, running: 2, paused: 1 });
      await database.db.deleteFrom('pipelineVersions').where('id', '=', ids[5]).execute();
      await setState(ids[1], 'ready');
      assert.deepEqual(await maintained(database), { ready: 3, running: 1, paused: 1 });
      assert.deepEqual(await maintained(database), await countedByScan(database));
    });

    it('folds the deltas away, and two folds at once neither lose nor double a change', async () => {
      for (const id of ids.slice(0, 4)) await setState(id, 'scheduled');
      await Promise.all([foldVersionStateDeltas(database.db), foldVersionStateDeltas(database.db), setState(ids[4], 'running')]);
      await foldVersionStateDeltas(database.db);
      const left = await database.db.selectFrom('versionStateDeltas').selectAll().execute();
      assert.deepEqual(left, []);
      assert.deepEqual(await maintained(database), await countedByScan(database));
      assert.deepEqual(await maintained(database), { scheduled: 4, running: 1 });
    });

    it('a rolled-back state change counts for nothing', async () => {
      await assert.rejects(database.db.transaction().execute(async (trx) => {
        await trx.updateTable('pipelineVersions').set({ state: 'paused' }).where('id', '=', ids[0]).execute();
        throw new Error('the change failed');
      }));
      assert.deepEqual(await maintained(database), { scheduled: 4, running: 1 });
    });
  });
}

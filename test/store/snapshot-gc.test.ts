import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/store/database.js';
import { deleteExpiredSnapshots } from '../../src/store/snapshots.js';
import { STORES } from '../helpers/server.js';
import { insertStreamVersion, migratedStore, STORE_OWNER as OWNER } from '../helpers/store-rows.js';

const DAY = 24 * 3600_000;
const NOW = new Date('2026-06-01T00:00:00Z');

/**
 * The garbage collector's rule, in the one statement that applies it, on both stores: old
 * snapshots go unless a paused version resumes from one, an operation in flight asked to start
 * from one, or a live job started from one and has not checkpointed since.
 */
for (const kind of STORES) {
  describe(`snapshot garbage collection rule [${kind}]`, () => {
    let opened: Awaited<ReturnType<typeof migratedStore>> | undefined;
    let database: Database;
    let ids: { pipelineId: string; versionId: string; templateId: string };

    before(async () => {
      opened = await migratedStore(kind, 'snapshot gc rule');
      database = opened.database;
      ids = await insertStreamVersion(database.db, NOW);
    });
    after(async () => {
      await opened?.dispose();
    });

    async function snapshot(ageDays: number) {
      const id = randomUUID();
      await database.db.insertInto('snapshots').values({
        id, realm: OWNER.realm, ...ids, jobId: randomUUID(), reason: 'pause', location: `/data/snapshots/${id}`,
        created: new Date(NOW.getTime() - ageDays * DAY),
      }).execute();
      return { id, location: `/data/snapshots/${id}` };
    }

    async function job(state: string, restoreLocation: string, latestCheckpoint: string | null) {
      await database.db.insertInto('jobs').values({
        id: randomUUID(), realm: OWNER.realm, pipelineId: ids.pipelineId, versionId: ids.versionId, operationId: randomUUID(),
        state, message: null, catalogVersions: null, runAsId: null, executionMode: 'on-demand', highAvailability: false,
        runtime: 'local-jvm', owner: 'r1', handle: null, exitCode: null, stopRequested: null,
        stopDeadline: null, startDeadline: null, created: NOW, updated: NOW, ended: null, resolverBaseline: null,
        restoreLocation, latestCheckpoint,
      }).execute();
    }

    async function operation(state: string, request: Record<string, unknown>) {
      await database.db.insertInto('operations').values({
        id: randomUUID(), realm: OWNER.realm, pipelineId: ids.pipelineId, versionId: ids.versionId, requestType: 'activate',
        state, message: null, userId: 'u', clientId: null, runAsId: null, options: '{}', request: JSON.stringify(request),
        // Only one user operation may be in flight per version: the finished ones are plain history.
        byService: state === 'accepted' ? false : true, claimedBy: null, leaseUntil: null, deadline: null, created: NOW, updated: NOW,
      }).execute();
    }

    it('deletes only what is past the retention and not needed, and says which', async () => {
      const young = await snapshot(1);
      const old = await snapshot(9);
      const resumedFrom = await snapshot(10);
      const askedFor = await snapshot(11);
      const askedForDone = await snapshot(11.5);
      const startingFrom = await snapshot(12);
      const runningNoCheckpoint = await snapshot(13);
      const runningCheckpointed = await snapshot(14);
      const endedJob = await snapshot(15);
      await database.db.updateTable('pipelineVersions').set({ state: 'paused', runMode: 'stream', resumeSnapshot: resumedFrom.id })
        .where('id', '=', ids.versionId).execute();
      await operation('accepted', { snapshotId: askedFor.id });
      await operation('failed', { snapshotId: askedForDone.id });
      await job('starting', startingFrom.location, null);
      await job('running', runningNoCheckpoint.location, null);
      await job('running', runningCheckpointed.location, '/w/checkpoints/chk-1');
      await job('failed', endedJob.location, null);

      const deleted = await deleteExpiredSnapshots(database.db, new Date(NOW.getTime() - 7 * DAY), 100);
      assert.deepEqual(
        deleted.map((s) => s.id).sort(),
        [old.id, askedForDone.id, runningCheckpointed.id, endedJob.id].sort(),
      );
      assert.equal(deleted.find((s) => s.id === old.id)?.location, old.location);
      const left = (await database.db.selectFrom('snapshots').select('id').execute()).map((r) => r.id).sort();
      assert.deepEqual(left, [young.id, resumedFrom.id, askedFor.id, startingFrom.id, runningNoCheckpoint.id].sort());
      assert.deepEqual(await deleteExpiredSnapshots(database.db, new Date(NOW.getTime() - 7 * DAY), 100), [], 'nothing left to take');
    });

    it('takes at most `limit` per statement, oldest first', async () => {
      const batch = [await snapshot(30), await snapshot(31), await snapshot(32)];
      const first = await deleteExpiredSnapshots(database.db, new Date(NOW.getTime() - 7 * DAY), 2);
      assert.deepEqual(first.map((s) => s.id).sort(), [batch[1].id, batch[2].id].sort());
      const second = await deleteExpiredSnapshots(database.db, new Date(NOW.getTime() - 7 * DAY), 2);
      assert.deepEqual(second.map((s) => s.id), [batch[0].id]);
    });
  });
}

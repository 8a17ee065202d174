import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/store/database.js';
import { expiredJobFolders, recordJobFoldersRemoved } from '../../src/store/job-folders.js';
import { STORES } from '../helpers/server.js';
import { insertStreamVersion, migratedStore, STORE_OWNER as OWNER } from '../helpers/store-rows.js';

const DAY = 24 * 3600_000;
const NOW = new Date('2026-06-01T00:00:00Z');
const RETENTION = 7 * DAY;

/**
 * Which ended jobs' folders the collector may remove, in the one statement that says so, on
 * both stores: ended past the retention, on this replica's disk, not removed already, not the
 * pipeline's last job (its checkpoints serve useLatestCheckpoint), and not the folder a live job
 * restored from and has not checkpointed since.
 */
for (const kind of STORES) {
  describe(`job folder retention rule [${kind}]`, () => {
    let opened: Awaited<ReturnType<typeof migratedStore>> | undefined;
    let database: Database;

    before(async () => {
      opened = await migratedStore(kind, 'job folder rule');
      database = opened.database;
    });
    after(async () => {
      await opened?.dispose();
    });

    const pipelineVersion = () => insertStreamVersion(database.db, NOW);

    interface JobOptions {
      state?: string;
      endedDaysAgo?: number | null;
      owner?: string;
      restoreLocation?: string | null;
      latestCheckpoint?: string | null;
    }

    /** Jobs are numbered in insertion order (seq): the last one inserted is the pipeline's last job. */
    async function job(of: { pipelineId: string; versionId: string }, options: JobOptions = {}) {
      const id = randomUUID();
      const ended = options.endedDaysAgo === null ? null : new Date(NOW.getTime() - (options.endedDaysAgo ?? 10) * DAY);
      await database.db.insertInto('jobs').values({
        id, realm: OWNER.realm, pipelineId: of.pipelineId, versionId: of.versionId, operationId: randomUUID(), state: options.state ?? 'completed', message: null,
        catalogVersions: null, runAsId: null, executionMode: 'on-demand', highAvailability: false, runtime: 'local-jvm',
        owner: options.owner ?? 'r1', handle: null, exitCode: null,
        stopRequested: null, stopDeadline: null, startDeadline: null, created: NOW, updated: NOW, ended, resolverBaseline: null,
        restoreLocation: options.restoreLocation ?? null, latestCheckpoint: options.latestCheckpoint ?? null,
      }).execute();
      return { id, checkpoint: options.latestCheckpoint ?? null };
    }

    const expired = async (limit = 100) => (await expiredJobFolders(database.db, 'r1', new Date(NOW.getTime() - RETENTION), limit));

    it('lists the folders past the retention that nothing needs, oldest first, and not again once removed', async () => {
      const p = await pipelineVersion();
      const old = await job(p, { endedDaysAgo: 9, state: 'failed' });
      const older = await job(p, { endedDaysAgo: 20, state: 'canceled' });
      await job(p, { endedDaysAgo: 1 });
      await job(p, { endedDaysAgo: 30, owner: 'r2' });
      const restoredFrom = await job(p, { endedDaysAgo: 12, latestCheckpoint: 'file:///data/jobs/a/checkpoints/chk-4' });
      const restoredCheckpointed = await job(p, { endedDaysAgo: 13, latestCheckpoint: 'file:///data/jobs/b/checkpoints/chk-2' });
      await job(p, { state: 'running', endedDaysAgo: null, restoreLocation: restoredFrom.checkpoint });
      await job(p, {
        state: 'running', endedDaysAgo: null, restoreLocation: restoredCheckpointed.checkpoint, latestCheckpoint: 'file:///elsewhere/chk-1',
      });
      // The pipeline's last job: old, ended, but useLatestCheckpoint would start from its folder.
      const q = await pipelineVersion();
      const onlyJob = await job(q, { endedDaysAgo: 40 });

      const listed = await expired();
      assert.deepEqual(listed.map((j) => j.id), [older.id, restoredCheckpointed.id, old.id]);
      assert.equal(listed[0].runtime, 'local-jvm');
      assert.ok(!listed.some((j) => j.id === onlyJob.id));

      await recordJobFoldersRemoved(database.db, listed.map((j) => j.id), NOW);
      assert.deepEqual(await expired(), [], 'a removed folder is not listed again');
      const removed = await database.db.selectFrom('jobs').select(['id', 'folderRemoved']).where('folderRemoved', 'is not', null).execute();
      assert.deepEqual(removed.map((r) => r.id).sort(), listed.map((j) => j.id).sort());
      assert.equal(removed[0].folderRemoved?.toISOString(), NOW.toISOString());

      // Once the pipeline has a later job, its earlier last job's folder may go too.
      await job(q, { state: 'running', endedDaysAgo: null });
      assert.deepEqual((await expired()).map((j) => j.id), [onlyJob.id]);
    });

    it('takes at most `limit` at a time, oldest first', async () => {
      // What the test before left listed is not this test's.
      await recordJobFoldersRemoved(database.db, (await expired()).map((j) => j.id), NOW);
      const p = await pipelineVersion();
      const a = await job(p, { endedDaysAgo: 50 });
      const b = await job(p, { endedDaysAgo: 49 });
      await job(p, { endedDaysAgo: 48 });
      assert.deepEqual((await expired(1)).map((j) => j.id), [a.id]);
      assert.deepEqual((await expired(2)).map((j) => j.id), [a.id, b.id]);
    });
  });
}

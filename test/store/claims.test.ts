import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/store/database.js';
import { claimOperations, takeOverJobs } from '../../src/store/operations.js';
import { STORES } from '../helpers/server.js';
import { insertStreamVersion, migratedStore, STORE_OWNER as OWNER } from '../helpers/store-rows.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const LEASE = 30_000;
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

/**
 * The claim rule (store/operations.ts) on both stores: ownership follows the runtime. A local
 * job (no lease) keeps its version's operations with its replica; a remote job's operations go to
 * whoever holds its lease, and anyone may take it over once the lease ran out.
 */
for (const kind of STORES) {
  describe(`claiming operations and taking over jobs [${kind}]`, () => {
    let opened: Awaited<ReturnType<typeof migratedStore>> | undefined;
    let database: Database;

    before(async () => {
      opened = await migratedStore(kind, 'claims');
      database = opened.database;
    });
    after(async () => {
      await opened?.dispose();
    });

    /** A version with an accepted operation, and a live job of `owner` when asked. */
    async function version(job?: { owner: string; leaseUntil: Date | null; state?: string }) {
      const ids = await insertStreamVersion(database.db, NOW);
      const operationId = randomUUID();
      await database.db.insertInto('operations').values({
        id: operationId, realm: OWNER.realm, pipelineId: ids.pipelineId, versionId: ids.versionId, requestType: 'pause', state: 'accepted',
        message: null, userId: 'u', clientId: null, runAsId: null, options: JSON.stringify({}), request: JSON.stringify({}), byService: false,
        claimedBy: null, leaseUntil: null, deadline: at(600), created: NOW, updated: NOW,
      }).execute();
      const jobId = randomUUID();
      if (job) {
        await database.db.insertInto('jobs').values({
          id: jobId, realm: OWNER.realm, pipelineId: ids.pipelineId, versionId: ids.versionId, operationId: randomUUID(), state: job.state ?? 'running',
          message: null, catalogVersions: null, runAsId: null, executionMode: 'on-demand', highAvailability: false,
          runtime: job.leaseUntil ? 'remote-kind:stream-5.0' : 'local-jvm', owner: job.owner, leaseUntil: job.leaseUntil,
          handle: JSON.stringify({ id: 'x' }), exitCode: null, stopRequested: null, stopDeadline: null, startDeadline: null,
          created: NOW, updated: NOW, ended: null, resolverBaseline: null,
        }).execute();
      }
      return { ...ids, operationId, jobId };
    }

    const claimedBy = async (replica: string, now: Date) => new Set((await claimOperations(database.db, replica, now, LEASE, 1000)).map((o) => o.id));
    const ownerOf = async (jobId: string) => (await database.db.selectFrom('jobs').select(['owner', 'leaseUntil']).where('id', '=', jobId).executeTakeFirstOrThrow());

    it('claims an accepted operation once; an expired claim goes to another replica', async () => {
      const v = await version();
      assert.ok((await claimedBy('r1', NOW)).has(v.operationId));
      assert.ok(!(await claimedBy('r2', at(10))).has(v.operationId), 'r1 holds the claim within its lease');
      assert.ok((await claimedBy('r2', at(31))).has(v.operationId), 'r1 stopped renewing: r2 claims it');
    });

    it('a local job keeps its version\'s operations with its replica, however long', async () => {
      const v = await version({ owner: 'r1', leaseUntil: null });
      assert.ok(!(await claimedBy('r2', at(3600))).has(v.operationId));
      assert.ok((await claimedBy('r1', at(3600))).has(v.operationId));
      assert.deepEqual(await takeOverJobs(database.db, 'r2', at(3600), LEASE), [], 'a local job is never taken over');
      assert.equal((await ownerOf(v.jobId)).owner, 'r1');
    });

    it('a remote job: its holder gets the operations within the lease; after it, any replica takes job and operation', async () => {
      const v = await version({ owner: 'r1', leaseUntil: at(30) });
      assert.ok(!(await claimedBy('r2', at(20))).has(v.operationId), 'r1 holds the job');
      assert.deepEqual(await takeOverJobs(database.db, 'r2', at(20), LEASE), [], 'not while the lease runs');
      assert.ok((await claimedBy('r2', at(31))).has(v.operationId), 'the lease ran out: the operation is claimable');
      assert.deepEqual(await takeOverJobs(database.db, 'r2', at(31), LEASE), [v.jobId]);
      assert.deepEqual(await ownerOf(v.jobId), { owner: 'r2', leaseUntil: at(61) });
      assert.deepEqual(await takeOverJobs(database.db, 'r1', at(40), LEASE), [], 'r2 holds it now');
    });

    it('the holder renews its jobs\' leases; ended jobs are left alone', async () => {
      const live = await version({ owner: 'r1', leaseUntil: at(30) });
      const ended = await version({ owner: 'r1', leaseUntil: at(30), state: 'completed' });
      assert.deepEqual(await takeOverJobs(database.db, 'r1', at(25), LEASE), []);
      assert.deepEqual(await ownerOf(live.jobId), { owner: 'r1', leaseUntil: at(55) });
      assert.deepEqual(await ownerOf(ended.jobId), { owner: 'r1', leaseUntil: at(30) });
      const taken = await takeOverJobs(database.db, 'r2', at(3600), LEASE);
      assert.ok(taken.includes(live.jobId) && !taken.includes(ended.jobId), 'only the live one');
    });
  });
}

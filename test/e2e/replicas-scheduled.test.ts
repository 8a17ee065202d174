import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/store/database.js';
import { startScheduledRun, type ScheduledRun } from '../../src/store/triggers.js';
import { deploy, waitForOperation, waitForVersionState, type Deployed } from '../helpers/lifecycle.js';
import { client, createStore, startTestServer, tokenFor, type Request, type Store, type TestServer, jobDataDir } from '../helpers/server.js';
import { REALM } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

interface Replica {
  server: TestServer;
  api: Request;
}

async function jobsOf(api: Request, base: string): Promise<{ id: string; state: string; executionMode: string }[]> {
  return (await api('GET', `${base}/jobs`)).body;
}

/**
 * Two replicas on one PostgreSQL database, each with its own trigger scheduler: a publication,
 * or a cron tick, starts one job, not one per replica. Both poll the catalogs every 50 ms, so
 * their evaluations race at every step; the last test makes the race certain, on the store.
 */
describe('scheduled batch on two replicas [postgres]', () => {
  let store: Store;
  const replicas: Replica[] = [];
  let work: string;

  before(async () => {
    work = await jobDataDir('sluice-replicas-');
    await fs.writeFile(path.join(work, 'in.txt'), 'one two three\n');
    store = await createStore('postgres', 'replicas-scheduled');
    const token = await tokenFor({ realm: REALM, roles: ['OrgAdmin'] });
    // One after the other: the second finds the schema migrated.
    for (const id of ['replica-a', 'replica-b']) {
      const server = await startTestServer(store, { SLUICE_REPLICA_ID: id, SLUICE_CLOCK: 'manual', SLUICE_CATALOG_POLL_MS: '50' });
      replicas.push({ server, api: client(server.url, token) });
    }
  });

  after(async () => {
    for (const replica of replicas) await replica.server.stop();
    await store?.dispose();
  });

  /** Both replicas have polled at least twice more: any duplicate they would start has been started. */
  async function bothPolledTwice(): Promise<void> {
    const counts = await Promise.all(replicas.map(async (r) => (await r.api('GET', '/sluice/v1/triggers/status')).body.poll.count as number));
    await Promise.all(replicas.map((r, i) => waitFor(async () => (await r.api('GET', '/sluice/v1/triggers/status')).body.poll.count >= counts[i] + 2, { what: 'two more polls' })));
  }

  async function settled(api: Request, d: Deployed, jobs: number): Promise<void> {
    await waitFor(async () => {
      const list = await jobsOf(api, d.base);
      return list.length >= jobs && list.every((j) => !['starting', 'running'].includes(j.state));
    }, { timeoutMs: 30_000, what: `${jobs} job(s) ended` });
    await waitForVersionState(api, d.base, 'scheduled');
    await bothPolledTwice();
  }

  async function startedDecisions(api: Request, d: Deployed): Promise<number> {
    const rows = (await api('GET', `/sluice/v1/pipelines/${d.pipelineId}/versions/${d.versionId}/trigger-decisions`)).body as { decision: string }[];
    return rows.filter((r) => r.decision === 'started').length;
  }

  let resolverVersion: Deployed | undefined;

  it('a catalog publication starts exactly one job', async () => {
    const [a, b] = replicas;
    const hrn = `hrn:here:data:::replicas-in-${Date.now()}`;
    const d = await deploy(a.api, {
      example: 'batch-word-count',
      name: 'replicas-resolver',
      inputCatalogs: { text: hrn },
      schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' },
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'in.txt')}\nwordcount.output=${path.join(work, 'resolver-out.txt')}`,
    });
    resolverVersion = d;
    const activate = await a.api('POST', `${d.base}/operations/activate`);
    assert.equal((await waitForOperation(a.api, d.base, activate.body.id)).state, 'succeeded');
    await waitForVersionState(a.api, d.base, 'scheduled');
    for (let publication = 1; publication <= 3; publication++) {
      // Alternate the replica that hears of the publication; the other sees it by polling.
      const via = publication % 2 === 1 ? a : b;
      const res = await via.api('POST', `/sluice/v1/catalogs/${encodeURIComponent(hrn)}/versions`);
      assert.equal(res.status, 201, res.text);
      await settled(a.api, d, publication);
      const jobs = await jobsOf(b.api, d.base);
      assert.equal(jobs.length, publication, JSON.stringify(jobs));
      assert.ok(jobs.every((j) => j.state === 'completed'), JSON.stringify(jobs));
      assert.equal(await startedDecisions(a.api, d), publication);
    }
  });

  it('a cron tick seen by both replicas starts exactly one job', async () => {
    const [a, b] = replicas;
    const d = await deploy(a.api, {
      example: 'batch-word-count',
      name: 'replicas-cron',
      inputCatalogs: { text: `hrn:here:data:::replicas-cron-${Date.now()}` },
      schedulerConfiguration: { timeTriggerOptions: { cronJobExpression: '0 * * * *', processingType: 'force' } },
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'in.txt')}\nwordcount.output=${path.join(work, 'cron-out.txt')}`,
    });
    await a.api('POST', `${d.base}/operations/activate`);
    for (let tick = 1; tick <= 3; tick++) {
      const version = await waitFor(async () => {
        const v = (await b.api('GET', d.base)).body;
        return v.state === 'scheduled' && v.nextJobAttempt ? v : undefined;
      }, { what: 'nextJobAttempt' });
      const due = new Date(version.nextJobAttempt);
      // Both clocks move together: both schedulers wake and try to take the tick.
      const moved = await Promise.all(replicas.map((r) => r.api('POST', '/sluice/v1/clock', { body: { now: new Date(due.getTime() + 1000).toISOString() } })));
      for (const res of moved) assert.equal(res.status, 200, res.text);
      await settled(a.api, d, tick);
      const jobs = await jobsOf(a.api, d.base);
      assert.equal(jobs.length, tick, JSON.stringify(jobs));
      assert.ok(jobs.every((j) => j.executionMode === 'time-schedule'), JSON.stringify(jobs));
      assert.equal(await startedDecisions(b.api, d), tick);
      const after = (await a.api('GET', d.base)).body;
      assert.ok(new Date(after.nextJobAttempt) > due, `${after.nextJobAttempt} after ${due.toISOString()}`);
    }
  });

  it('two starts from one evaluation make one job; a start from an evaluation that missed a job makes none', async () => {
    const d = resolverVersion!;
    const jobs = await jobsOf(replicas[0].api, d.base);
    const database = await openDatabase(loadConfig({ ...store.env }));
    try {
      const run = (lastJobId: string | null): ScheduledRun => {
        const jobId = randomUUID();
        const at = new Date();
        return {
          versionId: d.versionId, jobId, lastJobId, runtimeFor: () => ({ runtime: 'local-jvm', leaseUntil: null }), owner: 'no-such-replica',
          executionMode: 'scheduled', catalogVersions: {}, message: 'test', startDeadline: new Date(at.getTime() + 600_000), at,
        };
      };
      // Evaluated before the last job (or before any): stale, whatever the version's state.
      assert.equal(await startScheduledRun(database.db, run(jobs[1].id)), 'stale');
      assert.equal(await startScheduledRun(database.db, run(null)), 'stale');
      // Two replicas acting on the same evaluation at the same moment: one job.
      const outcomes = await Promise.all([startScheduledRun(database.db, run(jobs[0].id)), startScheduledRun(database.db, run(jobs[0].id))]);
      assert.deepEqual(outcomes.sort(), ['not-scheduled', 'started']);
      assert.equal((await jobsOf(replicas[0].api, d.base)).length, jobs.length + 1);
    } finally {
      await database.close();
    }
  });
});

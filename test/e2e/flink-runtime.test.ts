/**
 * Stream versions on a Flink session cluster, end to end through the public API on both stores,
 * against the fake JobManager (its own process, real HTTP): activate → running → pause (a
 * savepoint) → resume from it → upgrade → cancel; useLatestCheckpoint; a failing job with its
 * root exception in the message; the cluster unreachable for a while, then back.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { builtInCatalog } from '../../src/domain/runtime-catalog.js';
import { startFakeJobManager, type FakeJobRecord } from '../helpers/flink-fake.js';
import { addVersion, deploy, runOperation, waitForJob, waitForVersionState, type Deployed } from '../helpers/lifecycle.js';
import { describeOnStores } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

const fake = await startFakeJobManager({ checkpointIntervalMs: 100, savepointPolls: 2 });
after(() => fake.stop());

// The cluster fetches a job's files from Sluice: Sluice needs an address known before it starts.
const port = await new Promise<number>((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address() as net.AddressInfo;
    probe.close(() => resolve(free));
  });
});
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-flink-e2e-'));
const catalogFile = path.join(work, 'runtime-catalog.json');
await fs.writeFile(catalogFile, JSON.stringify({
  ...builtInCatalog,
  runtimeBindings: {
    'stream-5.0': {
      kind: 'flink', restUrl: fake.restUrl, savepointBase: 'file:/flink/savepoints', checkpointBase: 'file:/flink/checkpoints',
      pollIntervalMs: 100, requestTimeoutMs: 1000,
    },
  },
}));
after(() => fs.rm(work, { recursive: true, force: true }));

const flinkIdOf = (jobId: string) => jobId.replace(/-/g, '');

describeOnStores('stream versions on a Flink session cluster (fake JobManager)', (ctx) => {
  const operate = (d: Deployed | { base: string }, type: string, body?: unknown) => runOperation(ctx.api, d.base, type, body, 30_000);
  const onCluster = async (jobId: string, flinkJobId = flinkIdOf(jobId)) =>
    waitFor(() => fake.job(flinkJobId), { what: `Flink job of ${jobId}` }) as Promise<FakeJobRecord>;

  async function running(name: string) {
    const d = await deploy(ctx.api, { example: 'stream-counter', name, customRuntimeConfiguration: `counter.output=/nowhere/${name}.txt` });
    const activate = await operate(d, 'activate');
    assert.equal(activate.state, 'succeeded', activate.message);
    const job = await waitForJob(ctx.api, d.base, ['running']);
    return { d, job };
  }

  it('runs, pauses to a savepoint, resumes from it, upgrades and cancels', async () => {
    const { d, job } = await running(`lifecycle-${ctx.kind}`);
    const first = await onCluster(job.id);
    assert.equal(first.state, 'RUNNING');
    assert.equal(first.entryClass, 'com.example.counter.Counter');
    assert.equal(first.parallelism, 1);
    assert.equal(first.savepointPath, null);
    assert.equal(first.flinkConfiguration['state.checkpoints.dir'], 'file:/flink/checkpoints');
    // main() read its files from Sluice while the run request was open; they are gone after.
    assert.match(first.fetchedFiles['application.properties'], /counter\.output=\/nowhere\/lifecycle/);
    assert.match(first.fetchedFiles['pipeline-config.conf'], /"hrn": "hrn:here:data:::output-catalog"/);
    const fileUrl = first.programArgsList[first.programArgsList.indexOf('--application.properties') + 1];
    assert.equal((await fetch(fileUrl)).status, 404, 'the job files link is withdrawn once the run request returned');
    const jarsAfterFirst = (await fake.jars()).length;

    // Its loggingUrl leads to the job's page in the Flink web UI.
    const token = await ctx.tokenFor({ realm: 'realm-a', roles: ['OrgAdmin'] });
    const log = await fetch(`${ctx.server.url}/sluice/v1/jobs/${job.id}/log`, { redirect: 'manual', headers: { authorization: `Bearer ${token}` } });
    assert.equal(log.status, 302);
    assert.equal(log.headers.get('location'), `${fake.restUrl}/#/job/running/${first.id}/overview`);

    const pause = await operate(d, 'pause');
    assert.equal(pause.state, 'succeeded', pause.message);
    const stopped = await fake.job(first.id);
    assert.equal(stopped?.state, 'FINISHED');
    assert.equal(stopped?.savepoints.length, 1);
    const savepoint = stopped!.savepoints[0];
    assert.match(savepoint, /^file:\/flink\/savepoints\/[0-9a-f-]{36}\/savepoint-[0-9a-f]{6}-[0-9a-f]{12}$/);
    const snapshots = (await ctx.api('GET', `/v2/pipelines/${d.pipelineId}/snapshots`)).body;
    assert.equal(snapshots.length, 1);
    assert.ok(savepoint.includes(snapshots[0].id), 'the savepoint is written under the snapshot\'s id');

    const resume = await operate(d, 'resume');
    assert.equal(resume.state, 'succeeded', resume.message);
    const resumed = await waitForJob(ctx.api, d.base, ['running']);
    assert.notEqual(resumed.id, job.id);
    assert.equal((await onCluster(resumed.id)).savepointPath, savepoint, 'resumed from the savepoint');
    assert.equal((await fake.jars()).length, jarsAfterFirst, 'the package\'s JAR was uploaded once');

    const target = await addVersion(ctx.api, d);
    const upgrade = await operate(d, 'upgrade', { toVersionId: target });
    assert.equal(upgrade.state, 'succeeded', upgrade.message);
    const targetBase = `/v2/pipelines/${d.pipelineId}/versions/${target}`;
    const upgraded = await waitForJob(ctx.api, targetBase, ['running']);
    const upgradedOnCluster = await onCluster(upgraded.id);
    const resumedOnCluster = await fake.job(flinkIdOf(resumed.id));
    assert.equal(resumedOnCluster?.state, 'FINISHED');
    assert.equal(upgradedOnCluster.savepointPath, resumedOnCluster?.savepoints[0], 'the new version starts from the old one\'s savepoint');

    const cancel = await operate({ base: targetBase }, 'cancel');
    assert.equal(cancel.state, 'succeeded', cancel.message);
    await waitFor(async () => (await fake.job(upgradedOnCluster.id))?.state === 'CANCELED', { what: 'the Flink job canceled' });
    await waitForVersionState(ctx.api, targetBase, 'ready');
  });

  it('starts from the latest checkpoint when asked to', async () => {
    const { d, job } = await running(`checkpoint-${ctx.kind}`);
    await waitFor(async () => (await ctx.api('GET', `${d.base}/jobs`)).body[0]?.id === job.id, { what: 'job listed' });
    // Checkpoints appear on the cluster every 100 ms; Sluice records the newest as it sees it.
    await waitFor(async () => {
      const res = await fetch(`${fake.restUrl}/jobs/${flinkIdOf(job.id)}/checkpoints`);
      return ((await res.json()) as { counts: { completed: number } }).counts.completed >= 2;
    }, { what: 'two checkpoints' });
    const cancel = await operate(d, 'cancel');
    assert.equal(cancel.state, 'succeeded', cancel.message);
    await waitForVersionState(ctx.api, d.base, 'ready');
    const activate = await operate(d, 'activate', { useLatestCheckpoint: true });
    assert.equal(activate.state, 'succeeded', activate.message);
    const again = await waitForJob(ctx.api, d.base, ['running']);
    const onFlink = await onCluster(again.id);
    assert.match(onFlink.savepointPath ?? '', new RegExp(`^file:/flink/checkpoints/${flinkIdOf(job.id)}/chk-\\d+$`));
    await operate(d, 'cancel');
  });

  it('says why a job failed: the root exception, not a stack dump', async () => {
    const { d, job } = await running(`failing-${ctx.kind}`);
    await fake.failJob(flinkIdOf(job.id), { exceptionName: 'java.lang.IllegalStateException', message: 'bad record at offset 42' });
    const ended = await waitForJob(ctx.api, d.base, ['failed']);
    assert.equal(ended.id, job.id);
    const operations = (await ctx.api('GET', `${d.base}/operations`)).body as { requestType: string; message?: string }[];
    const messages = operations.map((o) => o.message ?? '').join('\n');
    assert.match(messages, /java\.lang\.IllegalStateException: bad record at offset 42/);
    assert.doesNotMatch(messages, /\tat /);
  });

  it('keeps a job as it was while the cluster cannot be reached, and carries on when it answers', async () => {
    const { d, job } = await running(`unreachable-${ctx.kind}`);
    await fake.unreachableFor(1500);
    // Several polls fail meanwhile; the job stays running in Sluice.
    await waitFor(async () => !(await fake.restUp()), { what: 'the cluster gone' });
    await waitFor(async () => fake.restUp(), { what: 'the cluster back', timeoutMs: 10_000 });
    const jobs = (await ctx.api('GET', `${d.base}/jobs`)).body as { id: string; state: string }[];
    assert.equal(jobs.find((j) => j.id === job.id)?.state, 'running');
    assert.equal((await ctx.api('GET', d.base)).body.state, 'running');
    const pause = await operate(d, 'pause');
    assert.equal(pause.state, 'succeeded', pause.message);
  });
}, {
  env: {
    SLUICE_RUNTIME_CATALOG: catalogFile,
    PORT: String(port),
    SLUICE_PUBLIC_URL: `http://127.0.0.1:${port}`,
  },
});

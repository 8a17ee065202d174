import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { addVersion, deploy, runOperation, waitForJob, waitForVersionState, type Deployed } from '../helpers/lifecycle.js';
import { breaksIn, countPast, countsIn, jobLog, killOnly, waitForLog } from '../helpers/stream.js';
import { describeOnStores } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';
import { jobDataDir } from '../helpers/server.js';

const counterConfig = (output: string, more = '') =>
  `counter.output=${output}\ncounter.interval-ms=20\ncounter.checkpoint-interval-ms=300\n${more}`;

describeOnStores('stream state: snapshots, checkpoints, restarts', (ctx) => {
  let work: string;
  before(async () => { work = await jobDataDir('sluice-stream-'); });

  const operate = (d: Deployed | { base: string }, type: string, body?: unknown) => runOperation(ctx.api, d.base, type, body, 60_000);

  async function jobById(base: string, id: string) {
    const jobs = (await ctx.api('GET', `${base}/jobs`)).body as { id: string; state: string }[];
    return jobs.find((j) => j.id === id);
  }

  async function running(name: string, more = '', activate: Record<string, unknown> = {}) {
    const output = path.join(work, `${name}.txt`);
    const d = await deploy(ctx.api, { example: 'stream-counter', name, customRuntimeConfiguration: counterConfig(output, more) });
    assert.equal((await operate(d, 'activate', activate)).state, 'succeeded');
    const job = await waitForJob(ctx.api, d.base, ['running']);
    return { d, output, job };
  }

  it('pause saves the state in a snapshot and resume continues from exactly it', async () => {
    const { d, output, job } = await running('pause-resume');
    await countPast(output, 20);
    const pause = await operate(d, 'pause');
    assert.equal(pause.state, 'succeeded', pause.message);
    assert.equal((await ctx.api('GET', d.base)).body.state, 'paused');
    const stopped = (await jobById(d.base, job.id))!;
    assert.equal(stopped.state, 'canceled');
    const counts = await countsIn(output);
    const last = counts[counts.length - 1];
    assert.match(await jobLog(ctx.api, job.id), new RegExp(`snapshot written at count ${last}\\b`));

    const listing = await ctx.api('GET', `/v2/pipelines/${d.pipelineId}/snapshots`);
    assert.equal(listing.status, 201);
    assert.equal(listing.body.length, 1);
    const snapshot = listing.body[0];
    assert.deepEqual(
      { jobId: snapshot.jobId, pipelineId: snapshot.pipelineId, pipelineVersionId: snapshot.pipelineVersionId, templateId: snapshot.templateId },
      { jobId: job.id, pipelineId: d.pipelineId, pipelineVersionId: d.versionId, templateId: d.templateId },
    );
    assert.match(pause.message, new RegExp(snapshot.id));
    assert.deepEqual((await ctx.api('GET', `/v2/pipelines/${d.pipelineId}/snapshots/${snapshot.id}`)).body, snapshot);

    const resume = await operate(d, 'resume');
    assert.equal(resume.state, 'succeeded', resume.message);
    assert.match(resume.message, new RegExp(`from snapshot ${snapshot.id}`));
    const resumed = await waitForJob(ctx.api, d.base, ['running']);
    assert.notEqual(resumed.id, job.id);
    await waitForLog(ctx.api, resumed.id, new RegExp(`restored count ${last} from`));
    const after = await countPast(output, last + 10);
    assert.deepEqual(breaksIn(after), [], 'the count continues from the snapshot: no reset, nothing counted twice');
    assert.equal((await operate(d, 'cancel')).state, 'succeeded');
  });

  it('upgrade hands the state to the target version through a snapshot', async () => {
    const { d, output, job } = await running('upgrade');
    await countPast(output, 15);
    const target = await addVersion(ctx.api, d, { customRuntimeConfiguration: counterConfig(output) });
    const upgrade = await operate(d, 'upgrade', { toVersionId: target });
    assert.equal(upgrade.state, 'succeeded', upgrade.message);
    assert.equal((await ctx.api('GET', d.base)).body.state, 'ready');
    const targetBase = `/v2/pipelines/${d.pipelineId}/versions/${target}`;
    assert.equal((await ctx.api('GET', targetBase)).body.state, 'running');
    assert.equal((await jobById(d.base, job.id))!.state, 'canceled');
    const [snapshot] = (await ctx.api('GET', `/v2/pipelines/${d.pipelineId}/snapshots`)).body;
    assert.equal(snapshot.pipelineVersionId, d.versionId);
    const targetJob = await waitForJob(ctx.api, targetBase, ['running']);
    // The target may already be counting on: what the source saved is in the source's log.
    const last = Number((await waitForLog(ctx.api, job.id, /snapshot written at count (\d+)/))[1]);
    await waitForLog(ctx.api, targetJob.id, new RegExp(`restored count ${last} from .*${snapshot.id}`));
    assert.deepEqual(breaksIn(await countPast(output, last + 10)), []);
    assert.equal((await operate({ base: targetBase }, 'cancel')).state, 'succeeded');
  });

  it('an upgrade whose target job fails leaves the source running from the snapshot', async () => {
    const { d, output, job } = await running('upgrade-fails');
    await countPast(output, 10);
    // The target's job dies at start: its interval is not a number.
    const target = await addVersion(ctx.api, d, { customRuntimeConfiguration: counterConfig(output, 'counter.interval-ms=soon') });
    const upgrade = await operate(d, 'upgrade', { toVersionId: target });
    assert.equal(upgrade.state, 'failed');
    assert.match(upgrade.message, /failed.*started again from snapshot/s);
    const targetBase = `/v2/pipelines/${d.pipelineId}/versions/${target}`;
    assert.equal((await ctx.api('GET', targetBase)).body.state, 'ready');
    assert.equal((await ctx.api('GET', d.base)).body.state, 'running');
    const saved = Number((await waitForLog(ctx.api, job.id, /snapshot written at count (\d+)/))[1]);
    const again = await waitForJob(ctx.api, d.base, ['running']);
    assert.notEqual(again.id, job.id);
    await waitForLog(ctx.api, again.id, new RegExp(`restored count ${saved} from`));
    assert.deepEqual(breaksIn(await countPast(output, saved + 5)), []);
    const ops = (await ctx.api('GET', `${d.base}/operations`)).body as { requestType: string; message: string }[];
    assert.ok(ops.some((o) => o.requestType === 'restart' && /Restarted this version from snapshot/.test(o.message)));
    assert.equal((await operate(d, 'cancel')).state, 'succeeded');
  });

  it('activates from a snapshot id of the pipeline; another pipeline\'s snapshot or an unknown id is 400', async () => {
    const { d, output } = await running('from-snapshot');
    await countPast(output, 10);
    assert.equal((await operate(d, 'pause')).state, 'succeeded');
    const [snapshot] = (await ctx.api('GET', `/v2/pipelines/${d.pipelineId}/snapshots`)).body;
    const saved = (await countsIn(output)).at(-1)!;
    assert.equal((await operate(d, 'deactivate')).state, 'succeeded');

    const other = await deploy(ctx.api, { example: 'stream-counter', name: 'other-pipeline' });
    const foreign = await ctx.api('POST', `${other.base}/operations/activate`, { body: { snapshotId: snapshot.id } });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.errors[0].field, '/snapshotId');
    const unknown = await ctx.api('POST', `${d.base}/operations/activate`, { body: { snapshotId: '00000000-0000-4000-8000-000000000000' } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.errors[0].field, '/snapshotId');

    // Counting went on meanwhile in nobody's output; the version starts again from the saved count.
    assert.equal((await operate(d, 'activate', { snapshotId: snapshot.id })).state, 'succeeded');
    const job = await waitForJob(ctx.api, d.base, ['running']);
    await waitForLog(ctx.api, job.id, new RegExp(`restored count ${saved} from`));
    assert.deepEqual(breaksIn(await countPast(output, saved + 5)), []);
    assert.equal((await operate(d, 'cancel')).state, 'succeeded');
  });

  it('activates from the latest checkpoint of the pipeline\'s last job; without one it is 400', async () => {
    const fresh = await deploy(ctx.api, { example: 'stream-counter', name: 'no-checkpoint' });
    const none = await ctx.api('POST', `${fresh.base}/operations/activate`, { body: { useLatestCheckpoint: true } });
    assert.equal(none.status, 400);
    assert.equal(none.body.errors[0].field, '/useLatestCheckpoint');

    const { d, output, job } = await running('from-checkpoint');
    await countPast(output, 60); // past a few checkpoints (every 300 ms)
    assert.equal((await operate(d, 'cancel')).state, 'succeeded');
    assert.equal((await operate(d, 'activate', { useLatestCheckpoint: true })).state, 'succeeded');
    const restarted = await waitForJob(ctx.api, d.base, ['running']);
    const [, count, folder] = await waitForLog(ctx.api, restarted.id, /restored count (\d+) from (\S+)/);
    assert.ok(folder.includes(path.join(job.id, 'checkpoints', 'chk-')), folder);
    assert.equal(Number((await fs.readFile(path.join(folder, 'count'), 'utf8')).trim()), Number(count));
    // The newest checkpoint: none written after it by the canceled job.
    const newest = (await fs.readdir(path.dirname(folder))).filter((n) => n.startsWith('chk-')).sort().at(-1);
    assert.equal(path.basename(folder), newest);
    assert.equal((await operate(d, 'cancel')).state, 'succeeded');
  });

  it('a job that ignores SIGTERM: pause fails after the grace period and the job keeps running', async () => {
    const { d, output, job } = await running('stubborn', 'counter.on-sigterm=ignore');
    await countPast(output, 5);
    const pause = await operate(d, 'pause');
    assert.equal(pause.state, 'failed');
    assert.match(pause.message, /did not write its snapshot and stop within 3 s/);
    assert.equal((await ctx.api('GET', d.base)).body.state, 'running');
    assert.equal((await jobById(d.base, job.id))!.state, 'running');
    const now = (await countsIn(output)).at(-1)!;
    await countPast(output, now + 5); // still counting
    assert.deepEqual((await ctx.api('GET', `/v2/pipelines/${d.pipelineId}/snapshots`)).body, []);
    // Cancel does not wait for it: SIGKILL after the stop grace period.
    assert.equal((await operate(d, 'cancel')).state, 'succeeded');
    assert.equal((await ctx.api('GET', d.base)).body.state, 'ready');
  });

  it('a job killed from outside restarts from its checkpoint, until the restart budget is spent', async () => {
    const { d, output, job } = await running('restarts', '', { highAvailability: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      await countPast(output, ((await countsIn(output)).at(-1) ?? 0) + 30);
      await waitFor(async () => (await killOnly(`-Dsluice.job.id=${job.id}.${attempt}`)) > 0, { what: `attempt ${attempt} to be killed` });
      const [, count, folder] = await waitForLog(ctx.api, job.id, new RegExp(`attempt ${attempt + 1} from (?:\\S+)[\\s\\S]*restored count (\\d+) from (\\S+)`));
      assert.ok(folder.includes(`${job.id}/checkpoints/chk-`), folder);
      assert.equal(Number((await fs.readFile(path.join(folder, 'count'), 'utf8').catch(() => count)).trim()), Number(count));
      assert.equal((await jobById(d.base, job.id))!.state, 'running');
      assert.equal((await ctx.api('GET', d.base)).body.state, 'running');
    }
    const restarts = (await ctx.api('GET', `${d.base}/operations`)).body.filter((o: { requestType: string }) => o.requestType === 'restart');
    assert.equal(restarts.length, 2);
    assert.match(restarts[0].message, /Restarted from checkpoint chk-\d+ of job/);
    // The third death is past the budget (2 in the window here): the version goes to ready.
    await countPast(output, ((await countsIn(output)).at(-1) ?? 0) + 10);
    await waitFor(async () => (await killOnly(`-Dsluice.job.id=${job.id}.2`)) > 0, { what: 'attempt 2 to be killed' });
    await waitForVersionState(ctx.api, d.base, 'ready');
    const ended = (await jobById(d.base, job.id))!;
    assert.equal(ended.state, 'failed');
    const ops = (await ctx.api('GET', `${d.base}/operations`)).body;
    assert.match(ops.find((o: { requestType: string }) => o.requestType === 'job_terminate_to_ready').message, /restarted 2 times within 10 min/);
  });

  it('a logging configuration changed while the job runs reaches it, and later jobs', async () => {
    const { d, job } = await running('logging');
    assert.doesNotMatch(await jobLog(ctx.api, job.id), /DEBUG count/);
    const put = await ctx.api('PUT', `${d.base}/logging-configuration`, { body: { configuration: { loggers: { root: { level: 'debug' } } } } });
    assert.equal(put.status, 200, put.text);
    await waitForLog(ctx.api, job.id, /log level now debug[\s\S]*DEBUG count \d+/, 30_000);
    assert.equal((await operate(d, 'pause')).state, 'succeeded');
    assert.equal((await operate(d, 'resume')).state, 'succeeded');
    const next = await waitForJob(ctx.api, d.base, ['running']);
    await waitForLog(ctx.api, next.id, /DEBUG count \d+/);
    assert.equal((await operate(d, 'cancel')).state, 'succeeded');
  });
}, { env: { SLUICE_SNAPSHOT_GRACE_MS: '3000', SLUICE_STOP_GRACE_MS: '2000', SLUICE_STREAM_RESTART_LIMIT: '2', SLUICE_UPGRADE_SETTLE_MS: '2000' } });

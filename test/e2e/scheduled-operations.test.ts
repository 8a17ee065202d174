import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { addVersion, deploy, runOperation, waitForJob, waitForVersionState, type Deployed } from '../helpers/lifecycle.js';
import type { Request } from '../helpers/server.js';
import { describeOnStores } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

const publish = (api: Request, hrn: string) => api('POST', `/sluice/v1/catalogs/${encodeURIComponent(hrn)}/versions`);

async function operate(api: Request, base: string, type: string, body?: unknown) {
  const op = await runOperation(api, base, type, body);
  assert.equal(op.state, 'succeeded', `${type}: ${op.message}`);
  return op;
}

describeOnStores('operations on scheduled batch versions', (ctx) => {
  let work: string;
  before(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-schedops-'));
    await fs.writeFile(path.join(work, 'in.txt'), 'one two\n');
  });

  async function resolverVersion(name: string, delayMs = 0): Promise<Deployed & { hrn: string }> {
    const hrn = `hrn:here:data:::${name}-${Date.now()}`;
    const d = await deploy(ctx.api, {
      example: 'batch-word-count',
      name,
      inputCatalogs: { text: hrn },
      schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' },
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'in.txt')}\nwordcount.output=${path.join(work, `${name}.txt`)}\nwordcount.line-delay-ms=${delayMs}`,
    });
    await operate(ctx.api, d.base, 'activate');
    await waitForVersionState(ctx.api, d.base, 'scheduled');
    return { ...d, hrn };
  }

  it('pause stops new runs, resume brings them back', async () => {
    const d = await resolverVersion('pause-resume');
    await operate(ctx.api, d.base, 'pause');
    assert.equal((await ctx.api('GET', d.base)).body.state, 'paused');
    await publish(ctx.api, d.hrn);
    const decisions = () => ctx.api('GET', `/sluice/v1/pipelines/${d.pipelineId}/versions/${d.versionId}/trigger-decisions`);
    await waitFor(async () => (await decisions()).body.some((x: { reason: string }) => /paused/.test(x.reason)), { what: 'a skip while paused' });
    assert.deepEqual((await ctx.api('GET', `${d.base}/jobs`)).body, []);
    await operate(ctx.api, d.base, 'resume');
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed']);
    assert.equal(job.state, 'completed');
    await waitForVersionState(ctx.api, d.base, 'scheduled');
  });

  it('deactivate of a paused version lets the running job finish, then ready', async () => {
    const d = await resolverVersion('deactivate-running', 1500);
    await publish(ctx.api, d.hrn);
    await waitForJob(ctx.api, d.base, ['running']);
    await operate(ctx.api, d.base, 'pause');
    const op = await operate(ctx.api, d.base, 'deactivate');
    assert.match(op.message, /running job ends/);
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed', 'canceled']);
    assert.equal(job.state, 'completed', 'the job was not stopped');
    await waitForVersionState(ctx.api, d.base, 'ready');
  });

  it('deactivate while a job runs is accepted (202): the job completes, the version ends ready, no new run', async () => {
    const d = await resolverVersion('deactivate-during-run', 1500);
    await publish(ctx.api, d.hrn);
    await waitForJob(ctx.api, d.base, ['running']);
    assert.equal((await ctx.api('GET', d.base)).body.state, 'running');
    const accepted = await ctx.api('POST', `${d.base}/operations/deactivate`);
    assert.equal(accepted.status, 202, accepted.text);
    // A catalog change while the job still runs would schedule the next run; after a deactivate it must not.
    await publish(ctx.api, d.hrn);
    const op = await waitFor(async () => {
      const current = (await ctx.api('GET', `${d.base}/operations/${accepted.body.id}`)).body;
      return ['succeeded', 'failed'].includes(current.state) ? current : undefined;
    }, { what: 'the deactivate operation' });
    assert.equal(op.state, 'succeeded', op.message);
    assert.match(op.message, /running job ends/);
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed', 'canceled']);
    assert.equal(job.state, 'completed', 'the job was not stopped');
    await waitForVersionState(ctx.api, d.base, 'ready');
    const jobs = (await ctx.api('GET', `${d.base}/jobs`)).body;
    assert.equal(jobs.length, 1, JSON.stringify(jobs));
    // Ready is not scheduled: the catalog change published during the run is never acted on.
    const decisions = (await ctx.api('GET', `/sluice/v1/pipelines/${d.pipelineId}/versions/${d.versionId}/trigger-decisions`)).body;
    assert.equal(decisions.filter((x: { decision: string }) => x.decision === 'started').length, 1, JSON.stringify(decisions));
  });

  it('cancel stops a running scheduled job', async () => {
    const d = await resolverVersion('cancel-running', 60_000);
    await publish(ctx.api, d.hrn);
    await waitForJob(ctx.api, d.base, ['running']);
    await operate(ctx.api, d.base, 'cancel');
    assert.equal((await ctx.api('GET', `${d.base}/jobs`)).body[0].state, 'canceled');
    assert.equal((await ctx.api('GET', d.base)).body.state, 'ready');
  });

  it('upgrade hands the schedule to a ready version of the same pipeline', async () => {
    const d = await resolverVersion('upgrade-source');
    const targetId = await addVersion(ctx.api, d, {
      name: 'upgrade-target',
      schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' },
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'in.txt')}\nwordcount.output=${path.join(work, 'upgrade-target.txt')}`,
    });
    const target = `/v2/pipelines/${d.pipelineId}/versions/${targetId}`;
    // Refusals: not a version of this pipeline, itself, a run-now target.
    const runNowId = await addVersion(ctx.api, d, { name: 'run-now-target' });
    const bad = await ctx.api('POST', `${d.base}/operations/upgrade`, { body: { toVersionId: runNowId } });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.errors[0].field, '/toVersionId');
    assert.equal((await ctx.api('POST', `${d.base}/operations/upgrade`, { body: { toVersionId: d.versionId } })).status, 400);
    assert.equal((await ctx.api('POST', `${d.base}/operations/upgrade`, { body: {} })).status, 400);
    await operate(ctx.api, d.base, 'upgrade', { toVersionId: targetId });
    await waitForVersionState(ctx.api, d.base, 'ready');
    await waitForVersionState(ctx.api, target, 'scheduled');
    await publish(ctx.api, d.hrn);
    const job = await waitForJob(ctx.api, target, ['completed', 'failed']);
    assert.equal(job.state, 'completed');
    assert.deepEqual((await ctx.api('GET', `${d.base}/jobs`)).body, []);
  });
}, { env: { SLUICE_CATALOG_POLL_MS: '60000' } });

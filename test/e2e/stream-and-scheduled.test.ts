import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { deploy, waitForJob, waitForOperation, waitForVersionState } from '../helpers/lifecycle.js';
import { describeOnStores } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';
import { jobDataDir } from '../helpers/server.js';

describeOnStores('stream and scheduled versions', (ctx) => {
  let work: string;
  before(async () => { work = await jobDataDir('sluice-kinds-'); });

  it('runs a stream job until it is canceled', async () => {
    const output = path.join(work, 'counter.txt');
    const d = await deploy(ctx.api, { example: 'stream-counter', customRuntimeConfiguration: `counter.output=${output}\ncounter.interval-ms=20` });
    const activate = await ctx.api('POST', `${d.base}/operations/activate`, { body: { highAvailability: true } });
    assert.equal(activate.status, 202, activate.text);
    assert.deepEqual(activate.body.options, { highAvailability: true });
    assert.equal((await waitForOperation(ctx.api, d.base, activate.body.id)).state, 'succeeded');
    const job = await waitForJob(ctx.api, d.base, ['running']);
    assert.equal(job.highAvailability, true);
    // The job really counts: its output grows.
    await waitFor(async () => (await fs.readFile(output, 'utf8').catch(() => '')).split('\n').length > 5, { what: 'the counter to count' });
    // Deactivate is for paused stream versions only: refused while running, naming the state.
    const deactivate = await ctx.api('POST', `${d.base}/operations/deactivate`);
    assert.equal(deactivate.status, 400);
    assert.match(deactivate.body.message, /running/);
    const cancel = await ctx.api('POST', `${d.base}/operations/cancel`);
    assert.equal((await waitForOperation(ctx.api, d.base, cancel.body.id)).state, 'succeeded');
    assert.equal((await ctx.api('GET', `${d.base}/jobs`)).body[0].state, 'canceled');
    assert.equal((await ctx.api('GET', d.base)).body.state, 'ready');
  });

  it('refuses a stream activation with catalog versions', async () => {
    const d = await deploy(ctx.api, { example: 'stream-counter', name: 'stream-with-pins' });
    const res = await ctx.api('POST', `${d.base}/operations/activate`, { body: { outputCatalog: { baseVersion: 1 } } });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, '/outputCatalog');
  });

  it('activates a scheduled batch version to `scheduled`; deactivate and cancel return it to ready', async () => {
    const d = await deploy(ctx.api, {
      example: 'batch-word-count',
      name: 'cron-pipeline',
      schedulerConfiguration: { timeTriggerOptions: { cronJobExpression: '0 0 1 1 *', processingType: 'force' } },
    });
    const activate = await ctx.api('POST', `${d.base}/operations/activate`);
    assert.equal((await waitForOperation(ctx.api, d.base, activate.body.id)).state, 'succeeded');
    await waitForVersionState(ctx.api, d.base, 'scheduled');
    // Scheduler configuration changes only in ready.
    const put = await ctx.api('PUT', `${d.base}/scheduler-configuration`, { body: { catalogTriggerOptions: 'version_resolver' } });
    assert.equal(put.status, 400);
    assert.match(put.body.message, /scheduled/);
    const deactivate = await ctx.api('POST', `${d.base}/operations/deactivate`);
    assert.equal(deactivate.status, 202, deactivate.text);
    assert.equal((await waitForOperation(ctx.api, d.base, deactivate.body.id)).state, 'succeeded');
    await waitForVersionState(ctx.api, d.base, 'ready');
    const again = await ctx.api('POST', `${d.base}/operations/activate`);
    assert.equal((await waitForOperation(ctx.api, d.base, again.body.id)).state, 'succeeded');
    const cancel = await ctx.api('POST', `${d.base}/operations/cancel`);
    assert.equal((await waitForOperation(ctx.api, d.base, cancel.body.id)).state, 'succeeded');
    await waitForVersionState(ctx.api, d.base, 'ready');
    assert.deepEqual((await ctx.api('GET', `${d.base}/jobs`)).body, [], 'no trigger fired, so no job');
    const types = (await ctx.api('GET', `${d.base}/operations`)).body.map((o: { requestType: string }) => o.requestType);
    assert.deepEqual(types, ['cancel', 'activate', 'deactivate', 'activate']);
  });

  it('pins catalog versions on a version_resolver version: one run now, and the resolver configuration is cleared', async () => {
    await fs.writeFile(path.join(work, 'in.txt'), 'a b c\n');
    const d = await deploy(ctx.api, {
      example: 'batch-word-count',
      name: 'resolver-pipeline',
      schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' },
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'in.txt')}\nwordcount.output=${path.join(work, 'resolver-out.txt')}`,
    });
    const activate = await ctx.api('POST', `${d.base}/operations/activate`, {
      body: { inputCatalogs: { text: { processingType: 'reprocess', version: 4 } }, outputCatalog: { baseVersion: -1 } },
    });
    assert.equal(activate.status, 202, activate.text);
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed']);
    assert.equal(job.state, 'completed');
    await waitForVersionState(ctx.api, d.base, 'ready');
    assert.deepEqual((await ctx.api('GET', `${d.base}/scheduler-configuration`)).body, {});
  });
});

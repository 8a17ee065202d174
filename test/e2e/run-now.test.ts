import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { deploy, waitForJob, waitForOperation, waitForVersionState } from '../helpers/lifecycle.js';
import { describeOnStores } from '../helpers/suite.js';
import { jobDataDir } from '../helpers/server.js';

describeOnStores('run-now batch jobs', (ctx) => {
  let work: string;
  before(async () => {
    work = await jobDataDir('sluice-e2e-');
    await fs.mkdir(path.join(work, 'in'));
    await fs.writeFile(path.join(work, 'in', 'a.txt'), 'the quick fox\nthe lazy dog\n');
    await fs.mkdir(path.join(work, 'poisoned'));
    await fs.writeFile(path.join(work, 'poisoned', 'a.txt'), 'good words\nPOISON here\n');
  });
  const props = (input: string, output: string, extra = '') =>
    `wordcount.input=${path.join(work, input)}\nwordcount.output=${path.join(work, output)}\n${extra}`;

  it('runs a batch job to completion and returns the version to ready', async () => {
    const d = await deploy(ctx.api, {
      example: 'batch-word-count',
      inputCatalogs: { text: 'hrn:here:data:::run-now-texts' },
      customRuntimeConfiguration: props('in', 'out-1.txt'),
    });
    // Versions 0 and 1 of the input: a run-now without pinned versions reprocesses the latest.
    for (let i = 0; i < 2; i++) await ctx.api('POST', `/sluice/v1/catalogs/${encodeURIComponent('hrn:here:data:::run-now-texts')}/versions`);
    const activate = await ctx.api('POST', `${d.base}/operations/activate`);
    assert.equal(activate.status, 202, activate.text);
    assert.equal(activate.body.requestType, 'activate');
    assert.equal(activate.body.state, 'accepted');
    assert.equal(activate.body.userId, 'user-1');
    const op = await waitForOperation(ctx.api, d.base, activate.body.id);
    assert.equal(op.state, 'succeeded', op.message);
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed']);
    assert.equal(job.state, 'completed');
    assert.equal(job.executionMode, 'on-demand');
    assert.deepEqual(job.catalogVersions, { inputCatalogs: { text: { processingType: 'reprocess', version: 1 } }, outputCatalog: { baseVersion: -1 } });
    assert.equal(job.highAvailability, false);
    await waitForVersionState(ctx.api, d.base, 'ready');
    assert.equal(await fs.readFile(path.join(work, 'out-1.txt'), 'utf8'), 'dog\t1\nfox\t1\nlazy\t1\nquick\t1\nthe\t2\n');
    const ops = (await ctx.api('GET', `${d.base}/operations`)).body;
    assert.deepEqual(ops.map((o: { requestType: string }) => o.requestType), ['job_terminate_to_ready', 'activate']);
    assert.equal(ops[0].userId, 'sluice-service');
    const verbose = (await ctx.api('GET', `${d.base}?verbose=true`)).body;
    assert.equal(verbose.latestOperation.id, ops[0].id);
    assert.equal(verbose.latestJob.id, job.id);
    assert.equal(verbose.latestJob.state, 'completed');
    const listed = (await ctx.api('GET', `/v2/pipelines/${d.pipelineId}/versions?verbose=true`)).body;
    assert.equal(listed[0].latestJob.id, job.id);
    assert.equal((await ctx.api('GET', d.base)).body.latestJob, undefined);
    const log = await fetch(job.loggingUrl, { headers: { authorization: `Bearer ${await ctx.tokenFor({ realm: 'realm-a' })}` } });
    assert.equal(log.status, 200);
    assert.match(await log.text(), new RegExp(`job ${job.id} of version ${d.versionId}`));
    const foreign = await fetch(job.loggingUrl, { headers: { authorization: `Bearer ${await ctx.tokenFor({ realm: 'realm-b' })}` } });
    assert.equal(foreign.status, 404);
  });

  it('records a failing job as failed with its exit code and log in the message', async () => {
    const d = await deploy(ctx.api, { example: 'batch-word-count', customRuntimeConfiguration: props('poisoned', 'out-2.txt') });
    const activate = await ctx.api('POST', `${d.base}/operations/activate`);
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed']);
    assert.equal(job.state, 'failed');
    await waitForVersionState(ctx.api, d.base, 'ready');
    const ops = (await ctx.api('GET', `${d.base}/operations`)).body;
    assert.equal(ops[0].requestType, 'job_terminate_to_ready');
    assert.match(ops[0].message, /exited with code 1/);
    assert.match(ops[0].message, /poisoned input/);
    assert.equal((await waitForOperation(ctx.api, d.base, activate.body.id)).state, 'succeeded');
  });

  it('runs with explicit catalog versions: on the Job and in pipeline-job.conf as the job saw it', async () => {
    const d = await deploy(ctx.api, { example: 'batch-word-count', customRuntimeConfiguration: props('in', 'out-3.txt') });
    const body = {
      inputCatalogs: { text: { processingType: 'changes', sinceVersion: 3, version: 7 } },
      outputCatalog: { baseVersion: 12 },
      runAsId: 'hrn:here:account::realm-a:app/batch-runner',
    };
    const activate = await ctx.api('POST', `${d.base}/operations/activate`, { body });
    assert.equal(activate.status, 202, activate.text);
    assert.equal(activate.body.runAsId, body.runAsId);
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed']);
    assert.equal(job.state, 'completed');
    assert.deepEqual(job.catalogVersions, { inputCatalogs: body.inputCatalogs, outputCatalog: body.outputCatalog });
    assert.equal(job.runAsId, body.runAsId);
    const log = await (await fetch(job.loggingUrl, { headers: { authorization: `Bearer ${await ctx.tokenFor({ realm: 'realm-a' })}` } })).text();
    assert.match(log, /output base-version: 12/);
    assert.match(log, /input text: processing-type=changes since-version=3 version=7/);
  });

  it('refuses bad activation bodies with 400 and stores no operation', async () => {
    const d = await deploy(ctx.api, { example: 'batch-word-count', customRuntimeConfiguration: props('in', 'out-4.txt') });
    const bad: [Record<string, unknown>, string][] = [
      [{ inputCatalogs: { text: { processingType: 'changes', version: 7 } }, outputCatalog: { baseVersion: 1 } }, '/inputCatalogs/text/sinceVersion'],
      [{ inputCatalogs: { other: { processingType: 'reprocess', version: 7 } }, outputCatalog: { baseVersion: 1 } }, '/inputCatalogs/other'],
      [{ inputCatalogs: { text: { processingType: 'sometimes', version: 7 } }, outputCatalog: { baseVersion: 1 } }, '/inputCatalogs/text/processingType'],
      [{ inputCatalogs: { text: { processingType: 'reprocess', version: 7 } } }, '/outputCatalog'],
      [{ runAsId: 'me' }, '/runAsId'],
      [{ highAvailability: 'yes' }, '/highAvailability'],
    ];
    for (const [body, field] of bad) {
      const res = await ctx.api('POST', `${d.base}/operations/activate`, { body });
      assert.equal(res.status, 400, res.text);
      assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), `${field}: ${res.text}`);
    }
    assert.deepEqual((await ctx.api('GET', `${d.base}/operations`)).body, []);
  });

  it('cancels a long job: SIGTERM, job canceled, version ready', async () => {
    const d = await deploy(ctx.api, { example: 'batch-word-count', customRuntimeConfiguration: props('in', 'out-5.txt', 'wordcount.line-delay-ms=60000') });
    await ctx.api('POST', `${d.base}/operations/activate`);
    await waitForJob(ctx.api, d.base, ['running']);
    await waitForVersionState(ctx.api, d.base, 'running');
    const cancel = await ctx.api('POST', `${d.base}/operations/cancel`);
    assert.equal(cancel.status, 202, cancel.text);
    const op = await waitForOperation(ctx.api, d.base, cancel.body.id);
    assert.equal(op.state, 'succeeded', op.message);
    const job = (await ctx.api('GET', `${d.base}/jobs`)).body[0];
    assert.equal(job.state, 'canceled');
    assert.equal((await ctx.api('GET', d.base)).body.state, 'ready');
    await assert.rejects(fs.stat(path.join(work, 'out-5.txt')));
  });

  it('accepts exactly one of 50 concurrent activates, and refuses operations while one is pending', async () => {
    const d = await deploy(ctx.api, { example: 'batch-word-count', customRuntimeConfiguration: props('in', 'out-6.txt', 'wordcount.line-delay-ms=60000') });
    const results = await Promise.all(Array.from({ length: 50 }, () => ctx.api('POST', `${d.base}/operations/activate`)));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 202).length, 1, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 400).length, 49);
    const refused = results.find((r) => r.status === 400)!;
    assert.match(refused.body.message, /(being processed|running)/);
    const accepted = results.find((r) => r.status === 202)!;
    assert.equal((await waitForOperation(ctx.api, d.base, accepted.body.id)).state, 'succeeded');
    await waitForVersionState(ctx.api, d.base, 'running');
    // One active version per pipeline: another version's activate is refused while this one runs.
    const other = await ctx.api('POST', `/v2/pipelines/${d.pipelineId}/versions`, {
      body: { name: 'version-two', pipelineTemplateId: d.templateId, inputCatalogs: { text: 'hrn:here:data:::text-catalog' }, outputCatalogHRN: 'hrn:here:data:::output-catalog' },
    });
    const second = await ctx.api('POST', `/v2/pipelines/${d.pipelineId}/versions/${other.body.id}/operations/activate`);
    assert.equal(second.status, 400);
    assert.match(second.body.message, /only one version may be active/);
    // A running version cannot be deleted, nor its pipeline.
    assert.equal((await ctx.api('DELETE', d.base)).status, 412);
    assert.equal((await ctx.api('DELETE', `/v2/pipelines/${d.pipelineId}`)).status, 412);
    const cancel = await ctx.api('POST', `${d.base}/operations/cancel`);
    assert.equal((await waitForOperation(ctx.api, d.base, cancel.body.id)).state, 'succeeded');
  });
});

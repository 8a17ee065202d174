import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { deploy, runOperation, waitForJob, waitForVersionState, type Deployed } from '../helpers/lifecycle.js';
import { countOf, scrape, valueOf, type Families } from '../helpers/metrics.js';
import { jobDataDir } from '../helpers/server.js';
import { describeOnStores } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A scripted run (a batch job that completes, one that fails, a stream version paused and
 * resumed), then the counters and histograms compared with what the API says happened: every
 * operation, job end, launch, snapshot and event of the run, counted exactly once.
 */
describeOnStores('engine metrics and events of a scripted run', (ctx) => {
  it('count exactly the operations, jobs, snapshots and events of the run', async () => {
    const work = await jobDataDir('sluice-engine-metrics-');
    await fs.writeFile(path.join(work, 'in.txt'), 'one two two\n');
    const before = await scrape(ctx.api);
    const since = (await ctx.api('GET', '/sluice/v1/events?since=0&limit=1000')).body.next;

    const ok = await deploy(ctx.api, { example: 'batch-word-count', name: 'completes',
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'in.txt')}\nwordcount.output=${path.join(work, 'out.txt')}` });
    const bad = await deploy(ctx.api, { example: 'batch-word-count', name: 'fails',
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'missing.txt')}\nwordcount.output=${path.join(work, 'never.txt')}` });
    const stream = await deploy(ctx.api, { example: 'stream-counter', name: 'paused',
      customRuntimeConfiguration: `counter.output=${path.join(work, 'count.txt')}\ncounter.interval-ms=20\ncounter.checkpoint-interval-ms=300\n` });
    const operate = async (d: Deployed, type: string) => {
      const operation = await runOperation(ctx.api, d.base, type, undefined, 60_000);
      return { state: operation.state === 'succeeded' ? operation.state : `${operation.state}: ${operation.message}` };
    };

    assert.equal((await operate(ok, 'activate')).state, 'succeeded');
    assert.equal((await operate(bad, 'activate')).state, 'succeeded');
    await waitForVersionState(ctx.api, ok.base, 'ready', 60_000);
    await waitForVersionState(ctx.api, bad.base, 'ready', 60_000);
    assert.equal((await operate(stream, 'activate')).state, 'succeeded');
    await waitForJob(ctx.api, stream.base, ['running'], 60_000);
    // Paused once it counts: a TERM before the job's main() has set up its snapshot hook ends it with
    // no snapshot (exit 143), which is the example's start-up window, not what this test measures.
    await waitFor(async () => (await fs.readFile(path.join(work, 'count.txt'), 'utf8').catch(() => '')).length > 0, { timeoutMs: 60_000, what: 'the stream job counting' });
    assert.equal((await operate(stream, 'pause')).state, 'succeeded');
    assert.equal((await operate(stream, 'resume')).state, 'succeeded');
    await waitForJob(ctx.api, stream.base, ['running'], 60_000);

    // What the API says happened.
    const versions = [ok, bad, stream];
    const operations = (await Promise.all(versions.map(async (d) => (await ctx.api('GET', `${d.base}/operations`)).body as { requestType: string; state: string; userId: string }[])))
      .flat().filter((o) => o.userId !== 'sluice-service');
    const jobs = (await Promise.all(versions.map(async (d) => (await ctx.api('GET', `${d.base}/jobs`)).body as { state: string }[]))).flat();
    assert.equal(jobs.filter((j) => j.state === 'completed').length, 1);
    assert.equal(jobs.filter((j) => j.state === 'failed').length, 1);
    const events = ((await ctx.api('GET', `/sluice/v1/events?since=${since}&limit=1000`)).body.events as { type: string; partitionkey: string; data: Record<string, unknown> }[])
      .filter((e) => versions.some((d) => d.versionId === e.partitionkey));
    const ofType = (type: string, d?: Deployed) => events.filter((e) => e.type === type && (!d || e.partitionkey === d.versionId));

    // The events each version should have, in words.
    assert.equal(ofType('sluice.job.completed', ok).length, 1);
    assert.equal(ofType('sluice.job.failed', bad).length, 1);
    assert.equal(ofType('sluice.job.completed', bad).length + ofType('sluice.job.failed', ok).length, 0);
    assert.equal(ofType('sluice.snapshot.taken', stream).length, 1);
    assert.deepEqual(ofType('sluice.version.state_changed', stream).map((e) => `${e.data.from}>${e.data.to}`), ['ready>running', 'running>paused', 'paused>running']);
    assert.deepEqual(ofType('sluice.version.state_changed', ok).map((e) => `${e.data.from}>${e.data.to}`), ['ready>running', 'running>ready']);
    assert.equal(ofType('sluice.operation.succeeded').length, operations.filter((o) => o.state === 'succeeded').length);
    assert.equal(ofType('sluice.operation.failed').length, operations.filter((o) => o.state === 'failed').length);

    // The metrics: the difference over the run, exactly.
    const after = await waitFor(async () => {
      const families = await scrape(ctx.api);
      return countOf(families, 'sluice_operation_duration_seconds') - countOf(before, 'sluice_operation_duration_seconds') >= operations.length ? families : undefined;
    }, { what: 'every operation counted' });
    const delta = (f: (x: Families) => number) => f(after) - f(before);
    for (const requestType of ['activate', 'pause', 'resume']) {
      for (const outcome of ['succeeded', 'failed']) {
        assert.equal(delta((x) => countOf(x, 'sluice_operation_duration_seconds', { request_type: requestType, outcome })),
          operations.filter((o) => o.requestType === requestType && o.state === outcome).length, `${requestType} ${outcome}`);
      }
    }
    for (const state of ['completed', 'failed', 'canceled']) {
      assert.equal(delta((x) => countOf(x, 'sluice_job_duration_seconds', { state })), jobs.filter((j) => j.state === state).length, `jobs ${state}`);
    }
    assert.equal(delta((x) => countOf(x, 'sluice_job_launch_latency_seconds', { runtime: 'local-jvm' })), ofType('sluice.job.started').length);
    assert.ok(ofType('sluice.job.started', stream).length >= 2, 'the stream job ran before the pause and after the resume');
    assert.equal(delta((x) => countOf(x, 'sluice_snapshot_duration_seconds', { reason: 'pause' })), 1);
    assert.equal(delta((x) => valueOf(x, 'sluice_job_restarts_total')), 0);
    for (const type of new Set(events.map((e) => e.type))) {
      assert.equal(delta((x) => valueOf(x, 'sluice_events_total', { type })), ofType(type).length, type);
    }
  });
});

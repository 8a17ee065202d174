import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { deploy, waitForOperation, waitForVersionState } from '../helpers/lifecycle.js';
import type { Request } from '../helpers/server.js';
import { describeOnStores } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';
import { jobDataDir } from '../helpers/server.js';

const publish = (api: Request, hrn: string) => api('POST', `/sluice/v1/catalogs/${encodeURIComponent(hrn)}/versions`);

async function jobs(api: Request, base: string) {
  return (await api('GET', `${base}/jobs`)).body as { id: string; state: string; executionMode: string; catalogVersions: any; loggingUrl: string }[];
}

async function waitForJobCount(api: Request, base: string, count: number, ended = true) {
  return waitFor(async () => {
    const list = await jobs(api, base);
    return list.length === count && (!ended || !['starting', 'running'].includes(list[0].state)) ? list : undefined;
  }, { timeoutMs: 30_000, what: `${count} job(s)${ended ? ' ended' : ''}` });
}

describeOnStores('scheduled batch versions', (ctx) => {
  let work: string;
  before(async () => { work = await jobDataDir('sluice-sched-'); });

  it('runs on catalog publications through the version resolver, and keeps the baseline on failure', async () => {
    const input = path.join(work, 'resolver-in.txt');
    await fs.writeFile(input, 'alpha beta\n');
    const hrn = `hrn:here:data:::texts-${Date.now()}`;
    const d = await deploy(ctx.api, {
      example: 'batch-word-count',
      name: 'resolver-runs',
      inputCatalogs: { text: hrn },
      schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' },
      customRuntimeConfiguration: `wordcount.input=${input}\nwordcount.output=${path.join(work, 'resolver-out.txt')}`,
    });
    const activate = await ctx.api('POST', `${d.base}/operations/activate`);
    assert.equal((await waitForOperation(ctx.api, d.base, activate.body.id)).state, 'succeeded');
    await waitForVersionState(ctx.api, d.base, 'scheduled');
    const decisions = () => ctx.api('GET', `/sluice/v1/pipelines/${d.pipelineId}/versions/${d.versionId}/trigger-decisions`);
    await waitFor(async () => (await decisions()).body.some((x: { reason: string }) => /no input catalog has a version/.test(x.reason)), { what: 'the activation decision' });
    assert.equal((await jobs(ctx.api, d.base)).length, 0);

    // First publication: reprocess at version 0.
    assert.equal((await publish(ctx.api, hrn)).body.version, 0);
    let list = await waitForJobCount(ctx.api, d.base, 1);
    assert.equal(list[0].state, 'completed');
    assert.equal(list[0].executionMode, 'scheduled');
    assert.deepEqual(list[0].catalogVersions, { inputCatalogs: { text: { processingType: 'reprocess', version: 0 } }, outputCatalog: { baseVersion: -1 } });
    const log = await (await fetch(list[0].loggingUrl, { headers: { authorization: `Bearer ${await ctx.tokenFor({ realm: 'realm-a' })}` } })).text();
    assert.match(log, /input text: processing-type=reprocess since-version=null version=0/);
    await waitForVersionState(ctx.api, d.base, 'scheduled');
    const types = (await ctx.api('GET', `${d.base}/operations`)).body.map((o: { requestType: string }) => o.requestType);
    assert.deepEqual(types, ['job_terminate', 'run', 'activate']);

    // Poisoned input: the run fails and the baseline stays at 0.
    await fs.writeFile(input, 'alpha POISON\n');
    await publish(ctx.api, hrn);
    list = await waitForJobCount(ctx.api, d.base, 2);
    assert.equal(list[0].state, 'failed');
    assert.deepEqual(list[0].catalogVersions.inputCatalogs.text, { processingType: 'changes', sinceVersion: 0, version: 1 });
    await waitForVersionState(ctx.api, d.base, 'scheduled');
    // The failed range is not retried in a loop: polls wait for a new version.
    await waitFor(async () => (await decisions()).body.some((x: { reason: string }) => /already tried/.test(x.reason)), { what: 'a poll that waits' });
    assert.equal((await jobs(ctx.api, d.base)).length, 2);

    // Fixed input, next publication: the same changes are covered again, now up to 2.
    await fs.writeFile(input, 'alpha gamma\n');
    await publish(ctx.api, hrn);
    list = await waitForJobCount(ctx.api, d.base, 3);
    assert.equal(list[0].state, 'completed');
    assert.deepEqual(list[0].catalogVersions.inputCatalogs.text, { processingType: 'changes', sinceVersion: 0, version: 2 });
    const started = (await decisions()).body.filter((x: { decision: string }) => x.decision === 'started');
    assert.equal(started.length, 3);
    assert.equal(started[0].trigger, 'publish');
    assert.deepEqual(started[0].observed.latest, { text: 2 });
  });

  it('does not run when nothing was published (polls only record skips)', async () => {
    const hrn = `hrn:here:data:::quiet-${Date.now()}`;
    await publish(ctx.api, hrn);
    const d = await deploy(ctx.api, {
      example: 'batch-word-count',
      name: 'resolver-quiet',
      inputCatalogs: { text: hrn },
      schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' },
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'missing')}\nwordcount.output=${path.join(work, 'quiet-out.txt')}`,
    });
    await ctx.api('POST', `${d.base}/operations/activate`);
    // The activation itself runs once (first run: reprocess at 0); it fails (missing input), baseline stays empty.
    await waitForJobCount(ctx.api, d.base, 1);
    await waitForVersionState(ctx.api, d.base, 'scheduled');
    const decisions = () => ctx.api('GET', `/sluice/v1/pipelines/${d.pipelineId}/versions/${d.versionId}/trigger-decisions`);
    // Several polls later (SLUICE_CATALOG_POLL_MS is short here), still one job, as nothing was published.
    // A poll that decides as the one before is counted on that decision's row, not written again.
    type Row = { trigger: string; decision: string; reason: string; evaluations: number; at: string; lastEvaluated: string };
    const polls = async () => ((await decisions()).body as Row[]).filter((x) => x.trigger === 'poll');
    // A poll may land while the activation's own run is under way (skipped for that reason); once
    // that run has failed, every poll sees the same.
    const settled = (rows: Row[]) => rows.filter((x) => /already tried/.test(x.reason));
    await waitFor(async () => settled(await polls()).reduce((n, x) => n + x.evaluations, 0) >= 2, { timeoutMs: 20_000, what: 'two polls' });
    const seen = await polls();
    assert.ok(seen.every((x) => x.decision === 'skipped'), JSON.stringify(seen));
    assert.equal(settled(seen).length, 1, JSON.stringify(seen));
    assert.ok(settled(seen)[0].lastEvaluated > settled(seen)[0].at, JSON.stringify(seen));
    assert.equal((await jobs(ctx.api, d.base)).length, 1);
  });

  it('fires a cron schedule on a driven clock: force always runs, ticks collapse, nextJobAttempt shown', async () => {
    const d = await deploy(ctx.api, {
      example: 'batch-word-count',
      name: 'cron-runs',
      inputCatalogs: { text: `hrn:here:data:::cron-in-${Date.now()}` },
      schedulerConfiguration: { timeTriggerOptions: { cronJobExpression: '0 * * * *', processingType: 'force' } },
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'resolver-in.txt')}\nwordcount.output=${path.join(work, 'cron-out.txt')}`,
    });
    await ctx.api('POST', `${d.base}/operations/activate`);
    const scheduled = await waitFor(async () => {
      const v = (await ctx.api('GET', d.base)).body;
      return v.state === 'scheduled' && v.nextJobAttempt ? v : undefined;
    }, { what: 'nextJobAttempt' });
    const next = new Date(scheduled.nextJobAttempt);
    assert.equal(next.getUTCMinutes(), 0);
    assert.equal(next.getUTCSeconds(), 0);
    // Jump three hours past the tick: one run, not three.
    const clock = await ctx.api('POST', '/sluice/v1/clock', { body: { now: new Date(next.getTime() + 3 * 3600_000 + 1000).toISOString() } });
    assert.equal(clock.status, 200, clock.text);
    const list = await waitForJobCount(ctx.api, d.base, 1);
    assert.equal(list[0].executionMode, 'time-schedule');
    assert.deepEqual(list[0].catalogVersions.inputCatalogs.text, { processingType: 'no_changes', version: -1 });
    await waitForVersionState(ctx.api, d.base, 'scheduled');
    const after = (await ctx.api('GET', d.base)).body;
    assert.ok(new Date(after.nextJobAttempt) > new Date(next.getTime() + 3 * 3600_000), after.nextJobAttempt);
    assert.equal((await jobs(ctx.api, d.base)).length, 1);
    // The schedule survives a restart: ticks missed meanwhile run once, from the stored last tick.
    await ctx.restart();
    await ctx.api('POST', '/sluice/v1/clock', { body: { now: new Date(next.getTime() + 6 * 3600_000 + 1000).toISOString() } });
    await waitForJobCount(ctx.api, d.base, 2);
    await waitForVersionState(ctx.api, d.base, 'scheduled');
    assert.equal((await jobs(ctx.api, d.base)).length, 2);
  });
}, { env: { SLUICE_CATALOG_POLL_MS: '700', SLUICE_CLOCK: 'manual' } });

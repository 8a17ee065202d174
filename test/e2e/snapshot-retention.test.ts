import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/store/database.js';
import { deploy, runOperation, waitForJob, type Deployed } from '../helpers/lifecycle.js';
import { countPast, waitForLog } from '../helpers/stream.js';
import { describeOnStores } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';
import { jobDataDir } from '../helpers/server.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const exists = (file: string) => fs.stat(file).then(() => true, () => false);

/**
 * The listing's window and cap, and garbage collection, need snapshots of many ages: one is real
 * (a pause), the others are written straight into the store while the server is stopped, and the
 * manual clock moves time on.
 */
describeOnStores('snapshot listing window, cap and garbage collection', (ctx) => {
  let work: string;
  let d: Deployed;
  let real: { id: string; created: string };
  const dataDir = () => ctx.store.env.SLUICE_DATA_DIR;
  before(async () => { work = await jobDataDir('sluice-retention-'); });

  const operate = (type: string) => runOperation(ctx.api, d.base, type, undefined, 60_000);
  const snapshot = (id: string) => ctx.api('GET', `/v2/pipelines/${d.pipelineId}/snapshots/${id}`);

  it('a paused version has a real snapshot', async () => {
    const output = path.join(work, 'count.txt');
    d = await deploy(ctx.api, { example: 'stream-counter', customRuntimeConfiguration: `counter.output=${output}\ncounter.interval-ms=20` });
    assert.equal((await operate('activate')).state, 'succeeded');
    await waitForJob(ctx.api, d.base, ['running']);
    await countPast(output, 5);
    assert.equal((await operate('pause')).state, 'succeeded');
    [real] = (await ctx.api('GET', `/v2/pipelines/${d.pipelineId}/snapshots`)).body;
    assert.ok(real);
  });

  const recent = Array.from({ length: 400 }, (_, i) => ({ id: randomUUID(), ageMs: HOUR + i * 20 * 60_000 }));
  const old = Array.from({ length: 10 }, (_, i) => ({ id: randomUUID(), ageMs: 8 * DAY + i * HOUR }));

  it('lists 201, newest first, only the last 7 days, at most 350', async () => {
    await ctx.stop();
    const database = await openDatabase(loadConfig({ ...ctx.store.env }));
    try {
      const template = (await database.db.selectFrom('pipelineVersions').select('pipelineTemplateId').where('id', '=', d.versionId).executeTakeFirstOrThrow()).pipelineTemplateId;
      const rows = [...recent, ...old].map(({ id, ageMs }) => ({
        id, realm: 'realm-a', pipelineId: d.pipelineId, versionId: d.versionId, templateId: template, jobId: randomUUID(),
        reason: 'pause', location: path.join(dataDir(), 'snapshots', id), created: new Date(Date.now() - ageMs),
      }));
      await database.db.insertInto('snapshots').values(rows).execute();
    } finally {
      await database.close();
    }
    for (const { id } of old) {
      await fs.mkdir(path.join(dataDir(), 'snapshots', id), { recursive: true });
      await fs.writeFile(path.join(dataDir(), 'snapshots', id, 'count'), '1');
    }
    // Snapshots of 8 days and more are collected at start: list them before, with a clock that cannot collect yet.
    await ctx.start();
    const listing = await ctx.api('GET', `/v2/pipelines/${d.pipelineId}/snapshots`);
    assert.equal(listing.status, 201);
    assert.equal(listing.body.length, 350);
    assert.equal(listing.body[0].id, real.id, 'the newest first');
    const created = listing.body.map((s: { created: string }) => Date.parse(s.created));
    assert.ok(created.every((t: number, i: number) => i === 0 || t <= created[i - 1]), 'ordered newest first');
    assert.deepEqual(listing.body.slice(1).map((s: { id: string }) => s.id), recent.slice(0, 349).map((s) => s.id));
    assert.ok(created.every((t: number) => t > Date.now() - 7 * DAY));
  });

  it('collects snapshots past the retention that nothing needs, with their folders', async () => {
    await waitFor(async () => (await snapshot(old[9].id)).status === 404, { what: 'the old snapshots to be collected' });
    for (const { id } of old) {
      assert.equal((await snapshot(id)).status, 404);
      // The row goes first, then the folder.
      await waitFor(async () => !(await exists(path.join(dataDir(), 'snapshots', id))), { what: `folder ${id} to be removed` });
    }
    assert.equal((await snapshot(recent[399].id)).status, 200);
  });

  it('keeps the snapshot a paused version resumes from, however old; collects it once resumed', async () => {
    const later = new Date(Date.now() + 8 * DAY).toISOString();
    assert.equal((await ctx.api('POST', '/sluice/v1/clock', { body: { now: later } })).status, 200);
    await waitFor(async () => (await snapshot(recent[0].id)).status === 404, { what: 'the 400 to be collected' });
    // Older than the listing's 7 days: not listed, but still there and needed.
    assert.deepEqual((await ctx.api('GET', `/v2/pipelines/${d.pipelineId}/snapshots`)).body, []);
    assert.equal((await snapshot(real.id)).status, 200);
    const resume = await operate('resume');
    assert.equal(resume.state, 'succeeded', resume.message);
    const job = await waitForJob(ctx.api, d.base, ['running']);
    await waitForLog(ctx.api, job.id, /restored count \d+ from/);
    // Needed until the resumed job has a checkpoint of its own (a restart would start from it again).
    await waitFor(async () => (await snapshot(real.id)).status === 404, { what: 'the resumed-from snapshot to be collected' });
    await waitFor(async () => !(await exists(path.join(dataDir(), 'snapshots', real.id))), { what: 'its folder to be removed' });
    assert.equal((await operate('cancel')).state, 'succeeded');
  });
}, { env: { SLUICE_CLOCK: 'manual', SLUICE_GC_INTERVAL_MS: '300' } });

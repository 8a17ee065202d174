import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { deploy, runOperation, waitForJob, waitForVersionState, type Deployed } from '../helpers/lifecycle.js';
import { describeOnStores } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';
import { jobDataDir } from '../helpers/server.js';

const DAY = 24 * 3600_000;
const exists = (file: string) => fs.stat(file).then(() => true, () => false);

/**
 * Ended jobs' folders go after the retention (the manual clock moves time on; the collector runs
 * every 300 ms), the job rows stay; the pipeline's last job keeps its folder; folders whose rows
 * are gone (a deleted version) go once they have not changed for the grace (here 1 ms).
 */
describeOnStores('job folder retention', (ctx) => {
  let work: string;
  let d: Deployed;
  const jobsDir = () => path.join(ctx.store.env.SLUICE_DATA_DIR, 'jobs');
  const log = (jobId: string) => ctx.api('GET', `/sluice/v1/jobs/${jobId}/log`);
  before(async () => {
    work = await jobDataDir('sluice-job-retention-');
    await fs.writeFile(path.join(work, 'in.txt'), 'one two two\n');
  });

  async function runJob(output: string) {
    const op = await runOperation(ctx.api, d.base, 'activate');
    assert.equal(op.state, 'succeeded', op.message);
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed']);
    assert.equal(job.state, 'completed');
    await waitForVersionState(ctx.api, d.base, 'ready');
    assert.match(await fs.readFile(output, 'utf8'), /two/);
    return job.id as string;
  }

  it('removes an ended job\'s folder after the retention, keeps its row, and says so for its log', async () => {
    d = await deploy(ctx.api, {
      example: 'batch-word-count',
      inputCatalogs: { text: 'hrn:here:data:::retention-texts' },
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'in.txt')}\nwordcount.output=${path.join(work, 'out.txt')}`,
    });
    const first = await runJob(path.join(work, 'out.txt'));
    const second = await runJob(path.join(work, 'out.txt'));
    assert.ok(await exists(path.join(jobsDir(), first)));
    assert.equal((await log(first)).status, 200);

    // Within the retention nothing goes.
    await ctx.api('POST', '/sluice/v1/clock', { body: { now: new Date(Date.now() + 6 * DAY).toISOString() } });
    // Past it, the first job's folder goes; the second is the pipeline's last job and stays.
    await ctx.api('POST', '/sluice/v1/clock', { body: { now: new Date(Date.now() + 8 * DAY).toISOString() } });
    await waitFor(async () => !(await exists(path.join(jobsDir(), first))), { what: 'the first job\'s folder to be removed' });
    const gone = await waitFor(async () => {
      const res = await log(first);
      return res.status === 404 ? res : undefined;
    }, { what: 'the first job\'s log to answer 404' });
    assert.equal(gone.body.status, 404);
    assert.equal(gone.body.code, 'E1404');
    assert.match(gone.body.message, /^The log of job \S+ was removed on \d{4}-\d\d-\d\dT.* after the retention for ended jobs/);
    assert.ok(await exists(path.join(jobsDir(), second)), 'the pipeline\'s last job keeps its folder');
    assert.equal((await log(second)).status, 200);
    const jobs = (await ctx.api('GET', `${d.base}/jobs`)).body;
    assert.deepEqual(jobs.map((j: { id: string }) => j.id), [second, first], 'both jobs are still listed');
  });

  it('removes folders whose rows are gone, and nothing that is not a job or snapshot id', async () => {
    const strayJob = path.join(jobsDir(), randomUUID());
    const straySnapshot = path.join(ctx.store.env.SLUICE_DATA_DIR, 'snapshots', randomUUID());
    const foreign = path.join(jobsDir(), 'not-a-job');
    for (const dir of [strayJob, straySnapshot, foreign]) {
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, 'file'), 'x');
    }
    const [last] = (await ctx.api('GET', `${d.base}/jobs`)).body;
    // Deleting the version deletes its jobs' rows: their folders are leftovers now.
    assert.equal((await ctx.api('DELETE', d.base)).status, 204);
    await waitFor(async () => !(await exists(strayJob)) && !(await exists(straySnapshot)) && !(await exists(path.join(jobsDir(), last.id))), {
      what: 'the folders without rows to be removed',
    });
    assert.ok(await exists(foreign), 'a folder that is not named by an id is left alone');
  });
}, { env: { SLUICE_CLOCK: 'manual', SLUICE_GC_INTERVAL_MS: '300', SLUICE_LEFTOVER_GRACE_MS: '1' } });

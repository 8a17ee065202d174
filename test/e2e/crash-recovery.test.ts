import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, it } from 'node:test';
import { deploy, waitForJob, waitForOperation, waitForVersionState } from '../helpers/lifecycle.js';
import { killProcessesMentioning, jobDataDir } from '../helpers/server.js';
import { describeOnStores } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

/** Pids of `parent`'s child processes whose command line mentions `text`. */
async function childrenRunning(parent: number, text: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== parent) continue;
    if ((await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).includes(text)) found.push(Number(entry));
  }
  return found;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The service is killed with SIGKILL while a job runs; the restarted service must get the job's outcome right. */
describeOnStores('crash recovery', (ctx) => {
  let work: string;
  before(async () => {
    work = await jobDataDir('sluice-crash-');
    await fs.writeFile(path.join(work, 'three-lines.txt'), 'one\ntwo\nthree\n');
  });
  const props = (output: string, delayMs: number) =>
    `wordcount.input=${path.join(work, 'three-lines.txt')}\nwordcount.output=${path.join(work, output)}\nwordcount.line-delay-ms=${delayMs}`;

  async function startLongJob(output: string, delayMs: number) {
    const d = await deploy(ctx.api, { example: 'batch-word-count', customRuntimeConfiguration: props(output, delayMs) });
    const activate = await ctx.api('POST', `${d.base}/operations/activate`);
    assert.equal((await waitForOperation(ctx.api, d.base, activate.body.id)).state, 'succeeded');
    const job = await waitForJob(ctx.api, d.base, ['running']);
    return { d, job };
  }

  it('sees a job that finished while the service was down as completed, and does not start it again', async () => {
    const { d, job } = await startLongJob('finished-while-down.txt', 700);
    const launchers = await childrenRunning(ctx.server.process.pid!, 'launcher-process.js');
    assert.equal(launchers.length, 1, 'the service started its jobs through one launcher process');
    await ctx.stop('SIGKILL');
    await waitFor(async () => launchers.every((pid) => !isRunning(pid)), { what: 'the launcher to end with the service' });
    await waitFor(() => fs.stat(path.join(work, 'finished-while-down.txt')).then(() => true, () => false), { timeoutMs: 30_000, what: 'the job to finish' });
    await ctx.start();
    const done = await waitForJob(ctx.api, d.base, ['completed', 'failed', 'canceled']);
    assert.equal(done.id, job.id);
    assert.equal(done.state, 'completed');
    await waitForVersionState(ctx.api, d.base, 'ready');
    const jobs = (await ctx.api('GET', `${d.base}/jobs`)).body;
    assert.equal(jobs.length, 1);
    const log = await (await fetch(done.loggingUrl, { headers: { authorization: `Bearer ${await ctx.tokenFor({ realm: 'realm-a' })}` } })).text();
    assert.equal(log.match(/^job /gm)?.length, 1, `the job ran more than once:\n${log}`);
  });

  it('re-adopts a job still running after the restart, and can cancel it', async () => {
    const { d, job } = await startLongJob('adopted.txt', 60_000);
    await ctx.restart('SIGKILL');
    assert.equal((await ctx.api('GET', `${d.base}/jobs`)).body[0].state, 'running');
    const cancel = await ctx.api('POST', `${d.base}/operations/cancel`);
    assert.equal(cancel.status, 202, cancel.text);
    assert.equal((await waitForOperation(ctx.api, d.base, cancel.body.id)).state, 'succeeded');
    const jobs = (await ctx.api('GET', `${d.base}/jobs`)).body;
    assert.deepEqual(jobs.map((j: { id: string; state: string }) => [j.id, j.state]), [[job.id, 'canceled']]);
    assert.equal(await killProcessesMentioning(`-Dsluice.job.id=${job.id}`), 0, 'the canceled job is gone');
  });

  it('marks a job that vanished while the service was down as failed, with a clear message', async () => {
    const { d, job } = await startLongJob('vanished.txt', 60_000);
    await ctx.stop('SIGKILL');
    assert.ok((await killProcessesMentioning(`-Dsluice.job.id=${job.id}`)) > 0);
    await ctx.start();
    const ended = await waitForJob(ctx.api, d.base, ['failed', 'completed', 'canceled']);
    assert.equal(ended.state, 'failed');
    await waitForVersionState(ctx.api, d.base, 'ready');
    const ops = (await ctx.api('GET', `${d.base}/operations`)).body;
    assert.equal(ops[0].requestType, 'job_terminate_to_ready');
    assert.match(ops[0].message, /disappeared/);
  });

  it('keeps jobs running across a graceful restart of the service', async () => {
    const { d, job } = await startLongJob('graceful.txt', 60_000);
    await ctx.restart();
    const again = await waitForJob(ctx.api, d.base, ['running', 'failed', 'completed']);
    assert.equal(again.id, job.id);
    assert.equal(again.state, 'running');
    const cancel = await ctx.api('POST', `${d.base}/operations/cancel`);
    assert.equal((await waitForOperation(ctx.api, d.base, cancel.body.id)).state, 'succeeded');
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JobLauncher, LauncherGone, type Spawned } from '../../src/runtimes/local-jvm/launcher.js';
import { waitFor } from '../helpers/wait.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function started(spawned: Spawned): { pid: number; startTime: string | null } {
  assert.ok('pid' in spawned, `expected a spawn, got ${JSON.stringify(spawned)}`);
  return spawned;
}

/** The helper process that spawns job wrappers for the local JVM runtime. */
describe('job launcher', () => {
  let dir: string;
  const exited: string[] = [];
  const launcher = new JobLauncher((jobId) => exited.push(jobId));
  const env = { PATH: process.env.PATH ?? '' };

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-launcher-'));
  });
  after(async () => {
    launcher.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('starts a detached command in its folder with the given environment, output appended to the log, and reports its exit', async () => {
    const log = path.join(dir, 'job.log');
    await fs.writeFile(log, 'before\n');
    const { pid } = started(await launcher.spawn({
      jobId: 'job-1',
      command: 'sh',
      args: ['-c', 'echo "$GREETING from $(pwd)"; echo oops >&2; exit 3'],
      cwd: dir,
      env: { ...env, GREETING: 'hello' },
      logFile: log,
    }));
    assert.ok(pid > 0);
    await waitFor(async () => exited.includes('job-1'), { what: 'the exit report' });
    assert.equal(await fs.readFile(log, 'utf8'), `before\nhello from ${await fs.realpath(dir)}\noops\n`);
  });

  it('refuses a command that cannot be started, and keeps working', async () => {
    const request = { jobId: 'job-2', command: path.join(dir, 'no-such-program'), args: [], cwd: dir, env, logFile: path.join(dir, 'job-2.log') };
    await assert.rejects(launcher.spawn(request), (error: Error) => !(error instanceof LauncherGone) && /ENOENT/.test(error.message));
    assert.ok(started(await launcher.spawn({ ...request, command: 'true' })).pid > 0);
  });

  it('starts a new helper after the old one was killed; the jobs it started run on', async () => {
    const request = { jobId: 'job-3', command: 'sleep', args: ['30'], cwd: dir, env, logFile: path.join(dir, 'job-3.log') };
    const { pid: sleeper, startTime } = started(await launcher.spawn(request));
    // (A command that ends at once may be gone before it is read: startTime null, as the runtime expects.)
    assert.match(startTime ?? '', /^\d+$/, 'the start time from /proc/<pid>/stat');
    const first = launcher.helperPid!;
    process.kill(first, 'SIGKILL');
    await waitFor(async () => launcher.helperPid === undefined, { what: 'the launcher to notice its helper ended' });
    assert.ok(alive(sleeper), 'a job outlives the helper');
    process.kill(-sleeper, 'SIGKILL');
    assert.ok(started(await launcher.spawn({ ...request, jobId: 'job-4', command: 'true', args: [] })).pid > 0);
    assert.notEqual(launcher.helperPid, first);
  });

  it('prepares the folder before the spawn, and never starts an attempt its launched file already names', async () => {
    const cwd = path.join(dir, 'job-6');
    await fs.mkdir(path.join(cwd, 'snapshot', 'stale'), { recursive: true });
    await fs.writeFile(path.join(cwd, 'exit-code'), '1\n');
    const prepare = (attempt: number) => ({
      remove: ['exit-code', 'snapshot'],
      dirs: ['checkpoints', 'snapshot'],
      files: [{ name: 'a.conf', text: `attempt ${attempt}\n` }, { name: 'job.log', text: `--- attempt ${attempt}\n`, append: true }],
      launched: 'launched',
      attempt,
    });
    // The command sees the folder as prepared: files there, the old exit code and snapshot gone.
    const request = {
      jobId: 'job-6', command: 'sh', args: ['-c', 'cat a.conf; ls; ls snapshot'], cwd, env, logFile: path.join(cwd, 'job.log'),
    };
    started(await launcher.spawn({ ...request, prepare: prepare(0) }));
    await waitFor(async () => exited.includes('job-6'), { what: 'the first attempt to exit' });
    assert.equal(await fs.readFile(path.join(cwd, 'job.log'), 'utf8'), '--- attempt 0\nattempt 0\na.conf\ncheckpoints\njob.log\nlaunched\nsnapshot\n');
    assert.equal(await fs.readFile(path.join(cwd, 'launched'), 'utf8'), '0\n');

    // Attempt 0 again (a restarted service asking twice): nothing is written, nothing runs.
    await fs.writeFile(path.join(cwd, 'exit-code'), '0\n');
    assert.deepEqual(await launcher.spawn({ ...request, prepare: prepare(0) }), { alreadyLaunched: true });
    assert.equal(await fs.readFile(path.join(cwd, 'exit-code'), 'utf8'), '0\n', 'the folder is untouched');
    assert.equal(await fs.readFile(path.join(cwd, 'a.conf'), 'utf8'), 'attempt 0\n');

    // The next attempt runs, its header appended to the same log.
    exited.length = 0;
    started(await launcher.spawn({ ...request, prepare: prepare(1) }));
    await waitFor(async () => exited.includes('job-6'), { what: 'the second attempt to exit' });
    assert.match(await fs.readFile(path.join(cwd, 'job.log'), 'utf8'), /snapshot\n--- attempt 1\nattempt 1\n/);
    assert.equal(await fs.readFile(path.join(cwd, 'launched'), 'utf8'), '1\n');
  });

  it('ends its helper on close', async () => {
    await launcher.spawn({ jobId: 'job-5', command: 'true', args: [], cwd: dir, env, logFile: path.join(dir, 'job-5.log') });
    const helper = launcher.helperPid!;
    launcher.close();
    await waitFor(async () => !alive(helper), { what: 'the helper to end' });
  });
});

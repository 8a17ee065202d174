/**
 * The Flink REST client and the `check:flink` probe against the fake JobManager: auth, TLS,
 * timeouts, unreachable clusters and Flink's error bodies become typed errors with clear
 * messages; the probe passes on a conforming cluster and says what is wrong on others.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { checkConformance } from '../../src/runtimes/flink/conformance.js';
import { FlinkRestApi } from '../../src/runtimes/flink/rest-api.js';
import { FlinkAnswerError, FlinkRestClient, FlinkUnreachableError } from '../../src/runtimes/flink/rest-client.js';
import type { FlinkAuth } from '../../src/runtimes/flink/settings.js';
import { waitFor } from '../helpers/wait.js';
import { selfSignedCertificate, startFakeJobManager, type FakeJobManager } from '../helpers/flink-fake.js';

const apiFor = (restUrl: string, options: { auth?: FlinkAuth; caFile?: string; timeoutMs?: number } = {}) =>
  new FlinkRestApi(new FlinkRestClient({ restUrl, auth: options.auth ?? null, caFile: options.caFile ?? null, requestTimeoutMs: options.timeoutMs ?? 2000 }));

const CHECK = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'check-flink.js');
function runCheck(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHECK, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('Flink REST client against the fake JobManager', () => {
  let fake: FakeJobManager;
  let api: FlinkRestApi;
  before(async () => {
    fake = await startFakeJobManager({ checkpointIntervalMs: 30 });
    api = apiFor(fake.restUrl);
  });
  after(async () => {
    api.client.close();
    await fake.stop();
  });

  it('uploads, runs, follows checkpoints, stops with a savepoint and reads the result', async () => {
    const jarId = await api.uploadJar('pipeline.jar', Buffer.from('PK'));
    assert.ok((await api.jars()).some((j) => j.id === jarId));
    const jobId = 'c0ffee'.padEnd(32, '0');
    assert.equal(await api.runJar(jarId, {
      entryClass: 'com.example.Job', programArgsList: ['--x'], parallelism: 2, jobId,
      flinkConfiguration: { 'state.checkpoints.dir': 'file:/ck' },
    }), jobId);
    for (;;) {
      const job = await api.job(jobId);
      if (job?.state === 'RUNNING') break;
    }
    let checkpoint = null;
    while (!checkpoint) checkpoint = await api.latestCheckpoint(jobId);
    assert.match(checkpoint.location, new RegExp(`^file:/ck/${jobId}/chk-\\d+$`));
    const triggerId = '1'.repeat(32);
    assert.equal(await api.stopWithSavepoint(jobId, 'file:/sp', triggerId), triggerId);
    let result = await api.savepointStatus(jobId, triggerId);
    assert.equal(result.kind, 'in-progress');
    result = await api.savepointStatus(jobId, triggerId);
    assert.deepEqual(result.kind, 'completed');
    assert.match((result as { location: string }).location, /^file:\/sp\/savepoint-c0ffee-/);
    assert.deepEqual(await api.savepointStatus(jobId, '2'.repeat(32)), { kind: 'unknown' });
    assert.equal(await api.cancel(jobId), 'already-ended');
    assert.equal(await api.job('f'.repeat(32)), null);
  });

  it('turns cluster errors into typed errors with the cluster\'s message, not its stack', async () => {
    const error = await api.runJar('nope_x.jar', { entryClass: 'a.B', programArgsList: [], parallelism: 1, jobId: 'a'.repeat(32) })
      .then(() => null, (e: unknown) => e);
    assert.ok(error instanceof FlinkAnswerError);
    assert.equal(error.status, 400);
    assert.match(error.message, /^Flink answered 400 to POST \/jars\/nope_x\.jar\/run: Jar file \/\S+nope_x\.jar does not exist$/);
    assert.doesNotMatch(error.message, /\tat /);
  });

  it('gives the root exception of a failed job as one line', async () => {
    const jarId = await api.uploadJar('p.jar', Buffer.from('PK'));
    const jobId = 'bad'.padEnd(32, '0');
    await api.runJar(jarId, { entryClass: 'a.B', programArgsList: [], parallelism: 1, jobId });
    await fake.failJob(jobId, { exceptionName: 'java.io.IOException', message: 'input gone' });
    assert.equal(await api.rootException(jobId), 'java.io.IOException: input gone');
  });

  it('reports an unreachable or hung cluster as unreachable, with the reason', async () => {
    const refused = await apiFor('http://127.0.0.1:1').overview().then(() => null, (e: unknown) => e);
    assert.ok(refused instanceof FlinkUnreachableError);
    assert.equal(refused.message, 'The Flink JobManager at http://127.0.0.1:1 cannot be reached: connection refused.');
    await fake.hangFor(1500);
    const slow = apiFor(fake.restUrl, { timeoutMs: 300 });
    const hung = await slow.overview().then(() => null, (e: unknown) => e);
    slow.client.close();
    assert.ok(hung instanceof FlinkUnreachableError);
    assert.match(hung.message, /no answer within 300 ms/);
    await waitFor(async () => (await apiFor(fake.restUrl, { timeoutMs: 300 }).overview().catch(() => null)) !== null, { what: 'the fake answering again' });
  });

  it('passes the conformance probe, through the command too', async () => {
    const results = await checkConformance(api, { slotsNeeded: 4 });
    assert.deepEqual(results.filter((r) => r.outcome !== 'ok'), []);
    const run = await runCheck([fake.restUrl]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /OK {3}reachable: Flink 1\.19\.1/);
    const json = JSON.parse((await runCheck([fake.restUrl, '--json'])).stdout);
    assert.equal(json.results.every((r: { outcome: string }) => r.outcome === 'ok'), true);
    const usage = await runCheck(['not-a-url']);
    assert.equal(usage.code, 2);
  });
});

describe('Flink REST client with auth and TLS', () => {
  it('sends basic credentials; wrong ones are said to be refused', async () => {
    const fake = await startFakeJobManager({ basic: { user: 'sluice', password: 'pw' } });
    try {
      const good = apiFor(fake.restUrl, { auth: { basic: { user: 'sluice', password: 'pw' } } });
      assert.equal((await good.overview())['flink-version'], '1.19.1');
      good.client.close();
      const bad = apiFor(fake.restUrl, { auth: { basic: { user: 'sluice', password: 'no' } } });
      const error = await bad.overview().then(() => null, (e: unknown) => e);
      bad.client.close();
      assert.ok(error instanceof FlinkAnswerError);
      assert.equal(error.status, 401);
      assert.match(error.message, /credentials were refused/);
      assert.doesNotMatch(error.message, /pw|no/, 'the message never carries the credentials');
      const probe = await runCheck([fake.restUrl, '--basic', 'sluice:no']);
      assert.equal(probe.code, 1);
      assert.match(probe.stdout, /FAIL reachable: Flink answered 401/);
    } finally {
      await fake.stop();
    }
  });

  it('trusts the cluster\'s CA given as caFile, and says so when it is missing', async () => {
    const tls = selfSignedCertificate();
    const fake = await startFakeJobManager({ tls, bearer: 'tok' });
    try {
      const trusted = apiFor(fake.restUrl, { auth: { bearer: 'tok' }, caFile: tls.cert });
      assert.equal((await trusted.overview()).taskmanagers, 2);
      trusted.client.close();
      const untrusted = apiFor(fake.restUrl, { auth: { bearer: 'tok' } });
      const error = await untrusted.overview().then(() => null, (e: unknown) => e);
      untrusted.client.close();
      assert.ok(error instanceof FlinkUnreachableError);
      assert.match(error.message, /TLS certificate is not trusted .*set tls\.caFile/);
      const probe = await runCheck([fake.restUrl, '--bearer', 'tok', '--ca-file', tls.cert]);
      assert.equal(probe.code, 0, probe.stdout + probe.stderr);
    } finally {
      await fake.stop();
      fs.rmSync(tls.dir, { recursive: true, force: true });
    }
  });
});

describe('check:flink on clusters that do not conform', () => {
  it('fails on a cluster too old for flinkConfiguration, passes 2.x', async () => {
    const old = await startFakeJobManager({ flinkVersion: '1.16.3' });
    const two = await startFakeJobManager({ flinkVersion: '2.0.0' });
    try {
      const oldRun = await runCheck([old.restUrl]);
      assert.equal(oldRun.code, 1);
      assert.match(oldRun.stdout, /WARN version: 1\.16\.3 is older than 1\.18/);
      assert.match(oldRun.stdout, /FAIL run request: the cluster does not know flinkConfiguration/);
      const twoRun = await runCheck([two.restUrl]);
      assert.equal(twoRun.code, 0, twoRun.stdout);
      assert.match(twoRun.stdout, /OK {3}version: 2\.x/);
      assert.deepEqual(await old.jobs(), [], 'the probe started nothing');
      assert.deepEqual(await old.jars(), [], 'the probe uploaded nothing');
    } finally {
      await old.stop();
      await two.stop();
    }
  });
});

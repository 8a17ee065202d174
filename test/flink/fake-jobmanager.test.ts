/**
 * The fake JobManager against Flink's documented behaviour: its bodies checked against schemas
 * written from Flink's OpenAPI document (rest-schemas.ts), its rules (upload, strict run body,
 * 1.x vs 2.x, asynchronous savepoints, expiry, errors) checked one by one. If the fake drifted
 * from Flink, the adapter's tests against it would prove nothing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import * as schema from '../fakes/flink-jobmanager/rest-schemas.js';
import { selfSignedCertificate, startFakeJobManager, type FakeJobManager } from '../helpers/flink-fake.js';
import { multipartWith } from '../helpers/jars.js';
import { waitFor } from '../helpers/wait.js';

function conforms(body: unknown, type: TSchema, what: string): void {
  const problems = [...Value.Errors(type, body)].slice(0, 3).map((e) => `${e.path}: ${e.message}`);
  assert.deepEqual(problems, [], `${what} does not match its schema: ${JSON.stringify(body)}`);
}

async function call(fake: FakeJobManager, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const raw = body instanceof Buffer ? body : body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${fake.restUrl}${path}`, {
    method, body: raw, headers: { ...(body === undefined || body instanceof Buffer ? {} : { 'Content-Type': 'application/json' }), ...headers },
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
}

async function uploadJar(fake: FakeJobManager): Promise<string> {
  const form = multipartWith('jarfile', 'pipeline.jar', Buffer.from('PK fake jar'));
  const res = await fetch(`${fake.restUrl}/jars/upload`, { method: 'POST', body: form });
  const body = await res.json() as { filename: string };
  assert.equal(res.status, 200);
  conforms(body, schema.JarUploadResponseBody, 'upload answer');
  return body.filename.split('/').pop()!;
}

const jobId = (n: number) => n.toString(16).padStart(32, '0');

/** Polls GET /jobs/:id until it answers `state`, checking every answer against JobDetailsInfo. */
async function pollUntil(fake: FakeJobManager, id: string, state: string): Promise<string[]> {
  const seen: string[] = [];
  await waitFor(async () => {
    const res = await call(fake, 'GET', `/jobs/${id}`);
    assert.equal(res.status, 200);
    conforms(res.body, schema.JobDetailsInfo, 'job details');
    seen.push(res.body.state);
    return res.body.state === state;
  }, { what: `job ${id} ${state}`, intervalMs: 5 });
  return seen;
}

describe('fake Flink JobManager (1.19)', () => {
  let fake: FakeJobManager;
  let jarId: string;
  before(async () => {
    fake = await startFakeJobManager({ checkpointIntervalMs: 50, savepointPolls: 1 });
    jarId = await uploadJar(fake);
  });
  after(() => fake.stop());

  it('answers cluster-wide reads with documented bodies', async () => {
    conforms((await call(fake, 'GET', '/config')).body, schema.DashboardConfiguration, '/config');
    conforms((await call(fake, 'GET', '/overview')).body, schema.ClusterOverviewWithVersion, '/overview');
    conforms((await call(fake, 'GET', '/v1/overview')).body, schema.ClusterOverviewWithVersion, '/v1/overview');
    conforms((await call(fake, 'GET', '/jobmanager/config')).body, schema.ClusterConfigurationInfo, '/jobmanager/config');
    const jars = await call(fake, 'GET', '/jars');
    conforms(jars.body, schema.JarListInfo, '/jars');
    assert.ok(jars.body.files.some((f: { id: string }) => f.id === jarId), 'the jar id is the last segment of the upload filename');
    const missing = await call(fake, 'GET', '/no/such/route');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { errors: ['Not found: /no/such/route'] });
  });

  it('keeps the upload rules: one file part, a .jar name, no unknown attributes', async () => {
    const none = await call(fake, 'POST', '/jars/upload', '');
    assert.equal(none.status, 400);
    conforms(none.body, schema.ErrorResponseBody, 'error');
    assert.match(none.body.errors[0], /Exactly 1 file must be sent, received 0\.\n\tat /);
    const zip = multipartWith('jarfile', 'pipeline.zip', Buffer.from('x'));
    const notJar = await fetch(`${fake.restUrl}/jars/upload`, { method: 'POST', body: zip });
    assert.equal(notJar.status, 400);
    assert.match((await notJar.json() as { errors: string[] }).errors[0], /Only Jar files are allowed\./);
  });

  it('refuses run bodies the strict mapper refuses, with the long error body', async () => {
    for (const body of [{ entryClass: 'a.B', unknownField: 1 }, { parallelism: 'two' }, { jobId: 'not-hex' }, { claimMode: 'CLAIM' }, '[1]']) {
      const res = await call(fake, 'POST', `/jars/${jarId}/run`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      conforms(res.body, schema.ErrorResponseBody, 'error');
      assert.match(res.body.errors[0], /^org\.apache\.flink\.runtime\.rest\.handler\.RestHandlerException: Request did not match expected format JarRunRequestBody\.\n\tat org\.apache\.flink/);
    }
    const both = await call(fake, 'POST', `/jars/${jarId}/run`, { programArgs: 'a b', programArgsList: ['a'] });
    assert.equal(both.status, 400);
    assert.match(both.body.errors[0], /Confusing request: programArgs and programArgsList are specified/);
    const unknownJar = await call(fake, 'POST', '/jars/nope_pipeline.jar/run', {});
    assert.equal(unknownJar.status, 400);
    assert.match(unknownJar.body.errors[0], /Jar file \/\S+\/nope_pipeline\.jar does not exist/);
  });

  it('runs a job with a fixed id, which moves through its states across polls', async () => {
    const id = jobId(1);
    const run = await call(fake, 'POST', `/jars/${jarId}/run`, {
      entryClass: 'com.example.Job', programArgs: '--a 1', parallelism: 2, jobId: id, restoreMode: 'NO_CLAIM',
      flinkConfiguration: { 'state.checkpoints.dir': 'file:/ckpt' },
    });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    conforms(run.body, schema.JarRunResponseBody, 'run answer');
    assert.equal(run.body.jobid, id);
    assert.deepEqual(await pollUntil(fake, id, 'RUNNING'), ['INITIALIZING', 'CREATED', 'RUNNING']);
    assert.deepEqual((await fake.job(id))?.programArgsList, ['--a', '1']);
    const again = await call(fake, 'POST', `/jars/${jarId}/run`, { jobId: id });
    assert.equal(again.status, 400, 'a second submission of the same job id is refused');
    conforms((await call(fake, 'GET', '/jobs')).body, schema.JobIdsWithStatusOverview, '/jobs');
    const unknown = await call(fake, 'GET', `/jobs/${jobId(999)}`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.errors[0], /Job 0+3e7 not found/);
    assert.equal((await call(fake, 'GET', '/jobs/xyz')).status, 400);

    // Checkpoints appear over time, under the job's own checkpoint folder.
    const first = await call(fake, 'GET', `/jobs/${id}/checkpoints`);
    conforms(first.body, schema.CheckpointingStatistics, 'checkpoints');
    const later = await waitFor(async () => {
      const res = await call(fake, 'GET', `/jobs/${id}/checkpoints`);
      conforms(res.body, schema.CheckpointingStatistics, 'checkpoints');
      return res.body.latest.completed && res.body.latest.completed.id > (first.body.latest.completed?.id ?? 0) ? res.body : null;
    }, { what: 'a new checkpoint' });
    assert.match(later.latest.completed.external_path, new RegExp(`^file:/ckpt/${id}/chk-\\d+$`));
  });

  it('stops with a savepoint asynchronously: IN_PROGRESS, then COMPLETED with the location; idempotent per triggerId', async () => {
    const id = jobId(2);
    await call(fake, 'POST', `/jars/${jarId}/run`, { jobId: id });
    await pollUntil(fake, id, 'RUNNING');
    const triggerId = 'ab'.repeat(16);
    const stop = await call(fake, 'POST', `/jobs/${id}/stop`, { targetDirectory: 'file:/sp', drain: false, triggerId });
    assert.equal(stop.status, 202);
    conforms(stop.body, schema.TriggerResponse, 'trigger answer');
    assert.equal(stop.body['request-id'], triggerId);
    assert.equal((await call(fake, 'POST', `/jobs/${id}/stop`, { targetDirectory: 'file:/sp', triggerId })).body['request-id'], triggerId);
    const wrongCase = await call(fake, 'POST', `/jobs/${id}/stop`, { 'target-directory': 'file:/sp' });
    assert.equal(wrongCase.status, 400, 'the stop body is camelCase, the savepoint body kebab-case');
    const pending = await call(fake, 'GET', `/jobs/${id}/savepoints/${triggerId}`);
    conforms(pending.body, schema.AsynchronousOperationResult, 'savepoint status');
    assert.equal(pending.body.status.id, 'IN_PROGRESS');
    const done = await call(fake, 'GET', `/jobs/${id}/savepoints/${triggerId}`);
    conforms(done.body, schema.AsynchronousOperationResult, 'savepoint status');
    assert.equal(done.body.status.id, 'COMPLETED');
    assert.match(done.body.operation.location, new RegExp(`^file:/sp/savepoint-${id.slice(0, 6)}-[0-9a-f]{12}$`));
    assert.equal((await call(fake, 'GET', `/jobs/${id}`)).body.state, 'FINISHED');
  });

  it('reports a failed savepoint as COMPLETED with a failure-cause, and forgets results after their time', async () => {
    const id = jobId(3);
    await call(fake, 'POST', `/jars/${jarId}/run`, { jobId: id });
    await pollUntil(fake, id, 'RUNNING');
    await fake.failNextSavepoint('disk full', id);
    const trigger = (await call(fake, 'POST', `/jobs/${id}/stop`, { targetDirectory: 'file:/sp' })).body['request-id'];
    const result = await waitFor(async () => {
      const res = await call(fake, 'GET', `/jobs/${id}/savepoints/${trigger}`);
      conforms(res.body, schema.AsynchronousOperationResult, 'savepoint status');
      return res.body.status.id === 'COMPLETED' ? res.body : null;
    }, { what: 'savepoint result' });
    assert.match(result.operation['failure-cause']['stack-trace'], /disk full/);
    assert.equal((await call(fake, 'GET', `/jobs/${id}`)).body.state, 'RUNNING', 'a failed stop leaves the job running');
    await fake.settings({ asyncResultTtlMs: 1 });
    const expired = await waitFor(async () => {
      const res = await call(fake, 'GET', `/jobs/${id}/savepoints/${trigger}`);
      return res.status === 404 ? res : null;
    }, { what: 'expiry' });
    assert.match(expired.body.errors[0], new RegExp(`There is no savepoint operation with triggerId=${trigger} for job ${id}\\.`));
    await fake.settings({ asyncResultTtlMs: 300_000 });
  });

  it('cancels with PATCH mode=cancel (202), then 409 once terminal; reports failures with their root exception', async () => {
    const id = jobId(4);
    await call(fake, 'POST', `/jars/${jarId}/run`, { jobId: id });
    await pollUntil(fake, id, 'RUNNING');
    assert.equal((await call(fake, 'PATCH', `/jobs/${id}?mode=cancel`)).status, 202);
    assert.deepEqual(await pollUntil(fake, id, 'CANCELED'), ['CANCELLING', 'CANCELED']);
    assert.equal((await call(fake, 'PATCH', `/jobs/${id}?mode=cancel`)).status, 409);

    const failing = jobId(5);
    await call(fake, 'POST', `/jars/${jarId}/run`, { jobId: failing });
    await pollUntil(fake, failing, 'RUNNING');
    await fake.failJob(failing, { exceptionName: 'java.lang.IllegalStateException', message: 'bad record 42' });
    assert.deepEqual(await pollUntil(fake, failing, 'FAILED'), ['FAILING', 'FAILED']);
    const exceptions = await call(fake, 'GET', `/jobs/${failing}/exceptions`);
    conforms(exceptions.body, schema.JobExceptionsInfo1x, 'exceptions (1.x)');
    assert.equal(exceptions.body.exceptionHistory.entries[0].exceptionName, 'java.lang.IllegalStateException');
    assert.match(exceptions.body['root-exception'], /bad record 42/);
  });

  it('goes away for a while and comes back on the same address', async () => {
    await fake.unreachableFor(300);
    await assert.rejects(fetch(`${fake.restUrl}/overview`));
    await waitFor(async () => (await fetch(`${fake.restUrl}/overview`)).ok, { what: 'the fake back' });
  });
});

describe('fake Flink JobManager (2.0)', () => {
  let fake: FakeJobManager;
  before(async () => { fake = await startFakeJobManager({ flinkVersion: '2.0.0' }); });
  after(() => fake.stop());

  it('has no programArgs, takes claimMode, and no deprecated exception fields', async () => {
    const jarId = await uploadJar(fake);
    const old = await call(fake, 'POST', `/jars/${jarId}/run`, { programArgs: '--a 1' });
    assert.equal(old.status, 400);
    assert.match(old.body.errors[0], /Request did not match expected format JarRunRequestBody/);
    assert.equal((await call(fake, 'POST', `/jars/${jarId}/run`, { restoreMode: 'LEGACY' })).status, 400);
    const id = jobId(7);
    const run = await call(fake, 'POST', `/jars/${jarId}/run`, { jobId: id, claimMode: 'CLAIM', programArgsList: ['--a', '1'] });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal((await fake.job(id))?.restoreMode, 'CLAIM');
    const exceptions = (await call(fake, 'GET', `/jobs/${id}/exceptions`)).body;
    conforms(exceptions, schema.JobExceptionsInfoWithHistory, 'exceptions (2.x)');
    assert.equal('root-exception' in exceptions, false);
    assert.equal((await call(fake, 'GET', '/overview')).body['flink-version'], '2.0.0');
  });
});

describe('fake Flink JobManager behind auth and TLS', () => {
  it('asks for basic credentials', async () => {
    const fake = await startFakeJobManager({ basic: { user: 'sluice', password: 's3cret' } });
    try {
      assert.equal((await call(fake, 'GET', '/overview')).status, 401);
      const auth = `Basic ${Buffer.from('sluice:s3cret').toString('base64')}`;
      assert.equal((await call(fake, 'GET', '/overview', undefined, { Authorization: auth })).status, 200);
    } finally {
      await fake.stop();
    }
  });

  it('answers over TLS with its certificate', async () => {
    const tls = selfSignedCertificate();
    const fake = await startFakeJobManager({ tls, bearer: 'tok' });
    try {
      assert.match(fake.restUrl, /^https:/);
      const status = await new Promise<number>((resolve, reject) => {
        https.get(`${fake.restUrl}/overview`, { ca: fs.readFileSync(tls.cert), headers: { Authorization: 'Bearer tok' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
      assert.equal(status, 200);
    } finally {
      await fake.stop();
      fs.rmSync(tls.dir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/store/database.js';
import { deploy, runOperation, waitForJob } from '../helpers/lifecycle.js';
import { client, createStore, startTestServer, tokenFor, type Request, type Store, type TestServer, jobDataDir } from '../helpers/server.js';
import { countPast } from '../helpers/stream.js';
import { REALM } from '../helpers/suite.js';

interface Replica {
  id: string;
  server: TestServer;
  api: Request;
}

/**
 * Two replicas on one PostgreSQL, local JVM jobs: a job belongs to the replica that started it
 * (its process and folders are on that machine), so an operation on it sent to the other replica
 * must be carried out by the owner, not taken and left hanging by the one that received it.
 */
describe('operations on another replica\'s stream job [postgres]', () => {
  let store: Store;
  const replicas: Replica[] = [];
  let work: string;

  before(async () => {
    work = await jobDataDir('sluice-replicas-stream-');
    store = await createStore('postgres', 'replicas-stream');
    const token = await tokenFor({ realm: REALM, roles: ['OrgAdmin'] });
    for (const id of ['replica-a', 'replica-b']) {
      const server = await startTestServer(store, { SLUICE_REPLICA_ID: id, SLUICE_OPERATION_TIMEOUT_MS: '60000' });
      replicas.push({ id, server, api: client(server.url, token) });
    }
  });

  after(async () => {
    for (const replica of replicas) await replica.server.stop();
    await store?.dispose();
  });

  async function ownerOf(jobId: string): Promise<string> {
    const database = await openDatabase(loadConfig({ ...store.env, SLUICE_READ_CACHE: '0' }));
    try {
      return (await database.db.selectFrom('jobs').select('owner').where('id', '=', jobId).executeTakeFirstOrThrow()).owner;
    } finally {
      await database.close();
    }
  }

  /** The replica that does not run the version's current job. */
  async function notOwner(base: string): Promise<Replica> {
    const job = await waitForJob(replicas[0].api, base, ['running']);
    const owner = await ownerOf(job.id);
    return replicas.find((r) => r.id !== owner)!;
  }

  // Well inside the operation timeout: the owner takes it on its next pass (500 ms ticks).
  const operate = (replica: Replica, base: string, type: string) => runOperation(replica.api, base, type, undefined, 15_000);

  it('pause, resume and cancel sent to the replica that does not run the job', async () => {
    const output = path.join(work, 'count.txt');
    const d = await deploy(replicas[0].api, { example: 'stream-counter', customRuntimeConfiguration: `counter.output=${output}\ncounter.interval-ms=20` });
    assert.equal((await operate(replicas[0], d.base, 'activate')).state, 'succeeded');
    await countPast(output, 10);
    const pause = await operate(await notOwner(d.base), d.base, 'pause');
    assert.equal(pause.state, 'succeeded', pause.message);
    assert.equal((await operate(replicas[1], d.base, 'resume')).state, 'succeeded');
    await countPast(output, (await fs.readFile(output, 'utf8')).trim().split('\n').length + 5);
    const cancel = await operate(await notOwner(d.base), d.base, 'cancel');
    assert.equal(cancel.state, 'succeeded', cancel.message);
    assert.equal((await replicas[0].api('GET', d.base)).body.state, 'ready');
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { builtInCatalog } from '../../src/domain/runtime-catalog.js';
import { openDatabase } from '../../src/store/database.js';
import { deploy, waitForJob } from '../helpers/lifecycle.js';
import { client, createStore, startTestServer, tokenFor, type Request, type Store, type TestServer } from '../helpers/server.js';
import { SparkMasterProcess } from '../helpers/spark-master.js';
import { REALM } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Two replicas on one PostgreSQL, batch jobs on a (fake) Spark master: nothing of a Spark job is
 * on the replica that submitted it, so when that replica is killed with SIGKILL the other one
 * takes the job over once its lease has run out, and records its end.
 */
describe('a Spark job outlives the replica that submitted it [postgres]', () => {
  let store: Store;
  let master: SparkMasterProcess;
  let work: string;
  const replicas: { id: string; server: TestServer; api: Request }[] = [];

  before(async () => {
    master = await SparkMasterProcess.start();
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-spark-replicas-'));
    await fs.writeFile(path.join(work, 'slow.txt'), Array.from({ length: 120 }, () => 'slow words').join('\n'));
    const catalogFile = path.join(work, 'catalog.json');
    await fs.writeFile(catalogFile, JSON.stringify({
      ...builtInCatalog,
      runtimeBindings: { 'batch-3.0.0': { kind: 'spark', restUrl: master.restUrl, masterUrl: master.masterUrl, sparkVersion: '3.5.1', pollIntervalMs: 200, sharedDir: path.join(work, 'shared'), workerUiPort: master.workerUiPort } },
    }));
    store = await createStore('postgres', 'spark-replicas');
    const token = await tokenFor({ realm: REALM, roles: ['OrgAdmin'] });
    for (const id of ['replica-a', 'replica-b']) {
      const server = await startTestServer(store, { SLUICE_REPLICA_ID: id, SLUICE_RUNTIME_CATALOG: catalogFile, SLUICE_OPERATION_LEASE_MS: '3000' });
      replicas.push({ id, server, api: client(server.url, token) });
    }
  });
  after(async () => {
    for (const replica of replicas) await replica.server.stop();
    await store?.dispose();
    await master.stop();
    await fs.rm(work, { recursive: true, force: true });
  });

  async function ownerOf(jobId: string): Promise<string> {
    const database = await openDatabase(loadConfig({ ...store.env, SLUICE_READ_CACHE: '0' }));
    try {
      return (await database.db.selectFrom('jobs').select('owner').where('id', '=', jobId).executeTakeFirstOrThrow()).owner;
    } finally {
      await database.close();
    }
  }

  it('kill -9 of the submitting replica: the other takes the job over and records its end once', async () => {
    const output = path.join(work, 'out.txt');
    const d = await deploy(replicas[0].api, {
      example: 'batch-word-count', name: 'spark-takeover',
      customRuntimeConfiguration: `wordcount.input=${path.join(work, 'slow.txt')}\nwordcount.output=${output}\nwordcount.line-delay-ms=50`,
    });
    await replicas[0].api('POST', `${d.base}/operations/activate`);
    const running = await waitForJob(replicas[0].api, d.base, ['running']);
    const ownerId = await ownerOf(running.id);
    const victim = replicas.find((r) => r.id === ownerId)!;
    const survivor = replicas.find((r) => r.id !== ownerId)!;
    await victim.server.stop('SIGKILL');
    const job = await waitForJob(survivor.api, d.base, ['completed', 'failed', 'canceled'], 40_000);
    assert.equal(job.id, running.id);
    assert.equal(job.state, 'completed', job.message);
    assert.equal(await ownerOf(job.id), survivor.id);
    assert.equal((await fs.readFile(output, 'utf8')).trim(), 'slow\t120\nwords\t120');
    const drivers = (await master.view()).drivers.filter((x) => x.request.sparkProperties['spark.app.name'] === `sluice-job-${job.id}`);
    assert.equal(drivers.length, 1, 'submitted once');
    const ops = await waitFor(async () => {
      const list = (await survivor.api('GET', `${d.base}/operations`)).body as { requestType: string }[];
      return list[0]?.requestType === 'job_terminate_to_ready' ? list : undefined;
    }, { what: 'the job\'s end recorded' });
    assert.equal(ops.filter((o) => o.requestType === 'job_terminate_to_ready').length, 1, 'its end recorded exactly once');
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { builtInCatalog } from '../../src/domain/runtime-catalog.js';
import { deploy, waitForJob, waitForOperation, waitForVersionState } from '../helpers/lifecycle.js';
import { SparkMasterProcess } from '../helpers/spark-master.js';
import { describeOnStores } from '../helpers/suite.js';
import { waitFor } from '../helpers/wait.js';

let master: SparkMasterProcess;
let work: string;
const env: Record<string, string> = { SLUICE_JOB_START_TIMEOUT_MS: '60000' };

before(async () => {
  master = await SparkMasterProcess.start();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-spark-e2e-'));
  await fs.mkdir(path.join(work, 'in'));
  await fs.writeFile(path.join(work, 'in', 'a.txt'), 'the quick fox\nthe lazy dog\n');
  await fs.writeFile(path.join(work, 'slow.txt'), Array.from({ length: 300 }, () => 'slow words').join('\n'));
  const catalog = {
    ...builtInCatalog,
    runtimeBindings: {
      'batch-3.0.0': {
        kind: 'spark', restUrl: master.restUrl, masterUrl: master.masterUrl, sparkVersion: '3.5.1',
        pollIntervalMs: 200, sharedDir: path.join(work, 'shared'), workerUiPort: master.workerUiPort,
      },
    },
  };
  env.SLUICE_RUNTIME_CATALOG = path.join(work, 'catalog.json');
  await fs.writeFile(env.SLUICE_RUNTIME_CATALOG, JSON.stringify(catalog));
});
after(async () => {
  await master.stop();
  await fs.rm(work, { recursive: true, force: true });
});

const props = (input: string, output: string, extra = '') => `wordcount.input=${path.join(work, input)}\nwordcount.output=${path.join(work, output)}\n${extra}`;
const driverOf = async (jobId: string) => (await master.view()).drivers.filter((d) => d.request.sparkProperties['spark.app.name'] === `sluice-job-${jobId}`);

/** Batch versions of a `batch-3.0.0` template run on the (fake) Spark master, through the public API. */
describeOnStores('batch pipelines on Spark', (ctx) => {
  it('runs a run-now batch version on Spark to completed, with its output and the driver\'s log', async () => {
    const out = `out-${ctx.kind}.txt`;
    const d = await deploy(ctx.api, { example: 'batch-word-count', customRuntimeConfiguration: props('in', out), name: `spark-run-${ctx.kind}` });
    const activate = await ctx.api('POST', `${d.base}/operations/activate`);
    assert.equal(activate.status, 202, activate.text);
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed', 'canceled']);
    assert.equal(job.state, 'completed', job.message);
    assert.equal((await waitForOperation(ctx.api, d.base, activate.body.id)).state, 'succeeded');
    await waitForVersionState(ctx.api, d.base, 'ready');
    assert.equal(await fs.readFile(path.join(work, out), 'utf8'), 'dog\t1\nfox\t1\nlazy\t1\nquick\t1\nthe\t2\n');
    const drivers = await driverOf(job.id);
    assert.equal(drivers.length, 1, 'one driver for the job');
    assert.equal(drivers[0].state, 'FINISHED');
    assert.equal(drivers[0].request.environmentVariables?.PIPELINE_JOB_ID, job.id);
    assert.equal(drivers[0].request.sparkProperties['spark.submit.deployMode'], 'cluster');
    const stdout = await fs.readFile(path.join(drivers[0].driverDir!, 'stdout'), 'utf8');
    assert.match(stdout, new RegExp(`job ${job.id} of version ${d.versionId} of pipeline ${d.pipelineId}`));
    const log = await fetch(job.loggingUrl, { headers: { authorization: `Bearer ${await ctx.tokenFor({ realm: 'realm-a' })}` } });
    assert.equal(log.status, 200);
  });

  it('a failing driver fails the job with the reason from its log', async () => {
    const d = await deploy(ctx.api, { example: 'batch-word-count', customRuntimeConfiguration: props('missing', 'never.txt'), name: `spark-fail-${ctx.kind}` });
    await ctx.api('POST', `${d.base}/operations/activate`);
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed', 'canceled']);
    assert.equal(job.state, 'failed');
    await waitForVersionState(ctx.api, d.base, 'ready');
    const ops = (await ctx.api('GET', `${d.base}/operations`)).body;
    assert.equal(ops[0].requestType, 'job_terminate_to_ready');
    assert.match(ops[0].message, new RegExp(`The job failed: the Spark driver exited with an error \\(FAILED\\): word-count failed: input ${path.join(work, 'missing')} does not exist`));
    // The job's log is the driver's stderr, proxied from the worker's UI, with Range as for local jobs.
    const auth = { authorization: `Bearer ${await ctx.tokenFor({ realm: 'realm-a' })}` };
    const log = await fetch(job.loggingUrl, { headers: auth });
    assert.equal(log.status, 200);
    const text = await log.text();
    assert.match(text, /^word-count failed: input .* does not exist\n$/);
    const ranged = await fetch(job.loggingUrl, { headers: { ...auth, range: 'bytes=0-9' } });
    assert.equal(ranged.status, 206);
    assert.equal(await ranged.text(), text.slice(0, 10));
  });

  it('cancel kills the driver and the job ends canceled', async () => {
    const d = await deploy(ctx.api, { example: 'batch-word-count', customRuntimeConfiguration: props('slow.txt', `slow-${ctx.kind}.txt`, 'wordcount.line-delay-ms=100'), name: `spark-cancel-${ctx.kind}` });
    await ctx.api('POST', `${d.base}/operations/activate`);
    const running = await waitForJob(ctx.api, d.base, ['running']);
    const cancel = await ctx.api('POST', `${d.base}/operations/cancel`);
    assert.equal(cancel.status, 202, cancel.text);
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed', 'canceled']);
    assert.equal(job.id, running.id);
    assert.equal(job.state, 'canceled', job.message);
    await waitFor(async () => (await driverOf(job.id))[0]?.state === 'KILLED', { what: 'the driver KILLED' });
    await waitForVersionState(ctx.api, d.base, 'ready');
  });

  it('a master in STANDBY delays the launch with a message; once ALIVE the job runs, submitted once', async () => {
    const out = `standby-${ctx.kind}.txt`;
    const d = await deploy(ctx.api, { example: 'batch-word-count', customRuntimeConfiguration: props('in', out), name: `spark-standby-${ctx.kind}` });
    await master.setMasterState('STANDBY');
    try {
      const activate = await ctx.api('POST', `${d.base}/operations/activate`);
      const waiting = await waitFor(async () => {
        const op = (await ctx.api('GET', `${d.base}/operations/${activate.body.id}`)).body;
        return op.message?.includes('ALIVE state') ? op : undefined;
      }, { what: 'the operation to say why the job waits' });
      assert.equal(waiting.state, 'being_processed');
      assert.match(waiting.message, /^The job waits to start: the Spark master does not take submissions now: Current state is not alive: STANDBY/);
      assert.equal((await ctx.api('GET', `${d.base}/jobs`)).body[0].state, 'starting');
    } finally {
      await master.setMasterState('ALIVE');
    }
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed', 'canceled']);
    assert.equal(job.state, 'completed', job.message);
    assert.equal((await driverOf(job.id)).length, 1);
    assert.equal(await fs.readFile(path.join(work, out), 'utf8'), 'dog\t1\nfox\t1\nlazy\t1\nquick\t1\nthe\t2\n');
  });

  it('a master out of reach while the job runs leaves the job as recorded; back, its end is recorded', async () => {
    const d = await deploy(ctx.api, { example: 'batch-word-count', customRuntimeConfiguration: props('slow.txt', `gone-${ctx.kind}.txt`, 'wordcount.line-delay-ms=5'), name: `spark-gone-${ctx.kind}` });
    await ctx.api('POST', `${d.base}/operations/activate`);
    const running = await waitForJob(ctx.api, d.base, ['running']);
    await master.setReachability('refuse');
    try {
      // The driver finishes meanwhile; Sluice cannot know it yet.
      await waitFor(async () => (await driverOf(running.id))[0]?.state === 'FINISHED', { what: 'the driver to finish', timeoutMs: 30_000 });
      const jobs = (await ctx.api('GET', `${d.base}/jobs`)).body;
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0].state, 'running');
    } finally {
      await master.setReachability('up');
    }
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed', 'canceled']);
    assert.equal(job.id, running.id);
    assert.equal(job.state, 'completed', job.message);
  });
  it('a scheduled batch version runs on Spark after a catalog publication, with the resolved catalog versions', async () => {
    const hrn = `hrn:here:data:::spark-texts-${ctx.kind}`;
    const out = `scheduled-${ctx.kind}.txt`;
    const d = await deploy(ctx.api, {
      example: 'batch-word-count', name: `spark-scheduled-${ctx.kind}`, inputCatalogs: { text: hrn },
      schedulerConfiguration: { catalogTriggerOptions: 'version_resolver' }, customRuntimeConfiguration: props('in', out),
    });
    await ctx.api('POST', `${d.base}/operations/activate`);
    await waitForVersionState(ctx.api, d.base, 'scheduled');
    await ctx.api('POST', `/sluice/v1/catalogs/${encodeURIComponent(hrn)}/versions`);
    const job = await waitForJob(ctx.api, d.base, ['completed', 'failed', 'canceled']);
    assert.equal(job.state, 'completed', job.message);
    assert.equal(job.executionMode, 'scheduled');
    assert.deepEqual(job.catalogVersions, { inputCatalogs: { text: { processingType: 'reprocess', version: 0 } }, outputCatalog: { baseVersion: -1 } });
    const [driver] = await driverOf(job.id);
    assert.equal(driver.state, 'FINISHED');
    // The driver read pipeline-job.conf from the shared folder, as a local JVM job reads it from its own.
    assert.match(await fs.readFile(path.join(driver.driverDir!, 'stdout'), 'utf8'), /input text: processing-type=reprocess since-version=null version=0/);
    assert.equal(await fs.readFile(path.join(work, out), 'utf8'), 'dog\t1\nfox\t1\nlazy\t1\nquick\t1\nthe\t2\n');
    await waitForVersionState(ctx.api, d.base, 'scheduled');
    await ctx.api('POST', `${d.base}/operations/deactivate`);
    await waitForVersionState(ctx.api, d.base, 'ready');
  });
}, { env });

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_LOGGING } from '../../src/domain/logging-configuration.js';
import { sparkSettings } from '../../src/runtimes/spark/settings.js';
import { SparkJobs, SubmissionRefused, type SparkLaunch } from '../../src/runtimes/spark/spark-jobs.js';
import { StandaloneRestSubmitter } from '../../src/runtimes/spark/standalone-rest.js';
import { ClusterUnavailable } from '../../src/runtimes/spark/submitter.js';
import { exampleJarPath } from '../helpers/lifecycle.js';
import { SparkMasterProcess } from '../helpers/spark-master.js';
import { waitFor } from '../helpers/wait.js';

const profiles = [{ id: 'batch-standard', label: 's', name: 's', cpuPerUnit: 1, memoryInGiBPerUnit: 0.25, diskInGiBPerUnit: 1 }];

/** The Spark runtime's job work (launch once, observe, kill, log) against the fake master. */
describe('Spark jobs against the fake master', () => {
  let master: SparkMasterProcess;
  let dir: string;
  let jobs: SparkJobs;

  before(async () => {
    master = await SparkMasterProcess.start();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-spark-jobs-'));
    const settings = sparkSettings({ kind: 'spark', restUrl: master.restUrl, masterUrl: master.masterUrl, sparkVersion: '3.5.1', sharedDir: path.join(dir, 'shared'), workerUiPort: master.workerUiPort });
    jobs = new SparkJobs(settings, new StandaloneRestSubmitter({ restUrl: settings.restUrl, sparkVersion: '3.5.1', timeoutMs: 2000 }), () => profiles);
  });
  after(async () => {
    await master.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const launchOf = (jobId: string, properties: Record<string, string>): SparkLaunch => ({
    jobId, pipelineId: 'p', versionId: 'v', attempt: 0, entryPointClassName: 'com.example.wordcount.WordCount', hasJobConf: false,
    cluster: { workers: 1, workerUnits: 1, supervisorUnits: 1, workerResourceProfileId: 'batch-standard', supervisorResourceProfileId: 'batch-standard' },
    packageId: 'pkg', jarPath: exampleJarPath('batch-word-count'), inputCatalogs: {}, outputCatalogHrn: 'hrn:here:data:::out',
    applicationProperties: Object.entries(properties).map(([key, value]) => ({ key, value })), logging: DEFAULT_LOGGING,
  });

  it('a launch retried after a crash submits nothing twice', async () => {
    await fs.writeFile(path.join(dir, 'in.txt'), 'a b a\n');
    const launch = launchOf('job-once', { 'wordcount.input': path.join(dir, 'in.txt'), 'wordcount.output': path.join(dir, 'out.txt') });
    const first = await jobs.launch(launch);
    const again = await jobs.launch(launch);
    assert.deepEqual(again, first);
    assert.equal((await master.view()).drivers.filter((d) => d.request.sparkProperties['spark.app.name'] === 'sluice-job-job-once').length, 1);
    const seen = new Set<string>();
    await waitFor(async () => {
      const observed = await jobs.observe(first);
      seen.add(observed.state);
      return observed.state === 'finished' || observed.state === 'failed';
    }, { what: 'the job ended', timeoutMs: 30_000 });
    assert.deepEqual([...seen], ['starting', 'running', 'finished']);
    assert.equal(await fs.readFile(path.join(dir, 'out.txt'), 'utf8'), 'a\t2\nb\t1\n');
    assert.match((await jobs.loggingUrl(first))!, /^http:\/\/127\.0\.0\.\d:\d+\/logPage\/\?driverId=driver-\d+-\d+&logType=stderr$/);
  });

  it('a failed job says why from its log; kill of an ended job is no error', async () => {
    const handle = await jobs.launch(launchOf('job-bad', { 'wordcount.input': '/nowhere', 'wordcount.output': '/tmp/x' }));
    const observed = await waitFor(async () => {
      const o = await jobs.observe(handle);
      return o.state === 'failed' ? o : undefined;
    }, { what: 'the job failed', timeoutMs: 30_000 });
    assert.match(observed.reason, /FAILED\): word-count failed: input \/nowhere does not exist$/);
    assert.match(await jobs.logTail(handle, 5), /word-count failed/);
    await jobs.kill(handle);
  });

  it('a standby master delays the launch (ClusterUnavailable, nothing submitted); a malformed one is refused for good', async () => {
    await master.setMasterState('STANDBY');
    try {
      await assert.rejects(() => jobs.launch(launchOf('job-standby', {})), ClusterUnavailable);
    } finally {
      await master.setMasterState('ALIVE');
    }
    assert.equal((await master.view()).drivers.some((d) => d.request.sparkProperties['spark.app.name'] === 'sluice-job-job-standby'), false);
    const handle = await jobs.launch(launchOf('job-standby', {}));
    assert.match(handle.submissionId, /^driver-/);
    const broken = { ...launchOf('job-broken', {}), cluster: { ...launchOf('x', {}).cluster, workers: 1 } };
    const refusing = new SparkJobs(jobs.settings, new StandaloneRestSubmitter({ restUrl: `${master.restUrl}/v2`, sparkVersion: '3.5.1', timeoutMs: 2000 }), () => profiles);
    await assert.rejects(() => refusing.launch(broken), SubmissionRefused);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULT_LOGGING } from '../../src/domain/logging-configuration.js';
import { driverRequest, type SparkJob } from '../../src/runtimes/spark/driver-request.js';
import { driverLogPageUrl, driverLogTail } from '../../src/runtimes/spark/driver-log.js';
import { observeDriver } from '../../src/runtimes/spark/driver-state.js';
import { sparkSettings, type SparkSettings } from '../../src/runtimes/spark/settings.js';
import { SharedFiles } from '../../src/runtimes/spark/shared-files.js';
import { StandaloneRestSubmitter } from '../../src/runtimes/spark/standalone-rest.js';
import { ClusterUnavailable, type DriverStatus } from '../../src/runtimes/spark/submitter.js';
import { exampleJarPath } from '../helpers/lifecycle.js';
import { CLI } from '../helpers/server.js';
import { SparkMasterProcess } from '../helpers/spark-master.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);
const profiles = [{ id: 'batch-standard', label: 's', name: 's', cpuPerUnit: 1, memoryInGiBPerUnit: 0.25, diskInGiBPerUnit: 1 }];
const cluster = { workers: 1, workerUnits: 1, supervisorUnits: 1, workerResourceProfileId: 'batch-standard', supervisorResourceProfileId: 'batch-standard', gcProfile: 'g1gc' };

/**
 * The standalone REST submitter and the shared-folder artifact delivery against the fake master:
 * its workers really fetch the JAR and spark.files and run the driver on a JVM.
 */
describe('Spark standalone REST submitter against the fake master', () => {
  let master: SparkMasterProcess;
  let dir: string;
  let settings: SparkSettings;
  let submitter: StandaloneRestSubmitter;
  let shared: SharedFiles;

  before(async () => {
    master = await SparkMasterProcess.start();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-spark-'));
    settings = sparkSettings({ kind: 'spark', restUrl: master.restUrl, masterUrl: master.masterUrl, sparkVersion: '3.5.1', sharedDir: path.join(dir, 'shared'), requestTimeoutMs: 1500 });
    submitter = new StandaloneRestSubmitter({ restUrl: settings.restUrl, sparkVersion: settings.sparkVersion, timeoutMs: settings.requestTimeoutMs });
    shared = new SharedFiles(settings);
  });
  after(async () => {
    await master.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function submitWordCount(jobId: string, properties: Record<string, string>, options: { jarPath?: string; supervise?: boolean } = {}) {
    const files = await shared.stage({
      jobId, packageId: 'pkg-word-count', jarPath: options.jarPath ?? exampleJarPath('batch-word-count'),
      inputCatalogs: { text: 'hrn:here:data:::texts' }, outputCatalogHrn: 'hrn:here:data:::counts',
      catalogVersions: { inputCatalogs: { text: { processingType: 'reprocess', version: 4 } }, outputCatalog: { baseVersion: 2 } },
      applicationProperties: Object.entries(properties).map(([key, value]) => ({ key, value })),
      logging: DEFAULT_LOGGING,
    });
    const job: SparkJob = { jobId, pipelineId: 'pipe-1', versionId: 'ver-1', attempt: 0, entryPointClassName: 'com.example.wordcount.WordCount', cluster, hasJobConf: true };
    const request = driverRequest(job, { ...settings, supervise: options.supervise ?? false }, profiles, files);
    const submission = await submitter.submit(request);
    assert.ok(submission.accepted, JSON.stringify(submission));
    return submission.submissionId;
  }

  const statesUntil = async (id: string, final: string[]) => {
    const seen: string[] = [];
    const last = await waitFor(async () => {
      const status = await submitter.status(id);
      assert.ok(status.found);
      if (seen.at(-1) !== status.state) seen.push(status.state);
      return final.includes(status.state) ? status : undefined;
    }, { what: `driver ${id} in ${final.join('/')}`, timeoutMs: 30_000 });
    return { seen, last: last as Extract<DriverStatus, { found: true }> };
  };

  it('runs a job to FINISHED: the worker fetched the JAR and the files, the driver saw the local JVM\'s files and ids', async () => {
    await fs.writeFile(path.join(dir, 'in.txt'), 'the fox and the dog\n');
    const output = path.join(dir, 'out.txt');
    const id = await submitWordCount('job-finish', { 'wordcount.input': path.join(dir, 'in.txt'), 'wordcount.output': output });
    const { seen, last } = await statesUntil(id, ['FINISHED', 'FAILED', 'ERROR']);
    assert.deepEqual(seen, ['SUBMITTED', 'RUNNING', 'FINISHED']);
    assert.deepEqual(observeDriver(last, null), { state: 'finished', exitCode: 0 });
    assert.equal(await fs.readFile(output, 'utf8'), 'and\t1\ndog\t1\nfox\t1\nthe\t2\n');
    const driver = (await master.driver(id))!;
    const driverFiles = await fs.readdir(driver.driverDir!);
    assert.ok(driverFiles.includes('pkg-word-count.jar'), `the JAR was fetched into the driver's folder: ${driverFiles.join(', ')}`);
    assert.deepEqual((await fs.readdir(path.join(driver.driverDir!, 'userFiles'))).sort(), ['application.properties', 'log4j2.xml', 'pipeline-config.conf', 'pipeline-job.conf']);
    const stdout = await fs.readFile(path.join(driver.driverDir!, 'stdout'), 'utf8');
    assert.match(stdout, /job job-finish of version ver-1 of pipeline pipe-1/);
    assert.match(stdout, /output catalog: hrn:here:data:::counts/);
    assert.match(stdout, /text.*reprocess.*4|4.*reprocess/);
    assert.equal(driver.request.sparkProperties['spark.app.name'], 'sluice-job-job-finish');
  });

  it('a driver that exits non-zero is FAILED, explained by its stderr read from the worker\'s UI', async () => {
    const id = await submitWordCount('job-fail', { 'wordcount.input': path.join(dir, 'missing.txt'), 'wordcount.output': path.join(dir, 'x.txt') });
    const { last } = await statesUntil(id, ['FINISHED', 'FAILED', 'ERROR']);
    assert.equal(last.state, 'FAILED');
    const tail = await driverLogTail(last.worker!.hostPort, master.workerUiPort, id);
    const observed = observeDriver(last, tail);
    assert.deepEqual(observed, { state: 'failed', driverState: 'FAILED', reason: `the Spark driver exited with an error (FAILED): word-count failed: input ${path.join(dir, 'missing.txt')} does not exist` });
    const page = await fetch(driverLogPageUrl(last.worker!.hostPort, master.workerUiPort, id));
    assert.match(await page.text(), /word-count failed/);
  });

  it('a JAR the worker cannot read is ERROR with the cluster\'s exception', async () => {
    const id = await submitWordCount('job-nojar', {}, { jarPath: exampleJarPath('batch-word-count') });
    await statesUntil(id, ['FINISHED', 'FAILED', 'ERROR']);
    const request = (await master.driver(id))!.request;
    const missing = await submitter.submit({
      appName: 'sluice-job-nojar', appResource: 'file:///nowhere/gone.jar', mainClass: 'x.Main', appArgs: [],
      sparkProperties: { ...request.sparkProperties }, environmentVariables: {},
    });
    assert.ok(missing.accepted);
    const { last } = await statesUntil(missing.submissionId, ['FINISHED', 'FAILED', 'ERROR']);
    assert.equal(last.state, 'ERROR');
    assert.deepEqual(observeDriver(last, null), { state: 'failed', driverState: 'ERROR', reason: 'the Spark driver could not run (ERROR): java.nio.file.NoSuchFileException: /nowhere/gone.jar' });
  });

  it('kill is asynchronous: accepted, then KILLED once the worker has stopped the JVM; a second kill is refused', async () => {
    await fs.writeFile(path.join(dir, 'slow.txt'), Array.from({ length: 400 }, () => 'slow line').join('\n'));
    const id = await submitWordCount('job-kill', { 'wordcount.input': path.join(dir, 'slow.txt'), 'wordcount.output': path.join(dir, 'slow-out.txt'), 'wordcount.line-delay-ms': '50' });
    await statesUntil(id, ['RUNNING']);
    await waitFor(async () => ((await master.driver(id))?.starts ?? 0) > 0, { what: 'the JVM started' });
    const kill = await submitter.kill(id);
    assert.deepEqual(kill, { accepted: true, message: `Kill request for ${id} submitted` });
    const { last } = await statesUntil(id, ['KILLED', 'FINISHED', 'FAILED']);
    assert.equal(last.state, 'KILLED');
    assert.deepEqual(await submitter.kill(id), { accepted: false, message: `Driver ${id} has already finished or does not exist` });
  });

  it('a supervised driver whose worker is lost is RELAUNCHING, then RUNNING on another worker: the same driver', async () => {
    await fs.writeFile(path.join(dir, 'long.txt'), Array.from({ length: 200 }, () => 'long line').join('\n'));
    const id = await submitWordCount('job-relaunch', { 'wordcount.input': path.join(dir, 'long.txt'), 'wordcount.output': path.join(dir, 'long-out.txt'), 'wordcount.line-delay-ms': '20' }, { supervise: true });
    const { last } = await statesUntil(id, ['RUNNING']);
    const view = await master.view();
    const index = view.workers.findIndex((w) => w.id === last.worker!.id);
    await master.loseWorker(index);
    try {
      const relaunching = await submitter.status(id);
      assert.ok(relaunching.found);
      assert.equal(relaunching.state, 'RELAUNCHING');
      assert.deepEqual(observeDriver(relaunching, null), { state: 'starting', relaunching: true });
      const { last: again } = await statesUntil(id, ['RUNNING']);
      assert.notEqual(again.worker!.id, last.worker!.id);
      await statesUntil(id, ['FINISHED']);
    } finally {
      await master.restoreWorker(index);
    }
  });

  it('a master in STANDBY or out of reach is ClusterUnavailable on every call, and answers again afterwards', async () => {
    const id = await submitWordCount('job-standby', {});
    await master.setMasterState('STANDBY');
    await assert.rejects(() => submitWordCount('job-standby-2', {}), (error) => error instanceof ClusterUnavailable && /ALIVE state/.test(error.message));
    await assert.rejects(() => submitter.status(id), ClusterUnavailable);
    await assert.rejects(() => submitter.kill(id), ClusterUnavailable);
    await master.setMasterState('ALIVE');
    await master.setReachability('refuse');
    await assert.rejects(() => submitter.status(id), (error) => error instanceof ClusterUnavailable && /cannot be reached/.test(error.message));
    await master.setReachability('hang');
    await assert.rejects(() => submitter.status(id), (error) => error instanceof ClusterUnavailable && /no answer within 1500 ms/.test(error.message));
    await master.setReachability('up');
    assert.equal((await submitter.status(id)).found, true);
  });

  it('check:spark, read-only, says what it finds and exits 1 when something is wrong', async () => {
    const before = (await master.view()).calls;
    const good = await run(process.execPath, [CLI, 'check-spark', master.restUrl, '--spark-version', '3.5.0']);
    assert.match(good.stdout, /^ok +REST submission server: answers at .* \(Spark 3\.5\.1\)$/m);
    assert.match(good.stdout, /^ok +master state: ALIVE/m);
    assert.match(good.stdout, /^ok +Spark version/m);
    const after = (await master.view()).calls;
    assert.equal(after.create, before.create, 'the probe never submits');
    assert.equal(after.kill, before.kill, 'the probe never kills');
    const wrongVersion = await run(process.execPath, [CLI, 'check-spark', master.restUrl, '--spark-version', '4.0.0']).catch((e: { code: number; stdout: string }) => e);
    assert.equal((wrongVersion as { code?: number }).code, 1);
    assert.match(wrongVersion.stdout, /^FAIL Spark version: the binding says 4\.0\.0, the master runs 3\.5\.1/m);
    await master.setMasterState('STANDBY');
    try {
      const standby = await run(process.execPath, [CLI, 'check-spark', master.restUrl]).catch((e: { code: number; stdout: string }) => e);
      assert.equal((standby as { code?: number }).code, 1);
      assert.match(standby.stdout, /^FAIL master state: .*STANDBY/m);
    } finally {
      await master.setMasterState('ALIVE');
    }
    const nothing = await run(process.execPath, [CLI, 'check-spark', 'http://127.0.0.1:9']).catch((e: { code: number; stdout: string }) => e);
    assert.equal((nothing as { code?: number }).code, 1);
    assert.match(nothing.stdout, /^FAIL REST submission server: cannot reach/m);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterConfiguration } from '../../src/domain/cluster-configuration.js';
import { builtInCatalog } from '../../src/domain/runtime-catalog.js';
import { appNameOf, clusterProperties, driverRequest, type SparkJob } from '../../src/runtimes/spark/driver-request.js';
import { sparkSettings } from '../../src/runtimes/spark/settings.js';

const profiles = [
  { id: 'std', label: 'std', name: 'std', cpuPerUnit: 1, memoryInGiBPerUnit: 7, diskInGiBPerUnit: 32 },
  { id: 'half-cpu', label: 'h', name: 'h', cpuPerUnit: 0.5, memoryInGiBPerUnit: 2, diskInGiBPerUnit: 8 },
];
const cluster = (over: Partial<ClusterConfiguration> = {}): ClusterConfiguration => ({
  workers: 3, workerUnits: 2, workerResourceProfileId: 'std', workerAdditionalOverheadMemory: 0,
  supervisorUnits: 1, supervisorResourceProfileId: 'std', supervisorAdditionalOverheadMemory: 0, gcProfile: 'g1gc', ...over,
});

describe('cluster configuration → Spark properties', () => {
  it('supervisor units become the driver, workers the executors, memory less the overhead Spark adds', () => {
    assert.deepEqual(clusterProperties(cluster(), profiles), {
      'spark.driver.cores': '1',
      // 7 GiB = 7168 MiB holds heap × 1.10
      'spark.driver.memory': '6516m',
      'spark.driver.memoryOverheadFactor': '0.1',
      'spark.executor.instances': '3',
      'spark.executor.cores': '2',
      'spark.cores.max': '6',
      'spark.executor.memory': '13032m',
      'spark.executor.memoryOverheadFactor': '0.1',
    });
  });

  it('adds the additional overhead to Spark\'s factor and shrinks the heap with it', () => {
    const props = clusterProperties(cluster({ workerAdditionalOverheadMemory: 0.05, supervisorAdditionalOverheadMemory: 0.03 }), profiles);
    assert.equal(props['spark.executor.memoryOverheadFactor'], '0.15');
    assert.equal(props['spark.executor.memory'], `${Math.floor(14336 / 1.15)}m`);
    assert.equal(props['spark.driver.memoryOverheadFactor'], '0.13');
    assert.equal(props['spark.driver.memory'], `${Math.floor(7168 / 1.13)}m`);
  });

  it('rounds fractional CPUs up to whole cores and never goes under 1 core or 384 MiB', () => {
    const props = clusterProperties(cluster({ workers: 2, workerUnits: 3, workerResourceProfileId: 'half-cpu', supervisorResourceProfileId: 'half-cpu' }), profiles);
    assert.equal(props['spark.executor.cores'], '2');
    assert.equal(props['spark.cores.max'], '4');
    assert.equal(props['spark.driver.cores'], '1');
    assert.equal(props['spark.driver.memory'], `${Math.floor(2048 / 1.1)}m`);
    const tiny = clusterProperties(cluster({ supervisorResourceProfileId: 'tiny' }), [...profiles, { ...profiles[0], id: 'tiny', memoryInGiBPerUnit: 0.1 }]);
    assert.equal(tiny['spark.driver.memory'], '384m');
  });

  it('uses the built-in catalog\'s profiles as they are', () => {
    const props = clusterProperties(cluster({ workerResourceProfileId: 'batch-high-memory', supervisorResourceProfileId: 'batch-standard' }), builtInCatalog.availableResourceProfiles);
    assert.match(props['spark.executor.memory'], /^\d+m$/);
  });

  it('refuses a profile the catalog does not have, naming it', () => {
    assert.throws(() => clusterProperties(cluster({ workerResourceProfileId: 'gone' }), profiles), /worker resource profile "gone"/);
  });
});

describe('the driver request of a job', () => {
  const settings = sparkSettings({
    kind: 'spark', restUrl: 'http://m:6066/', masterUrl: 'spark://m:7077', sparkVersion: '3.5.1', sharedDir: '/mnt/s',
    sparkProperties: { 'spark.eventLog.enabled': 'true', 'spark.driver.supervise': 'true' },
  });
  const job: SparkJob = {
    jobId: 'j-1', pipelineId: 'p-1', versionId: 'v-1', attempt: 0, entryPointClassName: 'com.example.Main',
    cluster: cluster({ gcProfile: 'parallelgc' }), hasJobConf: true,
  };
  const request = driverRequest(job, settings, profiles, { jar: '/mnt/s/packages/pk.jar', jobDir: '/mnt/s/jobs/j-1' });

  it('names the job on the cluster and points at the shared JAR', () => {
    assert.equal(request.appName, appNameOf('j-1'));
    assert.match(request.appName, /j-1/);
    assert.equal(request.appResource, 'file:///mnt/s/packages/pk.jar');
    assert.equal(request.mainClass, 'com.example.Main');
    assert.deepEqual(request.appArgs, []);
  });

  it('gives the driver and the executors the local JVM\'s files, properties and ids', () => {
    const p = request.sparkProperties;
    assert.equal(p['spark.driver.extraClassPath'], '/mnt/s/jobs/j-1');
    for (const key of ['spark.driver.extraJavaOptions', 'spark.executor.extraJavaOptions']) {
      assert.equal(p[key], '-XX:+UseParallelGC -Dsluice.job.id=j-1.0 -Dpipeline-config.file=/mnt/s/jobs/j-1/pipeline-config.conf '
        + '-Dpipeline-job.file=/mnt/s/jobs/j-1/pipeline-job.conf -Dlog4j2.configurationFile=/mnt/s/jobs/j-1/log4j2.xml');
    }
    assert.equal(p['spark.files'], ['pipeline-config.conf', 'pipeline-job.conf', 'application.properties', 'log4j2.xml'].map((f) => `file:///mnt/s/jobs/j-1/${f}`).join(','));
    assert.deepEqual(request.environmentVariables, { PIPELINE_JOB_ID: 'j-1', PIPELINE_VERSION_ID: 'v-1', PIPELINE_ID: 'p-1' });
    assert.equal(p['spark.executorEnv.PIPELINE_JOB_ID'], 'j-1');
  });

  it('runs in cluster mode on the binding\'s master; the binding\'s extra properties never override Sluice\'s', () => {
    const p = request.sparkProperties;
    assert.equal(p['spark.master'], 'spark://m:7077');
    assert.equal(p['spark.submit.deployMode'], 'cluster');
    assert.equal(p['spark.eventLog.enabled'], 'true');
    assert.equal(p['spark.driver.supervise'], 'false');
  });

  it('leaves pipeline-job.conf out when the job has no pinned catalog versions', () => {
    const plain = driverRequest({ ...job, hasJobConf: false }, settings, profiles, { jar: '/j.jar', jobDir: '/d' });
    assert.doesNotMatch(plain.sparkProperties['spark.driver.extraJavaOptions'], /pipeline-job/);
    assert.doesNotMatch(plain.sparkProperties['spark.files'], /pipeline-job/);
  });

  it('fills the binding\'s defaults', () => {
    assert.equal(settings.restUrl, 'http://m:6066');
    assert.equal(settings.sharedDirOnCluster, '/mnt/s');
    assert.equal(settings.pollIntervalMs, 5000);
    assert.equal(settings.workerUiPort, 8081);
  });
});

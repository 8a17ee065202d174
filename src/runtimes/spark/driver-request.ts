import type { ClusterConfiguration } from '../../domain/cluster-configuration.js';
import type { ResourceProfile } from '../../domain/runtime-catalog.js';
import type { SparkSettings } from './settings.js';
import type { DriverRequest } from './submitter.js';

/** Spark's own default `spark.{driver,executor}.memoryOverheadFactor`. */
const SPARK_OVERHEAD_FACTOR = 0.1;
const GC_OPTIONS: Record<string, string> = { g1gc: '-XX:+UseG1GC', parallelgc: '-XX:+UseParallelGC' };

/**
 * A cluster configuration as Spark settings (README "Cluster configuration on Spark"):
 *
 * | Sluice                                   | Spark |
 * |------------------------------------------|-------|
 * | supervisorUnits × supervisor profile CPU | `spark.driver.cores` (rounded up, at least 1) |
 * | supervisorUnits × profile memory         | `spark.driver.memory`, the unit memory less the overhead |
 * | workers                                  | `spark.executor.instances`, and `spark.cores.max` = workers × executor cores (standalone starts executors until the cores are used) |
 * | workerUnits × worker profile CPU         | `spark.executor.cores` |
 * | workerUnits × profile memory             | `spark.executor.memory`, the unit memory less the overhead |
 * | 0.10 + {worker,supervisor}AdditionalOverheadMemory | `spark.{executor,driver}.memoryOverheadFactor` |
 * | gcProfile                                | `-XX:+UseG1GC` / `-XX:+UseParallelGC` in both extraJavaOptions |
 *
 * A unit's memory is what the machine gives the JVM in all, so the heap is that divided by
 * (1 + factor): the off-heap part Spark reserves fits in the unit rather than beyond it.
 */
export function clusterProperties(cluster: ClusterConfiguration, profiles: ResourceProfile[]): Record<string, string> {
  const profileOf = (id: string | undefined, role: string) => {
    const found = profiles.find((p) => p.id === id);
    if (!found) throw new Error(`the ${role} resource profile "${id ?? ''}" is not in the runtime catalog`);
    return found;
  };
  const driverProfile = profileOf(cluster.supervisorResourceProfileId, 'supervisor');
  const executorProfile = profileOf(cluster.workerResourceProfileId, 'worker');
  const driverFactor = round2(SPARK_OVERHEAD_FACTOR + (cluster.supervisorAdditionalOverheadMemory ?? 0));
  const executorFactor = round2(SPARK_OVERHEAD_FACTOR + (cluster.workerAdditionalOverheadMemory ?? 0));
  const executorCores = Math.max(1, Math.ceil(cluster.workerUnits * executorProfile.cpuPerUnit));
  return {
    'spark.driver.cores': String(Math.max(1, Math.ceil(cluster.supervisorUnits * driverProfile.cpuPerUnit))),
    'spark.driver.memory': `${heapMb(cluster.supervisorUnits * driverProfile.memoryInGiBPerUnit, driverFactor)}m`,
    'spark.driver.memoryOverheadFactor': String(driverFactor),
    'spark.executor.instances': String(cluster.workers),
    'spark.executor.cores': String(executorCores),
    'spark.cores.max': String(cluster.workers * executorCores),
    'spark.executor.memory': `${heapMb(cluster.workerUnits * executorProfile.memoryInGiBPerUnit, executorFactor)}m`,
    'spark.executor.memoryOverheadFactor': String(executorFactor),
  };
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const heapMb = (gib: number, factor: number) => Math.max(384, Math.floor((gib * 1024) / (1 + factor)));

/** What a job is, as the driver request needs it (a subset of the runtime's JobSpec). */
export interface SparkJob {
  jobId: string;
  pipelineId: string;
  versionId: string;
  attempt: number;
  entryPointClassName: string;
  cluster: ClusterConfiguration;
  /** The job has pinned catalog versions, so `pipeline-job.conf` is written. */
  hasJobConf: boolean;
}

/** Where the cluster finds the job's JAR and files (paths on the Spark machines' shared mount). */
export interface FilesOnCluster {
  jar: string;
  jobDir: string;
}

/** The job's name on the cluster: `spark.app.name`, with the Sluice job id in it. */
export const appNameOf = (jobId: string) => `sluice-job-${jobId}`;

/**
 * The submission of one job. The driver sees what a local JVM job sees: the same
 * `-Dpipeline-config.file` / `-Dpipeline-job.file` / log4j2 properties naming files in the job's
 * folder (on the shared mount), that folder on its classpath (so `application.properties` is a
 * classpath resource), and PIPELINE_JOB_ID / PIPELINE_VERSION_ID / PIPELINE_ID in its
 * environment. Executors get the same properties and variables, and the files through
 * `spark.files` (SparkFiles, and their working folder).
 */
export function driverRequest(job: SparkJob, settings: SparkSettings, profiles: ResourceProfile[], files: FilesOnCluster): DriverRequest {
  const inFolder = (name: string) => `${files.jobDir}/${name}`;
  const fileNames = ['pipeline-config.conf', ...(job.hasJobConf ? ['pipeline-job.conf'] : []), 'application.properties', 'log4j2.xml'];
  const systemProperties = [
    `-Dsluice.job.id=${job.jobId}.${job.attempt}`,
    `-Dpipeline-config.file=${inFolder('pipeline-config.conf')}`,
    ...(job.hasJobConf ? [`-Dpipeline-job.file=${inFolder('pipeline-job.conf')}`] : []),
    `-Dlog4j2.configurationFile=${inFolder('log4j2.xml')}`,
  ];
  const gc = GC_OPTIONS[job.cluster.gcProfile ?? 'g1gc'];
  const javaOptions = [...(gc ? [gc] : []), ...systemProperties].join(' ');
  const environment = { PIPELINE_JOB_ID: job.jobId, PIPELINE_VERSION_ID: job.versionId, PIPELINE_ID: job.pipelineId };
  const sparkProperties: Record<string, string> = {
    ...settings.sparkProperties,
    ...clusterProperties(job.cluster, profiles),
    'spark.master': settings.masterUrl,
    'spark.submit.deployMode': 'cluster',
    'spark.driver.supervise': String(settings.supervise),
    'spark.driver.extraClassPath': files.jobDir,
    'spark.driver.extraJavaOptions': javaOptions,
    'spark.executor.extraJavaOptions': javaOptions,
    'spark.files': fileNames.map((name) => `file://${inFolder(name)}`).join(','),
  };
  for (const [key, value] of Object.entries(environment)) sparkProperties[`spark.executorEnv.${key}`] = value;
  return {
    appName: appNameOf(job.jobId),
    appResource: `file://${files.jar}`,
    mainClass: job.entryPointClassName,
    appArgs: [],
    sparkProperties,
    environmentVariables: environment,
  };
}

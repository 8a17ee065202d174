import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoggingConfiguration } from '../../domain/logging-configuration.js';
import { applicationProperties, log4j2Config, pipelineConfig, pipelineJob } from '../local-jvm/files.js';
import type { JobSpec } from '../runtime.js';
import type { FilesOnCluster } from './driver-request.js';
import type { SparkSettings } from './settings.js';

/** What goes into a job's folder: the same files, with the same content, as a local JVM job's. */
export type JobFiles = Pick<JobSpec, 'jobId' | 'packageId' | 'jarPath' | 'inputCatalogs' | 'outputCatalogHrn' | 'billingTag'
  | 'catalogVersions' | 'applicationProperties' | 'logging'>;

/**
 * Artifact delivery through a folder shared by the replicas and the Spark machines
 * (README "Why a shared folder"):
 *
 *     <sharedDir>/packages/<packageId>.jar          written once per package, read by every job of it
 *     <sharedDir>/jobs/<jobId>/pipeline-config.conf, pipeline-job.conf, application.properties, log4j2.xml
 *
 * Every write lands under a temporary name and is renamed into place, so a worker never reads a
 * half-written JAR and a launch retried after a crash rewrites the same content harmlessly.
 */
export class SharedFiles {
  constructor(private readonly settings: Pick<SparkSettings, 'sharedDir' | 'sharedDirOnCluster'>) {}

  jobDir(jobId: string): string {
    return path.join(this.settings.sharedDir, 'jobs', jobId);
  }

  /** Puts the package and the job's files in place; returns where the cluster finds them. */
  async stage(job: JobFiles): Promise<FilesOnCluster> {
    const jarName = `${job.packageId}.jar`;
    const jar = path.join(this.settings.sharedDir, 'packages', jarName);
    if (!(await exists(jar))) await copyInto(job.jarPath, jar);
    const dir = this.jobDir(job.jobId);
    await fs.mkdir(dir, { recursive: true });
    const files: [string, string][] = [
      ['pipeline-config.conf', pipelineConfig({ inputCatalogs: job.inputCatalogs, outputCatalogHrn: job.outputCatalogHrn, billingTag: job.billingTag })],
      ['application.properties', applicationProperties(job.applicationProperties)],
      ['log4j2.xml', log4j2Config(job.logging)],
    ];
    if (job.catalogVersions) files.push(['pipeline-job.conf', pipelineJob(job.catalogVersions)]);
    for (const [name, content] of files) await writeInto(path.join(dir, name), content);
    return {
      jar: path.posix.join(this.settings.sharedDirOnCluster, 'packages', jarName),
      jobDir: path.posix.join(this.settings.sharedDirOnCluster, 'jobs', job.jobId),
    };
  }

  /** A changed logging configuration, where the driver's log4j2 (monitorInterval) picks it up. */
  async rewriteLogging(jobId: string, logging: LoggingConfiguration): Promise<void> {
    await writeInto(path.join(this.jobDir(jobId), 'log4j2.xml'), log4j2Config(logging));
  }

  async removeJob(jobId: string): Promise<void> {
    await fs.rm(this.jobDir(jobId), { recursive: true, force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(() => true, () => false);
}

const temporary = (file: string) => `${file}.${randomBytes(4).toString('hex')}.tmp`;

async function copyInto(source: string, target: string): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = temporary(target);
  await fs.copyFile(source, tmp);
  await fs.rename(tmp, target);
}

async function writeInto(target: string, content: string): Promise<void> {
  const tmp = temporary(target);
  await fs.writeFile(tmp, content);
  await fs.rename(tmp, target);
}

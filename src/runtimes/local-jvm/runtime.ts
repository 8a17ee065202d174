import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ProcessStatus } from '../../domain/reconcile-types.js';
import type { JobLocation, JobRuntime, JobSpec, ProcessHandle } from '../runtime.js';
import { javaArguments, jobMarker, WRAPPER_SCRIPT, type LocalJvmSettings } from './command.js';
import { applicationProperties, log4j2Config, pipelineConfig, pipelineJob } from './files.js';
import { findProcessesWithArgument, isSameProcessAlive, procInfo } from './proc.js';

const LOG_FILE = 'job.log';
const EXIT_CODE_FILE = 'exit-code';
const WRAPPER_NAME = 'sluice-job';

/** Only these reach a job from the service's environment: never its secrets or DATABASE_URL. */
const PASSED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'JAVA_HOME', 'TMPDIR'];

/**
 * Runs each job as a local JVM process in its own folder under `<data>/jobs/<jobId>`. The
 * process runs in its own session, so it survives the service; it is found again by its pid and
 * start time, or, if the service died between starting it and recording it, by a marker argument.
 */
export class LocalJvmRuntime implements JobRuntime {
  readonly name = 'local-jvm';
  private readonly exitListeners: ((jobId: string) => void)[] = [];

  constructor(private readonly jobsDir: string, private readonly settings: LocalJvmSettings) {}

  workDirOf(jobId: string): string {
    return path.join(this.jobsDir, jobId);
  }

  logFile(job: JobLocation): string {
    return path.join(job.workDir, LOG_FILE);
  }

  onExit(listener: (jobId: string) => void): void {
    this.exitListeners.push(listener);
  }

  async launch(spec: JobSpec): Promise<ProcessHandle> {
    const workDir = this.workDirOf(spec.jobId);
    // A log means this job was launched before (by an earlier run of the service): never start it
    // twice. It is created before the process is spawned, so without it there is no process to
    // look for; with it, the process is found by its marker, or its exit-code file tells how it
    // ended. (Scanning /proc for every launch cost 40-130 ms on a busy machine: npm run bench -- activate.)
    if (await this.wasLaunched(workDir)) {
      return (await this.findRunning(spec.jobId)) ?? { pid: 0, processStart: 'ended' };
    }
    await fs.mkdir(workDir, { recursive: true });
    await this.writeFiles(spec, workDir);
    const log = await fs.open(path.join(workDir, LOG_FILE), 'a');
    try {
      const env: Record<string, string> = {
        PIPELINE_JOB_ID: spec.jobId,
        PIPELINE_VERSION_ID: spec.versionId,
        PIPELINE_ID: spec.pipelineId,
      };
      for (const name of PASSED_ENV) if (process.env[name]) env[name] = process.env[name]!;
      const child = spawn('sh', ['-c', WRAPPER_SCRIPT, WRAPPER_NAME, this.settings.java, ...javaArguments(spec, workDir, this.settings)], {
        cwd: workDir,
        env,
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
      });
      const pid = await new Promise<number>((resolve, reject) => {
        child.once('spawn', () => resolve(child.pid!));
        child.once('error', reject);
      });
      child.once('exit', () => this.exitListeners.forEach((listener) => listener(spec.jobId)));
      child.unref();
      const info = await procInfo(pid);
      // The wrapper can only be gone already if it failed at once; its exit code file tells.
      return { pid, processStart: info?.startTime ?? 'exited' };
    } finally {
      await log.close();
    }
  }

  async observe(job: JobLocation): Promise<ProcessStatus> {
    if (job.pid === null || job.processStart === null) {
      // Not recorded as launched: launch() adopts a process an earlier run of the service started.
      return { status: 'not-launched' };
    }
    if (await isSameProcessAlive(job.pid, job.processStart)) return { status: 'alive' };
    const code = await this.exitCode(job.workDir);
    return code === null ? { status: 'vanished' } : { status: 'exited', code };
  }

  async signal(job: JobLocation, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    if (job.pid === null || job.pid <= 0 || job.processStart === null) return;
    if (!(await isSameProcessAlive(job.pid, job.processStart))) return;
    try {
      // The wrapper leads its own process group: the JVM gets the signal directly.
      process.kill(-job.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  async logTail(job: JobLocation, lines: number): Promise<string> {
    const file = this.logFile(job);
    try {
      const handle = await fs.open(file, 'r');
      try {
        const { size } = await handle.stat();
        const length = Math.min(size, 16 * 1024);
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, size - length);
        return buffer.toString('utf8').split('\n').filter((l) => l !== '').slice(-lines).join('\n');
      } finally {
        await handle.close();
      }
    } catch {
      return '';
    }
  }

  private wasLaunched(workDir: string): Promise<boolean> {
    return fs.stat(path.join(workDir, LOG_FILE)).then(() => true, () => false);
  }

  private async exitCode(workDir: string): Promise<number | null> {
    try {
      const text = (await fs.readFile(path.join(workDir, EXIT_CODE_FILE), 'utf8')).trim();
      return /^\d+$/.test(text) ? Number(text) : null;
    } catch {
      return null;
    }
  }

  /** The job's wrapper process, if one is running (found by its marker argument). */
  private async findRunning(jobId: string): Promise<ProcessHandle | null> {
    for (const pid of await findProcessesWithArgument(jobMarker(jobId))) {
      const info = await procInfo(pid);
      if (!info || info.state === 'Z') continue;
      const args = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
      if (args[0] === 'sh' && args.includes(WRAPPER_NAME)) return { pid, processStart: info.startTime };
    }
    return null;
  }

  private async writeFiles(spec: JobSpec, workDir: string): Promise<void> {
    const write = (name: string, text: string) => fs.writeFile(path.join(workDir, name), text);
    await write('pipeline-config.conf', pipelineConfig(spec));
    if (spec.kind === 'batch' && spec.catalogVersions) await write('pipeline-job.conf', pipelineJob(spec.catalogVersions));
    await write('application.properties', applicationProperties(spec.applicationProperties));
    await write('log4j2.xml', log4j2Config(spec.logging));
    await fs.rm(path.join(workDir, EXIT_CODE_FILE), { force: true });
  }
}

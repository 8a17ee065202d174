import fs from 'node:fs/promises';
import path from 'node:path';
import { isUuid } from '../../domain/hrn.js';
import type { ProcessStatus } from '../../domain/reconcile-types.js';
import type { JobLocation, JobRuntime, JobSpec, ProcessHandle, StoredFolder } from '../runtime.js';
import { heapMb, javaArguments, jobMarker, WRAPPER_SCRIPT, type LocalJvmSettings } from './command.js';
import type { JobSandbox, SandboxedCommand } from './sandbox/job-sandbox.js';
import { applicationProperties, log4j2Config, pipelineConfig, pipelineJob } from './files.js';
import { findProcessesWithArgument, isSameProcessAlive, procInfo } from './proc.js';
import { JobLauncher, LauncherGone, type FolderPreparation } from './launcher.js';
import { CHECKPOINTS, LocalStreamState, SNAPSHOT } from './state.js';
import type { LoggingConfiguration } from '../../domain/logging-configuration.js';

const LOG_FILE = 'job.log';
const EXIT_CODE_FILE = 'exit-code';
/** Holds the number of the last attempt started, written just before its process is spawned. */
const LAUNCHED_FILE = 'launched';
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
  private readonly state: LocalStreamState;
  private readonly launcher = new JobLauncher((jobId) => {
    void this.sandbox?.jobEnded(jobId);
    this.exitListeners.forEach((listener) => listener(jobId));
  });

  /** `sandbox`: how each job's command is wrapped (isolated or shared, README: "Job isolation"); none: run as is. */
  constructor(
    private readonly jobsDir: string,
    private readonly snapshotsDir: string,
    private readonly settings: LocalJvmSettings,
    private readonly sandbox?: JobSandbox,
  ) {
    this.state = new LocalStreamState(snapshotsDir);
  }

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
    const env: Record<string, string> = {
      PIPELINE_JOB_ID: spec.jobId,
      PIPELINE_VERSION_ID: spec.versionId,
      PIPELINE_ID: spec.pipelineId,
    };
    for (const name of PASSED_ENV) if (process.env[name]) env[name] = process.env[name]!;
    const logFile = path.join(workDir, LOG_FILE);
    const plain = { command: this.settings.java, args: javaArguments(spec, workDir, this.settings), env };
    const job: SandboxedCommand = this.sandbox ? await this.sandbox.wrap(spec, workDir, heapMb(spec.cluster, this.settings), { ...plain, logFile }) : plain;
    try {
      const spawned = await this.launcher.spawn({
        jobId: spec.jobId,
        command: 'sh',
        args: ['-c', WRAPPER_SCRIPT, WRAPPER_NAME, job.command, ...job.args],
        cwd: workDir,
        env: job.env,
        logFile,
        prepare: { ...this.folderFor(spec), owner: job.owner },
      });
      // The launched file says this attempt was started before (by an earlier run of the service):
      // never start it twice. The process is found by its marker, or its exit-code file tells how it
      // ended. (Scanning /proc for every launch cost 40-130 ms on a busy machine: npm run bench -- activate.)
      if ('alreadyLaunched' in spawned) return (await this.findRunning(spec.jobId, spec.attempt)) ?? { pid: 0, processStart: 'ended' };
      // The wrapper can only be gone already if it failed at once; its exit code file tells.
      return { pid: spawned.pid, processStart: spawned.startTime ?? 'exited' };
    } catch (error) {
      // The launcher died with the request in hand: the process may be up, or may have run already.
      if (!(error instanceof LauncherGone)) throw error;
      const found = await this.findRunning(spec.jobId, spec.attempt);
      if (found) return found;
      if ((await this.exitCode(workDir)) === null) throw error;
      return { pid: 0, processStart: 'ended' };
    }
  }

  /** The job's folder as the attempt starts: its files, a fresh exit code, and for a stream job the state folders. */
  private folderFor(spec: JobSpec): FolderPreparation {
    const files: FolderPreparation['files'] = [
      { name: 'pipeline-config.conf', text: pipelineConfig(spec) },
      { name: 'application.properties', text: applicationProperties(spec.applicationProperties) },
      { name: 'log4j2.xml', text: log4j2Config(spec.logging) },
    ];
    if (spec.kind === 'batch' && spec.catalogVersions) files.push({ name: 'pipeline-job.conf', text: pipelineJob(spec.catalogVersions) });
    if (spec.attempt > 0) {
      const header = `--- sluice: attempt ${spec.attempt}${spec.restoreLocation ? ` from ${spec.restoreLocation}` : ''} ---\n`;
      files.push({ name: LOG_FILE, text: header, append: true });
    }
    const stream = spec.kind === 'stream';
    return {
      // The checkpoints so far stay, a stale snapshot does not.
      remove: [EXIT_CODE_FILE, ...(stream ? [SNAPSHOT] : [])],
      dirs: stream ? [CHECKPOINTS, SNAPSHOT] : [],
      files,
      launched: LAUNCHED_FILE,
      attempt: spec.attempt,
    };
  }

  /** Starts the launcher helper ahead of the first job. */
  warmUp(): void {
    this.launcher.warmUp();
  }

  /** Ends the launcher helper (jobs keep running). */
  close(): void {
    this.launcher.close();
    this.sandbox?.close();
  }

  async observe(job: JobLocation): Promise<ProcessStatus> {
    if (job.pid === null || job.processStart === null) {
      // Not recorded as launched: launch() adopts a process an earlier run of the service started.
      return { status: 'not-launched' };
    }
    if (await isSameProcessAlive(job.pid, job.processStart)) return { status: 'alive' };
    await this.sandbox?.jobEnded(job.jobId);
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

  private async exitCode(workDir: string): Promise<number | null> {
    try {
      const text = (await fs.readFile(path.join(workDir, EXIT_CODE_FILE), 'utf8')).trim();
      return /^\d+$/.test(text) ? Number(text) : null;
    } catch {
      return null;
    }
  }

  /** The job's wrapper process, if one is running (found by its marker argument). */
  private async findRunning(jobId: string, attempt: number): Promise<ProcessHandle | null> {
    for (const pid of await findProcessesWithArgument(jobMarker(jobId, attempt))) {
      const info = await procInfo(pid);
      if (!info || info.state === 'Z') continue;
      const args = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
      if (args[0] === 'sh' && args.includes(WRAPPER_NAME)) return { pid, processStart: info.startTime };
    }
    return null;
  }

  snapshotWritten(job: JobLocation, snapshotId: string): Promise<boolean> {
    return this.state.written(job.workDir, snapshotId);
  }

  keepSnapshot(job: JobLocation, snapshotId: string): Promise<string> {
    return this.state.keep(job.workDir, snapshotId);
  }

  discardSnapshot(job: JobLocation): Promise<void> {
    return this.state.discard(job.workDir);
  }

  newestCheckpoint(job: JobLocation): Promise<string | null> {
    return this.state.newestCheckpoint(job.workDir);
  }

  deleteSnapshot(location: string): Promise<void> {
    return this.state.delete(location);
  }

  async removeJobFolder(job: Pick<JobLocation, 'jobId' | 'workDir'>): Promise<void> {
    // Only ever the job's own folder under the jobs folder, whatever the row says.
    if (path.resolve(job.workDir) !== path.resolve(this.workDirOf(job.jobId))) throw new Error(`not the folder of job ${job.jobId}: ${job.workDir}`);
    await fs.rm(this.workDirOf(job.jobId), { recursive: true, force: true });
  }

  async folders(): Promise<{ jobs: StoredFolder[]; snapshots: StoredFolder[] }> {
    const [jobs, snapshots] = await Promise.all([foldersIn(this.jobsDir), foldersIn(this.snapshotsDir)]);
    return { jobs, snapshots };
  }

  async removeFolder(kind: 'job' | 'snapshot', id: string): Promise<void> {
    if (!isIdName(id)) throw new Error(`not a ${kind} id: ${id}`);
    await fs.rm(path.join(kind === 'job' ? this.jobsDir : this.snapshotsDir, id), { recursive: true, force: true });
  }

  /** Written aside and renamed, so the job's Log4j2 (monitorInterval) never reads half a file. */
  async rewriteLogging(job: JobLocation, logging: LoggingConfiguration): Promise<void> {
    const file = path.join(job.workDir, 'log4j2.xml');
    await fs.writeFile(`${file}.tmp`, log4j2Config(logging));
    await fs.rename(`${file}.tmp`, file);
  }
}

/** Folder names the service gives (job and snapshot ids, lower case): anything else in there is not ours to remove. */
const isIdName = (name: string) => isUuid(name) && name === name.toLowerCase();

async function foldersIn(dir: string): Promise<StoredFolder[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: StoredFolder[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !isIdName(entry.name)) continue;
    const stat = await fs.stat(path.join(dir, entry.name)).catch(() => null);
    if (stat) found.push({ id: entry.name, changedMs: Math.max(stat.ctimeMs, stat.mtimeMs) });
  }
  return found;
}

import { watch, type FSWatcher } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isUuid } from '../../domain/hrn.js';
import type { Checkpoint, ObservedJob } from '../../domain/reconcile-types.js';
import { fileJobLog, type JobLog } from '../job-log.js';
import type { JobChange, JobHandle, JobRuntime, JobSpec, RuntimeJob, SnapshotStatus, StopRequest, StoredFolder } from '../runtime.js';
import { heapMb, javaArguments, jobMarker, WRAPPER_SCRIPT } from './command.js';
import type { JobSandbox, SandboxedCommand } from './sandbox/job-sandbox.js';
import type { LocalJvmMachineSettings } from './settings.js';
import { applicationProperties, log4j2Config, pipelineConfig, pipelineJob } from './files.js';
import { findProcessesWithArgument, isSameProcessAlive, procInfo } from './proc.js';
import { JobLauncher, LauncherGone, type FolderPreparation } from './launcher.js';
import { CHECKPOINTS, LocalStreamState, pathOf, SNAPSHOT } from './state.js';
import type { LoggingConfiguration } from '../../domain/logging-configuration.js';

const LOG_FILE = 'job.log';
const EXIT_CODE_FILE = 'exit-code';
/** Holds the number of the last attempt started, written just before its process is spawned. */
const LAUNCHED_FILE = 'launched';
const WRAPPER_NAME = 'sluice-job';

/** Only these reach a job from the service's environment: never its secrets or DATABASE_URL. */
const PASSED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'JAVA_HOME', 'TMPDIR'];

/**
 * The local JVM's handle: the job's wrapper process (pid and start time as the OS reports it, so
 * a reused pid is not mistaken for the job) and its folder. `pid` 0 means the attempt had already
 * run to its end when it was found (its `exit-code` file tells how).
 */
export interface LocalHandle {
  pid: number;
  processStart: string;
  workDir: string;
}

/** How often the watched jobs' processes are checked for life (a signal 0 each: no database, no files). */
const LIVENESS_CHECK_MS = 250;

/**
 * What every local JVM runtime of one service shares: the folders, the helper that starts
 * processes, and the watch on live jobs. The helper reports the exits of the processes it
 * started; a job adopted after a restart is not its child, so each watched job's process is also
 * checked for life (kill -0, a few µs) at LIVENESS_CHECK_MS, and its `checkpoints/` folder is
 * watched (inotify) so a new checkpoint is reported as it appears.
 */
export class LocalJvmMachine {
  readonly state: LocalStreamState;
  private readonly listeners: ((jobId: string, change: JobChange) => void)[] = [];
  readonly launcher = new JobLauncher((jobId) => {
    void this.sandbox?.jobEnded(jobId);
    this.tell(jobId, 'ended');
  });
  private readonly watched = new Map<string, { pid: number; alive: boolean; watcher?: FSWatcher }>();
  private liveness?: NodeJS.Timeout;

  /** `sandbox`: how each job's command is wrapped (isolated or shared, README: "Job isolation"); none: run as is. */
  constructor(readonly jobsDir: string, readonly snapshotsDir: string, readonly sandbox?: JobSandbox) {
    this.state = new LocalStreamState(snapshotsDir);
  }

  onJobChanged(listener: (jobId: string, change: JobChange) => void): void {
    this.listeners.push(listener);
  }

  tell(jobId: string, change: JobChange): void {
    for (const listener of this.listeners) listener(jobId, change);
  }

  watch(jobId: string, pid: number, folder: string): void {
    const known = this.watched.get(jobId);
    if (known) {
      known.pid = pid;
      known.alive = pid > 0;
      return;
    }
    const entry: { pid: number; alive: boolean; watcher?: FSWatcher } = { pid, alive: pid > 0 };
    try {
      // Complete checkpoints appear by a rename; in-progress ones are dot-named.
      entry.watcher = watch(path.join(folder, CHECKPOINTS), (_event, name) => {
        if (name && !name.startsWith('.')) this.tell(jobId, 'checkpoint');
      });
      entry.watcher.on('error', () => entry.watcher?.close());
    } catch {
      // No checkpoints folder (a batch job): only its end is of interest.
    }
    this.watched.set(jobId, entry);
    this.liveness ??= setInterval(() => this.checkLiveness(), LIVENESS_CHECK_MS).unref();
  }

  unwatch(jobId: string): void {
    this.watched.get(jobId)?.watcher?.close();
    this.watched.delete(jobId);
    if (this.watched.size === 0 && this.liveness) {
      clearInterval(this.liveness);
      this.liveness = undefined;
    }
  }

  private checkLiveness(): void {
    for (const [jobId, entry] of this.watched) {
      if (!entry.alive) continue;
      try {
        process.kill(entry.pid, 0);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') continue;
        entry.alive = false;
        this.tell(jobId, 'ended');
      }
    }
  }

  close(): void {
    for (const jobId of [...this.watched.keys()]) this.unwatch(jobId);
    this.launcher.close();
  }
}

/**
 * Runs each job as a local JVM process in its own folder under `<data>/jobs/<jobId>`. The
 * process runs in its own session, so it survives the service; it is found again by its pid and
 * start time, or, if the service died between starting it and recording it, by a marker argument.
 * Several of these (one per catalog binding with its own settings) share one `LocalJvmMachine`.
 */
export class LocalJvmRuntime implements JobRuntime {
  readonly kind = 'local-jvm';
  readonly local = true;
  readonly safetyPollMs: number;
  private readonly state: LocalStreamState;
  private readonly launcher: JobLauncher;
  private readonly jobsDir: string;
  private readonly snapshotsDir: string;

  constructor(readonly name: string, private readonly machine: LocalJvmMachine, private readonly settings: LocalJvmMachineSettings) {
    this.state = machine.state;
    this.launcher = machine.launcher;
    this.jobsDir = machine.jobsDir;
    this.snapshotsDir = machine.snapshotsDir;
    this.safetyPollMs = settings.safetyPollMs;
  }

  private workDirOf(jobId: string): string {
    return path.join(this.jobsDir, jobId);
  }

  /** The job's folder: from its handle once launched (the one it really runs in), else where it will be. */
  private folderOf(job: RuntimeJob): string {
    const recorded = job.handle?.workDir;
    return typeof recorded === 'string' ? recorded : this.workDirOf(job.jobId);
  }

  private logFile(job: RuntimeJob): string {
    return path.join(this.folderOf(job), LOG_FILE);
  }

  log(job: RuntimeJob): JobLog {
    return fileJobLog(this.logFile(job));
  }

  onJobChanged(listener: (jobId: string, change: JobChange) => void): void {
    this.machine.onJobChanged(listener);
  }

  watch(job: RuntimeJob): void {
    this.machine.watch(job.jobId, processOf(job).pid, this.folderOf(job));
  }

  unwatch(jobId: string): void {
    this.machine.unwatch(jobId);
  }

  async launch(spec: JobSpec): Promise<JobHandle> {
    const handle = await this.start(spec);
    return { ...handle, workDir: this.workDirOf(spec.jobId) };
  }

  private async start(spec: JobSpec): Promise<Omit<LocalHandle, 'workDir'>> {
    const workDir = this.workDirOf(spec.jobId);
    const env: Record<string, string> = {
      PIPELINE_JOB_ID: spec.jobId,
      PIPELINE_VERSION_ID: spec.versionId,
      PIPELINE_ID: spec.pipelineId,
    };
    for (const name of PASSED_ENV) if (process.env[name]) env[name] = process.env[name]!;
    const logFile = path.join(workDir, LOG_FILE);
    const local = localSpec(spec);
    const plain = { command: this.settings.java, args: javaArguments(local, workDir, this.settings), env };
    const sandbox = this.machine.sandbox;
    const job: SandboxedCommand = sandbox ? await sandbox.wrap(local, workDir, heapMb(spec.cluster, this.settings), { ...plain, logFile }, this.settings.classpath ? [this.settings.classpath] : []) : plain;
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

  /** Ends the launcher helper and the watches (jobs keep running). */
  async close(): Promise<void> {
    this.machine.close();
    this.machine.sandbox?.close();
  }

  async observe(job: RuntimeJob): Promise<ObservedJob> {
    const { pid, processStart } = processOf(job);
    if (pid > 0 && await isSameProcessAlive(pid, processStart)) return { state: 'running' };
    await this.machine.sandbox?.jobEnded(job.jobId);
    const code = await this.exitCode(this.folderOf(job));
    return code === null ? { state: 'lost' } : { state: 'finished', exitCode: code };
  }

  /** SIGTERM whether or not the state is kept: a stream job writes its snapshot when it gets one, and a cancel discards it after. */
  async stop(job: RuntimeJob, _request: StopRequest): Promise<void> {
    await this.signal(job, 'SIGTERM');
  }

  async forceStop(job: RuntimeJob): Promise<void> {
    await this.signal(job, 'SIGKILL');
  }

  private async signal(job: RuntimeJob, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const { pid, processStart } = processOf(job);
    if (pid <= 0 || !(await isSameProcessAlive(pid, processStart))) return;
    try {
      // The wrapper leads its own process group: the JVM gets the signal directly.
      process.kill(-pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  async logTail(job: RuntimeJob, lines: number): Promise<string> {
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
  private async findRunning(jobId: string, attempt: number): Promise<Omit<LocalHandle, 'workDir'> | null> {
    for (const pid of await findProcessesWithArgument(jobMarker(jobId, attempt))) {
      const info = await procInfo(pid);
      if (!info || info.state === 'Z') continue;
      const args = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
      if (args[0] === 'sh' && args.includes(WRAPPER_NAME)) return { pid, processStart: info.startTime };
    }
    return null;
  }

  async snapshotStatus(job: RuntimeJob, snapshotId: string): Promise<SnapshotStatus> {
    return { state: (await this.state.written(this.folderOf(job), snapshotId)) ? 'written' : 'none' };
  }

  keepSnapshot(job: RuntimeJob, snapshotId: string): Promise<string> {
    return this.state.keep(this.folderOf(job), snapshotId);
  }

  discardSnapshot(job: RuntimeJob): Promise<void> {
    return this.state.discard(this.folderOf(job));
  }

  newestCheckpoint(job: RuntimeJob): Promise<Checkpoint | null> {
    return this.state.newestCheckpoint(this.folderOf(job));
  }

  deleteSnapshot(location: string): Promise<void> {
    return this.state.delete(location);
  }

  async removeJobFiles(job: RuntimeJob): Promise<void> {
    // Only ever the job's own folder under the jobs folder, whatever the handle says.
    await fs.rm(this.workDirOf(job.jobId), { recursive: true, force: true });
  }

  /**
   * Every local runtime shares the machine's folders: the default one (named by its kind) reports
   * them, so that a binding with settings of its own does not list each folder again.
   */
  async leftovers(): Promise<{ jobs: StoredFolder[]; snapshots: StoredFolder[] }> {
    if (this.name !== this.kind) return { jobs: [], snapshots: [] };
    const [jobs, snapshots] = await Promise.all([foldersIn(this.jobsDir), foldersIn(this.snapshotsDir)]);
    return { jobs, snapshots };
  }

  async removeLeftover(kind: 'job' | 'snapshot', id: string): Promise<void> {
    if (!isIdName(id)) throw new Error(`not a ${kind} id: ${id}`);
    await fs.rm(path.join(kind === 'job' ? this.jobsDir : this.snapshotsDir, id), { recursive: true, force: true });
  }

  /** Written aside and renamed, so the job's Log4j2 (monitorInterval) never reads half a file. */
  async rewriteLogging(job: RuntimeJob, logging: LoggingConfiguration): Promise<void> {
    const file = path.join(this.folderOf(job), 'log4j2.xml');
    await fs.writeFile(`${file}.tmp`, log4j2Config(logging));
    await fs.rename(`${file}.tmp`, file);
  }
}

/** The spec with its restore location as the folder the job reads (it is recorded as a URI). */
const localSpec = (spec: JobSpec): JobSpec => (spec.restoreLocation ? { ...spec, restoreLocation: pathOf(spec.restoreLocation) } : spec);

/** The process a handle names; a job not launched yet has none (pid 0). */
function processOf(job: RuntimeJob): { pid: number; processStart: string } {
  const pid = job.handle?.pid;
  const processStart = job.handle?.processStart;
  return typeof pid === 'number' && typeof processStart === 'string' ? { pid, processStart } : { pid: 0, processStart: '' };
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

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * What to do to `cwd` before the spawn, in this order: remove `remove` (recursively), create
 * `dirs`, write `files` (`append`: add to an existing file), and last write `launched` with
 * `attempt`. If `launched` already names this attempt or a later one, nothing is done and the
 * answer is `alreadyLaunched`: an attempt is never started twice.
 */
export interface FolderPreparation {
  remove: string[];
  dirs: string[];
  files: { name: string; text: string; append?: boolean }[];
  launched: string;
  attempt: number;
  /** The job user (isolated jobs): the folder and `dirs` become theirs, the files stay the service's (readable). */
  owner?: { uid: number; gid: number };
}

/** One job wrapper to start: `command args…` in `cwd`, detached, stdout and stderr appended to `logFile`. */
export interface SpawnRequest {
  id: number;
  jobId: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  prepare?: FolderPreparation;
}

/** The wrapper's pid and start time (null: it had already ended), a failure, or the news that a wrapper exited. */
export type LauncherReply =
  | { id: number; pid: number; startTime: string | null }
  | { id: number; alreadyLaunched: true }
  | { id: number; error: string }
  | { exited: string; code: number | null; signal: string | null };

export type Spawned = {
  pid: number;
  /** From /proc/<pid>/stat, read at once; null if the wrapper was already gone. */
  startTime: string | null;
} | {
  /** The folder's `launched` file says this attempt was started before: nothing was done. */
  alreadyLaunched: true;
};

const SCRIPT = fileURLToPath(new URL('./launcher-process.js', import.meta.url));

/** The launcher process ended before it answered: whether the job's process was started is not known. */
export class LauncherGone extends Error {}

/**
 * Starts job processes from a small helper process instead of from the service. Node's spawn()
 * forks the calling process: with PGlite's heap (~850 MB resident) each fork blocked the event
 * loop ~25 ms and the page faults after it slowed the service and the starting JVM for tens of
 * milliseconds more (npm run bench -- activate). The helper is started with the service (warmUp)
 * or at the first launch, and again after it ended; it is the parent of the jobs' wrappers and
 * reports their exits. It also writes the job's folder (small files, synchronously: in the helper
 * that blocks nobody, while in the service each was a round trip through libuv's thread pool
 * behind HTTP work).
 */
export class JobLauncher {
  private child?: ChildProcess;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (spawned: Spawned) => void; reject: (error: Error) => void }>();

  constructor(private readonly onExited: (jobId: string, code: number | null, signal: string | null) => void) {}

  /**
   * Starts the helper now rather than at the first launch (it takes ~60 ms to come up), and
   * before the service's heap grows: forking a small process is cheap.
   */
  warmUp(): void {
    if (!this.child) this.start();
  }

  /** Once the wrapper has been spawned. */
  spawn(request: Omit<SpawnRequest, 'id'>): Promise<Spawned> {
    const child = this.child ?? this.start();
    const id = ++this.next;
    return new Promise<Spawned>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // While an answer is awaited the channel keeps the process alive; otherwise it does not.
      child.channel?.ref();
      child.send({ ...request, id } satisfies SpawnRequest, (error) => {
        if (error) this.settle(id, new LauncherGone(`the job launcher could not be reached: ${error.message}`));
      });
    });
  }

  /** The helper's pid while it runs (diagnostics, tests). */
  get helperPid(): number | undefined {
    return this.child?.pid;
  }

  /** Ends the helper; jobs it started run on (they are detached from it). */
  close(): void {
    const child = this.child;
    this.child = undefined;
    if (child?.connected) child.disconnect();
  }

  private start(): ChildProcess {
    const child = fork(SCRIPT, [], {
      env: { PATH: process.env.PATH ?? '' },
      execArgv: [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child = child;
    child.on('message', (reply: LauncherReply) => {
      if ('exited' in reply) this.onExited(reply.exited, reply.code, reply.signal);
      else if ('pid' in reply) this.settle(reply.id, undefined, { pid: reply.pid, startTime: reply.startTime });
      else if ('alreadyLaunched' in reply) this.settle(reply.id, undefined, { alreadyLaunched: true });
      else this.settle(reply.id, new Error(reply.error));
    });
    const gone = (why: string) => {
      if (this.child === child) this.child = undefined;
      for (const id of [...this.pending.keys()]) this.settle(id, new LauncherGone(`the job launcher ${why}`));
    };
    child.once('exit', (code, signal) => gone(`process ended (${signal ?? `code ${code}`})`));
    child.once('error', (error) => gone(`failed: ${error.message}`));
    // Only an awaited answer keeps the service running (see spawn).
    child.unref();
    child.channel?.unref();
    return child;
  }

  private settle(id: number, error?: Error, spawned?: Spawned): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.child?.channel?.unref();
    if (error) waiting.reject(error);
    else waiting.resolve(spawned!);
  }
}

import crypto from 'node:crypto';

/** Flink's JobStatus values (1.15–2.x). Note CANCELLING with two Ls and CANCELED with one. */
export type JobStatus =
  | 'INITIALIZING' | 'CREATED' | 'RUNNING' | 'FAILING' | 'FAILED' | 'CANCELLING' | 'CANCELED'
  | 'FINISHED' | 'RESTARTING' | 'SUSPENDED' | 'RECONCILING';

export const GLOBALLY_TERMINAL: ReadonlySet<JobStatus> = new Set(['FINISHED', 'CANCELED', 'FAILED']);

export interface RootException {
  exceptionName: string;
  stacktrace: string;
  timestamp: number;
  taskName: string | null;
  location: string | null;
}

/** One job on the fake cluster, with everything the run request gave it (tests read it back). */
export interface FakeJob {
  id: string;
  name: string;
  jarId: string;
  entryClass: string | null;
  programArgsList: string[];
  /** What main() read from the URLs in its arguments, by argument name. */
  fetchedFiles: Record<string, string>;
  parallelism: number | null;
  savepointPath: string | null;
  allowNonRestoredState: boolean;
  /** 1.x `restoreMode`, 2.x `claimMode` (or its deprecated alias), as sent. */
  restoreMode: string | null;
  flinkConfiguration: Record<string, string>;
  state: JobStatus;
  /** States still to come, one taken per poll of GET /jobs/:jobid: jobs progress across polls. */
  upcoming: JobStatus[];
  timestamps: Record<string, number>;
  startTime: number;
  endTime: number;
  /** Checkpoints completed before the current RUNNING stretch (more appear while it runs). */
  checkpointsBefore: number;
  runningSince: number | null;
  checkpointIntervalMs: number;
  restoredAt: number | null;
  exceptions: RootException[];
  restarts: number;
  /** Savepoints completed for this job (by a stop or a trigger), newest last. */
  savepoints: string[];
}

export const hex = (bytes: number) => crypto.randomBytes(bytes).toString('hex');

/** Moves a job to `state`, stamping when it got there and keeping the checkpoint count right. */
export function enterState(job: FakeJob, state: JobStatus, now: number): void {
  if (job.state === 'RUNNING' && state !== 'RUNNING') {
    job.checkpointsBefore = completedCheckpoints(job, now);
    job.runningSince = null;
  }
  if (state === 'RUNNING' && job.state !== 'RUNNING') job.runningSince = now;
  job.state = state;
  job.timestamps[state] = now;
  if (GLOBALLY_TERMINAL.has(state) || state === 'SUSPENDED') job.endTime = now;
}

/** One poll's worth of progress: the next scripted state, if any. */
export function advance(job: FakeJob, now: number): void {
  const next = job.upcoming.shift();
  if (next) enterState(job, next, now);
}

/** Checkpoints appear over time while the job runs: one per interval since it started running. */
export function completedCheckpoints(job: FakeJob, now: number): number {
  if (job.runningSince === null || job.checkpointIntervalMs <= 0) return job.checkpointsBefore;
  return job.checkpointsBefore + Math.floor((now - job.runningSince) / job.checkpointIntervalMs);
}

/** Where the job's checkpoints go: the per-job setting (either version's key), else the cluster's. */
export function checkpointDirOf(job: FakeJob, clusterDefault: string): string {
  const dir = job.flinkConfiguration['execution.checkpointing.dir'] ?? job.flinkConfiguration['state.checkpoints.dir'] ?? clusterDefault;
  return dir.replace(/\/+$/, '');
}

const checkpointEntry = (job: FakeJob, id: number, dir: string, savepoint: boolean, at: number) => ({
  className: 'completed',
  id,
  status: 'COMPLETED',
  is_savepoint: savepoint,
  trigger_timestamp: at,
  latest_ack_timestamp: at + 3,
  state_size: 1024 * id,
  end_to_end_duration: 3,
  alignment_buffered: 0,
  processed_data: 0,
  persisted_data: 0,
  num_subtasks: job.parallelism ?? 1,
  num_acknowledged_subtasks: job.parallelism ?? 1,
  checkpoint_type: savepoint ? 'SAVEPOINT' : 'CHECKPOINT',
  tasks: {},
  external_path: `${dir}/${job.id}/chk-${id}`,
  discarded: false,
});

/** GET /jobs/:jobid/checkpoints (CheckpointingStatistics). */
export function checkpointStatistics(job: FakeJob, now: number, clusterCheckpointDir: string) {
  const completed = completedCheckpoints(job, now);
  const dir = checkpointDirOf(job, clusterCheckpointDir);
  const at = (id: number) => (job.runningSince ?? job.startTime) + id * Math.max(job.checkpointIntervalMs, 1);
  const history = [];
  for (let id = completed; id > Math.max(0, completed - 10); id--) history.push(checkpointEntry(job, id, dir, false, at(id)));
  const stats = { min: 0, max: 0, avg: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 };
  return {
    counts: { restored: job.restoredAt === null ? 0 : 1, total: completed, in_progress: 0, completed, failed: 0 },
    summary: { state_size: stats, end_to_end_duration: stats, checkpointed_size: stats, processed_data: stats, persisted_data: stats },
    latest: {
      completed: completed > 0 ? checkpointEntry(job, completed, dir, false, at(completed)) : null,
      savepoint: job.savepoints.length === 0 ? null : {
        ...checkpointEntry(job, completed + job.savepoints.length, dir, true, job.endTime > 0 ? job.endTime : now),
        external_path: job.savepoints[job.savepoints.length - 1],
      },
      failed: null,
      restored: job.restoredAt === null ? null : {
        id: 0,
        restore_timestamp: job.restoredAt,
        is_savepoint: !/\/chk-\d+\/?$/.test(job.savepointPath ?? ''),
        external_path: job.savepointPath,
      },
    },
    history,
  };
}

/** GET /jobs/:jobid/exceptions; the deprecated top-level fields exist in 1.x only. */
export function exceptionsInfo(job: FakeJob, major: number) {
  const entries = [...job.exceptions].reverse().map((e) => ({ ...e, failureLabels: {}, concurrentExceptions: [] }));
  const body: Record<string, unknown> = { exceptionHistory: { entries, truncated: false } };
  if (major < 2) {
    const root = entries[0];
    body['root-exception'] = root ? root.stacktrace : null;
    body.timestamp = root ? root.timestamp : null;
    body['all-exceptions'] = [];
    body.truncated = false;
  }
  return body;
}

/** GET /jobs/:jobid (JobDetailsInfo). */
export function jobDetails(job: FakeJob, now: number) {
  const ended = job.endTime > 0;
  const vertexId = crypto.createHash('md5').update(job.id).digest('hex');
  return {
    jid: job.id,
    name: job.name,
    isStoppable: false,
    state: job.state,
    'start-time': job.startTime,
    'end-time': ended ? job.endTime : -1,
    duration: (ended ? job.endTime : now) - job.startTime,
    maxParallelism: -1,
    now,
    timestamps: job.timestamps,
    vertices: [{
      id: vertexId,
      name: 'Source: pipeline -> Sink: pipeline',
      maxParallelism: 128,
      parallelism: job.parallelism ?? 1,
      status: job.state === 'RUNNING' ? 'RUNNING' : ended ? (job.state === 'FAILED' ? 'FAILED' : job.state === 'CANCELED' ? 'CANCELED' : 'FINISHED') : 'CREATED',
      'start-time': job.startTime,
      'end-time': ended ? job.endTime : -1,
      duration: (ended ? job.endTime : now) - job.startTime,
      tasks: {},
      metrics: {},
    }],
    'status-counts': {},
    plan: { jid: job.id, name: job.name, type: 'STREAMING', nodes: [] },
  };
}

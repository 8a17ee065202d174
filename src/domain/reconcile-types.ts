import type { NewEvent } from './events.js';
import type { ServiceOperation, UserOperation, VersionKind, VersionState } from './state-machine.js';

/** What the engine observed about one version, for `decide`. Plain data: no I/O behind it. */
export interface Observation {
  now: Date;
  version: {
    id: string;
    state: VersionState;
    runMode: VersionKind | null;
    /** Kind the version would be if activated without pinned catalog versions. */
    kindWithoutPins: VersionKind;
    hasResolverSchedule: boolean;
    /** Set by deactivate or upgrade while a scheduled job ran: what happens when it ends. */
    afterJob: 'ready' | 'upgrade' | null;
    upgradeTargetId: string | null;
    /** stream, paused: the snapshot resume starts from. */
    resumeSnapshot: Restore | null;
  };
  templateCreated: boolean;
  /** Another version of the same pipeline is not ready. */
  otherVersionActive: boolean;
  /** The oldest pending user operation on this version that this replica has claimed. */
  operation?: {
    id: string;
    type: UserOperation;
    deadline: Date;
    pinsCatalogVersions: boolean;
    /** upgrade: the version to switch to. */
    toVersionId?: string;
    /** upgrade of a stream version: the target as it is now (undefined when it is gone). */
    target?: { state: VersionState; kind: VersionKind; templateCreated: boolean };
    /** upgrade of a stream version, after the source handed over: the target's job so far. */
    targetJob?: { id: string; state: string; message: string | null; restore: Restore | null; created: Date };
    /** activate of a stream version from a snapshot or the latest checkpoint: where it is, or why not. */
    restore?: Restore | { missing: string };
  };
  job?: {
    id: string;
    state: 'starting' | 'running';
    launched: boolean;
    kind: 'batch' | 'stream';
    stopRequested: StopReason | null;
    stopDeadline: Date | null;
    startDeadline: Date | null;
    highAvailability: boolean;
    /** Starts of the job's process so far (0 for the first). */
    attempt: number;
    restore: Restore | null;
    /** The location of the newest checkpoint recorded on the job. */
    latestCheckpoint: string | null;
    /** The version's logging configuration differs from the one written into the job's folder. */
    loggingOutdated: boolean;
  };
  /** Stream jobs only: what their runtime shows of their state. */
  stream?: {
    /** The stopped job's snapshot is written (looked at only once a pause or upgrade stopped it). */
    snapshotWritten: boolean;
    /** The runtime gave up on writing the snapshot, and why (the job keeps running). */
    snapshotFailure?: string;
    /** The newest complete checkpoint, if any. */
    newestCheckpoint: Checkpoint | null;
    /** `restart` operations of this version within the restart window (read only when the job ended). */
    restartsInWindow: number;
    /** The id a snapshot taken in this step gets. */
    newSnapshotId: string;
  };
  /** What the job's runtime shows, once the job was launched (`job.launched`). */
  observed?: ObservedJob;
  /** The job log's last lines, read when the job has ended other than cleanly. */
  logTail?: string;
}

/**
 * A launched job as its runtime sees it, in words every runtime can say: a local process that is
 * up is `running`, one that exited is `finished` with its exit code; a Flink job that is
 * INITIALIZING is `starting`, FINISHED is `finished` without a code, FAILED is `failed` with the
 * root exception as `reason`. `lost`: the runtime has no trace of it (a process gone without an
 * exit status, a cluster that forgot the job).
 */
export type ObservedJob =
  | { state: 'starting' }
  | { state: 'running' }
  | { state: 'finished'; exitCode: number | null }
  | { state: 'failed'; reason: string }
  | { state: 'lost' };

/** A checkpoint as its runtime reports it: its URI, and a short name for messages (`chk-42`). */
export interface Checkpoint {
  location: string;
  name: string;
}

export type JobEnd = 'completed' | 'failed' | 'canceled';

/** Why a live job was asked to stop: cancel discards its state, pause and upgrade keep a snapshot. */
export type StopReason = 'cancel' | 'pause' | 'upgrade';

/** A location (URI) a stream job starts from, and what it is in words (kept on the job and in messages). */
export interface Restore {
  location: string;
  source: string;
}

/** The snapshot this plan takes (see `Plan.snapshot`), before the engine has given it an id. */
export const NEW_SNAPSHOT = 'new-snapshot' as const;

/**
 * What to do to a job through its runtime. stop: ask it to stop, saving its state as a snapshot
 * (`stop-keeping-state`: pause, upgrade) or not (`stop`: cancel); force-stop: end it now (it
 * ignored a stop past the grace). discard-snapshot: remove a snapshot that will not be kept.
 * rewrite-logging: give the running job the version's logging configuration.
 */
export type JobAction = 'launch' | 'stop' | 'stop-keeping-state' | 'force-stop' | 'discard-snapshot' | 'rewrite-logging';

/** What to do next: database changes applied in one transaction, then at most one runtime action. */
export interface Plan {
  /** Why, in words: logged, and handy in tests. */
  reason: string;
  createJob?: {
    kind: VersionKind;
    executionMode: 'on-demand' | 'scheduled' | 'time-schedule';
    /** Start from this folder (`pipeline.restore.dir`), or from the snapshot this plan takes. */
    restore?: Restore | typeof NEW_SNAPSHOT;
    /** upgrade of a stream version: the job is the target's, not this version's. */
    forVersion?: string;
    /** The job belongs to a service operation this plan records (a restart after a failed upgrade). */
    ofServiceOperation?: boolean;
  };
  job?: {
    state?: 'running' | JobEnd;
    message?: string;
    exitCode?: number | null;
    /** null withdraws a stop request (a pause that timed out). */
    stopRequested?: StopReason | null;
    stopDeadline?: Date;
    latestCheckpoint?: Checkpoint;
    /** Start the job again (a new attempt), from this folder or from scratch. */
    relaunch?: { restore: Restore | null; startDeadline: Date };
  };
  /** Move the stopped job's snapshot folder into the snapshot store and record it under `id`. */
  snapshot?: { id: string; reason: 'pause' | 'upgrade' };
  version?: {
    state: VersionState;
    runMode: VersionKind | null;
    clearResolverSchedule?: boolean;
    afterJob?: { then: 'ready' | 'upgrade'; targetId?: string } | null;
    /** paused stream: resume from the snapshot this plan takes. */
    resumeFromNewSnapshot?: boolean;
    // Filled by `completePlan` (plan-writes.ts), never by a decision: undefined leaves a column as it is.
    /** The snapshot (id) a paused version resumes from; null: none. */
    resumeSnapshot?: string | null;
    lastCronTick?: Date | null;
    nextJobAttempt?: null;
  };
  /** upgrade of a stream version: the target starts running (with `createJob.forVersion`); the operation settles once its job runs. */
  startTarget?: string;
  /** upgrade of a scheduled batch version: the target becomes scheduled. */
  scheduleTarget?: string;
  operation?: { state: 'succeeded' | 'failed'; message: string };
  serviceOperation?: { type: ServiceOperation; message: string };
  action?: JobAction;
  /**
   * Events (domain/events.ts) this step makes, appended to the event log in the same
   * transaction as the rest of the plan, so a reader never sees one without the other.
   */
  events?: NewEvent[];
}

export interface ReconcileSettings {
  /** From asking a job to stop to forcing it, when it is canceled. */
  stopGraceMs: number;
  /** How long a job may stay `starting`. */
  startTimeoutMs: number;
  /** From asking a job to stop for a pause or upgrade until it must have written its snapshot and stopped. */
  snapshotGraceMs: number;
  /** At most this many restarts of a stream job within `restartWindowMs`; then the version goes to ready. */
  restartLimit: number;
  restartWindowMs: number;
  /** An upgrade succeeds once the target's job has run this long; if it fails sooner, the source takes over again. */
  upgradeSettleMs: number;
}

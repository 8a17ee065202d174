import { NEW_SNAPSHOT, type Checkpoint, type Observation, type Plan, type ReconcileSettings, type Restore, type StopReason } from './reconcile-types.js';
import { decide as allowed } from './state-machine.js';

/**
 * Stream versions keep their state (README: "Stream state"): pause and upgrade ask the job to write
 * a snapshot and stop, resume and upgrade start a job from one, and a job that dies is started
 * again from its newest checkpoint. Pure like `decide`: the engine does the I/O.
 */

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const failed = (message: string) => ({ state: 'failed' as const, message });

const isStream = (o: Observation) => (o.version.runMode ?? o.version.kindWithoutPins) === 'stream';

/** pause, resume and upgrade of a stream version; null for anything else. */
export function streamOperation(o: Observation, settings: ReconcileSettings): Plan | null {
  const op = o.operation;
  if (!op || !isStream(o) || !['pause', 'resume', 'upgrade'].includes(op.type)) return null;
  const decision = allowed(op.type, 'stream', o.version.state);
  if (!decision.allowed) return { reason: 'refused on processing', operation: failed(decision.reason) };
  if (op.type === 'pause') {
    if (!o.job) return { reason: 'pause without a job', operation: failed('The version has no job to pause.') };
    return stopToSnapshot('pause', o, settings);
  }
  if (op.type === 'resume') {
    const snapshot = o.version.resumeSnapshot;
    if (!snapshot) return { reason: 'resume without a snapshot', operation: failed('The paused version has no snapshot to resume from.') };
    return {
      reason: 'resume from the pause snapshot',
      createJob: { kind: 'stream', executionMode: 'on-demand', restore: snapshot },
      version: { state: 'running', runMode: 'stream' },
    };
  }
  const problem = upgradeTargetProblem(o);
  if (problem) return { reason: 'upgrade target not usable', operation: failed(problem) };
  if (o.job) return stopToSnapshot('upgrade', o, settings);
  const snapshot = o.version.resumeSnapshot;
  if (!snapshot) return { reason: 'upgrade without a snapshot', operation: failed('The paused version has no snapshot for the target to start from.') };
  return handOver(o, snapshot);
}

function upgradeTargetProblem(o: Observation): string | null {
  const target = o.operation!.target;
  const id = o.operation!.toVersionId;
  if (!target) return `The target version ${id} no longer exists.`;
  if (target.state !== 'ready') return `The target version ${id} is ${target.state}; it must be ready.`;
  if (!target.templateCreated) return `The target version ${id}'s template is not in state created.`;
  if (target.kind !== 'stream') return `The target version ${id} is a ${target.kind} version; a stream version can only be upgraded to a stream version.`;
  return null;
}

/** The source is ready and the target's job starts from the snapshot; `upgradeProgress` settles the operation. */
function handOver(o: Observation, restore: Restore | typeof NEW_SNAPSHOT): Plan {
  const targetId = o.operation!.toVersionId!;
  return {
    reason: 'upgrade: the target takes over from the snapshot',
    version: { state: 'ready', runMode: null },
    startTarget: targetId,
    createJob: { kind: 'stream', executionMode: 'on-demand', restore, forVersion: targetId },
  };
}

function stopToSnapshot(reason: StopReason, o: Observation, settings: ReconcileSettings): Plan {
  return {
    reason: `${reason}: ask the job to save its state and stop`,
    job: { stopRequested: reason, stopDeadline: new Date(o.now.getTime() + settings.snapshotGraceMs) },
    action: 'stop-keeping-state',
  };
}

/** A live stream job asked to stop for a pause or upgrade: wait for it, or give up at the deadline. */
export function waitingForSnapshot(o: Observation, settings: ReconcileSettings): Plan | null {
  const job = o.job!;
  const failure = o.stream?.snapshotFailure;
  if (failure) {
    return {
      reason: `${job.stopRequested}: the runtime could not write the snapshot`,
      job: { stopRequested: null },
      action: 'discard-snapshot',
      operation: failed(`The snapshot could not be written (${failure}); the job keeps running and the version stays running.`),
    };
  }
  if (!job.stopDeadline || o.now <= job.stopDeadline) return null;
  return {
    reason: `${job.stopRequested} timed out waiting for the snapshot`,
    job: { stopRequested: null },
    action: 'discard-snapshot',
    operation: failed(`The job did not write its snapshot and stop within ${seconds(settings.snapshotGraceMs)}; `
      + 'it keeps running and the version stays running.'),
  };
}

/** The job stopped after SIGTERM for a pause or an upgrade. */
export function stoppedForSnapshot(o: Observation, settings: ReconcileSettings, exitCode: number | null): Plan {
  const job = o.job!;
  const reason = job.stopRequested as 'pause' | 'upgrade';
  if (!o.stream?.snapshotWritten) {
    // Stopped by the service's own stop request (often one that came before the job was ready
    // to save anything): the service starts it again, whatever the restart budget, so the version
    // stays running as a failed pause or upgrade must leave it.
    const { relaunch, from } = relaunchFromNewestCheckpoint(o, settings);
    const exit = exitCode === null ? 'its process disappeared' : `it exited with code ${exitCode}`;
    return {
      reason: `${reason}: the job stopped without a snapshot; start it again`,
      job: { relaunch },
      serviceOperation: { type: 'restart', message: `Asked to save its state for ${reason === 'pause' ? 'a pause' : 'an upgrade'}, ${exit} without writing a snapshot. Restarted from ${from}.` },
      operation: failed(`The job did not write a snapshot (${exit}); it was started again from ${from} and the version stays running.`),
    };
  }
  const snapshot = { id: o.stream.newSnapshotId, reason };
  if (reason === 'pause') {
    return {
      reason: 'paused: the job saved its state',
      snapshot,
      job: { state: 'canceled', exitCode, message: `Paused; the state was saved in snapshot ${snapshot.id}.` },
      version: { state: 'paused', runMode: 'stream', resumeFromNewSnapshot: true },
      operation: { state: 'succeeded', message: `Paused; the state was saved in snapshot ${snapshot.id}.` },
    };
  }
  const targetId = o.operation?.toVersionId;
  const problem = o.operation ? upgradeTargetProblem(o) : 'The upgrade operation is no longer in flight.';
  if (problem || !targetId) {
    // The target went away while the source stopped: the source carries on from its own snapshot.
    return {
      reason: 'upgrade target gone after the snapshot: restart the source from it',
      snapshot,
      job: { relaunch: { restore: NEW_SNAPSHOT_RESTORE, startDeadline: new Date(o.now.getTime() + settings.startTimeoutMs) }, stopRequested: null },
      serviceOperation: { type: 'restart', message: `The upgrade could not go ahead (${problem}); restarted from snapshot ${snapshot.id}.` },
      operation: o.operation ? failed(`${problem} This version continues from snapshot ${snapshot.id}.`) : undefined,
    };
  }
  return {
    ...handOver(o, NEW_SNAPSHOT),
    snapshot,
    job: { state: 'canceled', exitCode, message: `Stopped for an upgrade to version ${targetId}; the state was saved in snapshot ${snapshot.id}.` },
  };
}

/** Stand-in for "the snapshot this step takes" where a relaunch needs a Restore. */
export const NEW_SNAPSHOT_RESTORE: Restore = { location: NEW_SNAPSHOT, source: NEW_SNAPSHOT };

/**
 * A new attempt of the job's process from its newest checkpoint, or what it started from when it
 * has written none. (`withNewestCheckpoint` records the checkpoint on the job with the plan.)
 */
function relaunchFromNewestCheckpoint(o: Observation, settings: ReconcileSettings) {
  const job = o.job!;
  const checkpoint = o.stream?.newestCheckpoint ?? null;
  const restore = checkpoint ? checkpointRestore(checkpoint, job.id) : job.restore;
  return {
    relaunch: { restore, startDeadline: new Date(o.now.getTime() + settings.startTimeoutMs) },
    from: restore ? restore.source : 'the beginning (no checkpoint yet)',
  };
}

/** Where a job starts from when it restores a checkpoint, in the words messages use. */
export const checkpointRestore = (checkpoint: Checkpoint, jobId: string): Restore => ({
  location: checkpoint.location,
  source: `checkpoint ${checkpoint.name} of job ${jobId}`,
});

/** A job the restart rule applies to: a stream job started with high availability. */
export const restartable = (o: Observation) => o.job!.highAvailability && o.job!.kind === 'stream' && o.version.runMode === 'stream';

/**
 * A stream job died on its own. With high availability it starts again from its newest
 * checkpoint, within the restart budget; null means it ends (the caller records the failure).
 */
export function restartAfterDeath(o: Observation, settings: ReconcileSettings, what: string): Plan | null {
  if (!restartable(o)) return null;
  const restarts = o.stream?.restartsInWindow ?? 0;
  if (restarts >= settings.restartLimit) return null;
  const { relaunch, from } = relaunchFromNewestCheckpoint(o, settings);
  return {
    reason: 'restart the stream job from its latest checkpoint',
    job: { relaunch },
    serviceOperation: {
      type: 'restart',
      message: `${what} Restarted from ${from} (restart ${restarts + 1} of at most ${settings.restartLimit} within ${minutes(settings.restartWindowMs)}).`,
    },
  };
}

export function restartBudgetSpent(settings: ReconcileSettings): string {
  return ` It was restarted ${settings.restartLimit} times within ${minutes(settings.restartWindowMs)}; the version goes to ready.`;
}

const minutes = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : seconds(ms));

/** Nothing else to do for a live job: keep its logging configuration and newest checkpoint current. */
export function housekeeping(o: Observation): Plan | null {
  const job = o.job!;
  if (job.loggingOutdated) return { reason: 'the logging configuration changed', action: 'rewrite-logging' };
  const newest = o.stream?.newestCheckpoint;
  if (newest && newest.location !== job.latestCheckpoint) return { reason: 'a new checkpoint', job: { latestCheckpoint: newest } };
  return null;
}

/** Any plan for a stream job also records a checkpoint it has not recorded yet. */
export function withNewestCheckpoint(o: Observation, plan: Plan | null): Plan | null {
  const newest = o.stream?.newestCheckpoint;
  if (!plan || !o.job || !newest || newest.location === o.job.latestCheckpoint || plan.job?.latestCheckpoint !== undefined) return plan;
  return { ...plan, job: { ...plan.job, latestCheckpoint: newest } };
}

/**
 * An upgrade after the source handed over: it succeeds once the target's job has run for the
 * settle time (a rollback rule like the Flink operator's readiness timeout). If that job fails
 * before, the source starts again from the snapshot, so a failed upgrade leaves it running.
 */
export function upgradeProgress(o: Observation, settings: ReconcileSettings): Plan | null {
  const op = o.operation!;
  const job = op.targetJob!;
  if (job.state === 'starting') return null;
  // A JVM that fails at once is "running" for a moment: only a job that stayed up counts.
  if (job.state === 'running' && o.now.getTime() < job.created.getTime() + settings.upgradeSettleMs) return null;
  if (job.state !== 'failed') {
    return { reason: 'upgrade done: the target runs', operation: { state: 'succeeded', message: `Version ${op.toVersionId} is running (job ${job.id}${job.restore ? `, from ${job.restore.source}` : ''}).` } };
  }
  if (o.otherVersionActive || o.version.state !== 'ready') return null; // the target is still being wound down
  const why = `The target's job ${job.id} failed: ${job.message ?? 'no message'}`;
  return {
    reason: 'upgrade failed: the source starts again from its snapshot',
    createJob: { kind: 'stream', executionMode: 'on-demand', restore: job.restore ?? undefined, ofServiceOperation: true },
    version: { state: 'running', runMode: 'stream' },
    serviceOperation: { type: 'restart', message: `${why}. Restarted this version from ${job.restore?.source ?? 'the beginning'}.` },
    operation: failed(`${why}. This version was started again from ${job.restore?.source ?? 'the beginning'}.`),
  };
}

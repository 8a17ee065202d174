import type { JobEnd, Observation, ObservedJob, Plan, ReconcileSettings } from './reconcile-types.js';
import { endScheduledJob, scheduledOperation } from './reconcile-scheduled.js';
import {
  housekeeping, restartable, restartAfterDeath, upgradeProgress, restartBudgetSpent, stoppedForSnapshot, streamOperation, waitingForSnapshot, withNewestCheckpoint,
} from './reconcile-stream.js';
import { decide as allowed, type VersionKind } from './state-machine.js';

/**
 * The engine's decide step for one version: from what was observed, the one next step (or
 * nothing). Called again after each step until it returns null, so every step is small,
 * restartable after a crash, and unit-testable without processes or a database.
 */
export function decide(observation: Observation, settings: ReconcileSettings): Plan | null {
  const { job, operation } = observation;
  if (job) return withNewestCheckpoint(observation, decideForJob(observation, settings)) ?? operationDeadline(observation);
  if (operation) return decideOperation(observation, settings);
  return null;
}

function decideForJob(o: Observation, settings: ReconcileSettings): Plan | null {
  const job = o.job!;
  if (!job.launched || !o.observed) {
    if (job.startDeadline && o.now > job.startDeadline) return neverStarted(o, settings);
    return { reason: 'launch the job', action: 'launch' };
  }
  const observed = o.observed;
  if (observed.state === 'starting' || observed.state === 'running') {
    if (job.state === 'starting') {
      if (observed.state === 'running') {
        const starts = o.operation?.type === 'activate' || o.operation?.type === 'resume';
        const from = job.restore ? ` from ${job.restore.source}` : '';
        return {
          reason: 'the job is up',
          job: { state: 'running' },
          operation: starts ? { state: 'succeeded', message: `Job ${job.id} is running${from}.` } : undefined,
        };
      }
      // Launched, but its runtime has not got it running yet (a cluster scheduling it).
      if (!job.stopRequested && job.startDeadline && o.now > job.startDeadline) return { ...neverStarted(o, settings), action: 'force-stop' };
    }
    if (job.stopRequested === 'pause' || job.stopRequested === 'upgrade') return waitingForSnapshot(o, settings);
    if (job.stopRequested) {
      if (job.stopDeadline && o.now > job.stopDeadline) return { reason: 'the job ignored the stop past the grace period', action: 'force-stop' };
      return null;
    }
    if (o.operation?.type === 'cancel') {
      return {
        reason: 'cancel: stop the job',
        job: { stopRequested: 'cancel', stopDeadline: new Date(o.now.getTime() + settings.stopGraceMs) },
        action: 'stop',
      };
    }
    if (job.state === 'starting') return null;
    if (o.operation && o.operation.type !== 'activate') {
      return scheduledOperation(o) ?? streamOperation(o, settings)
        ?? refusal(o);
    }
    return housekeeping(o);
  }
  const exitCode = observed.state === 'finished' ? observed.exitCode : null;
  if (job.stopRequested === 'cancel') {
    return {
      reason: 'the canceled job has stopped',
      job: { state: 'canceled', exitCode, message: 'Canceled.' },
      version: { state: 'ready', runMode: null },
      operation: o.operation?.type === 'cancel' ? { state: 'succeeded', message: `Job ${job.id} was canceled.` } : undefined,
      // A stream job may save its state when asked to stop, whatever the reason; a cancel does not keep it.
      action: job.kind === 'stream' ? 'discard-snapshot' : undefined,
    };
  }
  if (job.stopRequested) return stoppedForSnapshot(o, settings, exitCode);
  // A clean end: exit code 0, or a runtime that reports no code for a job that finished.
  if (observed.state === 'finished' && (observed.exitCode === 0 || observed.exitCode === null)) return endJob(o, 'completed', observed.exitCode, 'The job completed.');
  return died(o, settings, observed);
}

/** The job never got running within the start timeout: it failed, and so did an activation waiting for it. */
function neverStarted(o: Observation, settings: ReconcileSettings): Plan {
  const message = `The job did not start within ${settings.startTimeoutMs / 1000} s.`;
  const plan = endJob(o, 'failed', null, message);
  // It never ran, so the activation failed (as when the launch itself fails), not "started; it ended: failed".
  return o.operation?.type === 'activate' ? { ...plan, operation: { state: 'failed', message } } : plan;
}

/** The job ended by itself, not cleanly: a stream job may start again, anything else failed. */
function died(o: Observation, settings: ReconcileSettings, observed: Exclude<ObservedJob, { state: 'starting' | 'running' }>): Plan {
  const what = endedHow(observed);
  const exitCode = observed.state === 'finished' ? observed.exitCode : null;
  const restart = restartAfterDeath(o, settings, what);
  if (restart) return restart;
  const budget = restartable(o) ? restartBudgetSpent(settings) : '';
  return endJob(o, 'failed', exitCode, `${what}${budget}${tail(o.logTail)}`);
}

/** How a job that ended by itself ended, in words (the runtime's reason when it gave one). */
export function endedHow(observed: ObservedJob): string {
  if (observed.state === 'finished') return `The job exited with code ${observed.exitCode}.`;
  if (observed.state === 'failed') return `The job failed: ${observed.reason}`;
  return 'The job\'s process disappeared without an exit status (was the machine restarted or the process killed from outside?).';
}

/**
 * A job that could not even be launched ends `failed`, and its version goes back as if it had
 * run: scheduled to wait for the next trigger, anything else to ready.
 */
export function launchFailure(o: Observation, message: string): Plan {
  const scheduled = o.version.runMode === 'scheduled';
  return {
    reason: 'launch failed',
    job: { state: 'failed', message, exitCode: null },
    version: scheduled ? { state: 'scheduled', runMode: 'scheduled' } : { state: 'ready', runMode: null },
    serviceOperation: { type: scheduled ? 'job_terminate' : 'job_terminate_to_ready', message },
    operation: o.operation?.type === 'activate' ? { state: 'failed', message } : undefined,
  };
}

const tail = (logTail: string | undefined) => (logTail ? ` Last lines of its log:\n${logTail}` : '');

/** A job ended by itself: record it, and move the version on as its kind says. */
function endJob(o: Observation, end: JobEnd, exitCode: number | null, message: string): Plan {
  const mode: VersionKind = o.version.runMode ?? 'run-now';
  const activation = o.operation?.type === 'activate'
    ? { state: 'succeeded' as const, message: `Job ${o.job!.id} was started; it ended: ${end}.` }
    : undefined;
  if (mode === 'scheduled') return endScheduledJob(o, end, exitCode, message);
  // A cancel that raced the job's own end has what it asked for (the version is ready); left
  // pending it would next be refused as "not possible in state ready".
  const cancel = o.operation?.type === 'cancel'
    ? { state: 'succeeded' as const, message: `Job ${o.job!.id} had already ended (${end}) before it could be stopped; the version is ready.` }
    : undefined;
  return {
    reason: `the ${mode} job ended: ${end}`,
    job: { state: end, exitCode, message },
    version: { state: 'ready', runMode: null },
    serviceOperation: { type: 'job_terminate_to_ready', message },
    operation: activation ?? cancel,
  };
}

function decideOperation(o: Observation, settings: ReconcileSettings): Plan | null {
  const op = o.operation!;
  const v = o.version;
  if (op.type === 'upgrade' && op.targetJob) return upgradeProgress(o, settings) ?? operationDeadline(o);
  const kind = v.runMode ?? (op.pinsCatalogVersions && v.kindWithoutPins !== 'stream' ? 'run-now' : v.kindWithoutPins);
  const decision = allowed(op.type, kind, v.state);
  if (!decision.allowed) return { reason: 'refused on processing', operation: { state: 'failed', message: decision.reason } };
  switch (op.type) {
    case 'activate': {
      if (!o.templateCreated) return { reason: 'template not created', operation: { state: 'failed', message: 'The pipeline template is not in state created.' } };
      if (o.otherVersionActive) {
        return { reason: 'another version is active', operation: { state: 'failed', message: 'Another version of this pipeline is active.' } };
      }
      if (kind === 'scheduled') {
        return {
          reason: 'activate a scheduled version',
          version: { state: 'scheduled', runMode: 'scheduled' },
          operation: { state: 'succeeded', message: 'The version is scheduled.' },
        };
      }
      if (op.restore && 'missing' in op.restore) return { reason: 'nothing to start from', operation: { state: 'failed', message: op.restore.missing } };
      return {
        reason: `activate: start a ${kind} job`,
        createJob: { kind, executionMode: 'on-demand', ...(op.restore ? { restore: op.restore } : {}) },
        version: { state: 'running', runMode: kind, clearResolverSchedule: op.pinsCatalogVersions && v.hasResolverSchedule },
      };
    }
    case 'deactivate':
    case 'cancel':
      if (op.type === 'deactivate' && kind === 'scheduled') return scheduledOperation(o);
      return {
        reason: `${op.type} with no job running`,
        version: { state: 'ready', runMode: null },
        operation: { state: 'succeeded', message: `The version is ready (${op.type}).` },
      };
    default:
      return scheduledOperation(o) ?? streamOperation(o, settings) ?? refusal(o);
  }
}

/** An operation no rule takes up in the version's current state (it changed after the request was accepted). */
function refusal(o: Observation): Plan {
  const op = o.operation!;
  const decision = allowed(op.type, o.version.runMode ?? o.version.kindWithoutPins, o.version.state);
  const message = decision.allowed ? `The ${op.type} operation cannot be carried out in state ${o.version.state}.` : decision.reason;
  return { reason: 'refused on processing', operation: { state: 'failed', message } };
}

/** Nothing else to do, but the operation has waited too long: fail it, naming the step. */
function operationDeadline(o: Observation): Plan | null {
  if (!o.operation || o.now <= o.operation.deadline) return null;
  const step = o.job?.stopRequested ? 'waiting for the job to stop' : o.job?.state === 'starting' ? 'waiting for the job to start' : 'processing';
  return { reason: 'operation deadline passed', operation: { state: 'failed', message: `The ${o.operation.type} operation timed out while ${step}.` } };
}


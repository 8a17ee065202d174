import type { JobEnd, Observation, Plan } from './reconcile-types.js';
import { decide as allowed } from './state-machine.js';

/**
 * Operations on a scheduled batch version (behaviour notes §2). None of them stops a running
 * job: pause stops new runs, deactivate and upgrade take effect when the job has ended.
 * Returns null for operations this module does not handle.
 */
export function scheduledOperation(o: Observation): Plan | null {
  const op = o.operation;
  if (!op || o.version.runMode !== 'scheduled' || !['pause', 'resume', 'deactivate', 'upgrade'].includes(op.type)) return null;
  const decision = allowed(op.type, 'scheduled', o.version.state);
  if (!decision.allowed) return { reason: 'refused on processing', operation: { state: 'failed', message: decision.reason } };
  const jobRunning = o.job !== undefined;
  switch (op.type) {
    case 'pause':
      return {
        reason: 'pause a scheduled version',
        version: { state: 'paused', runMode: 'scheduled' },
        operation: { state: 'succeeded', message: jobRunning ? 'Paused: no new runs; the running job finishes.' : 'Paused: no new runs.' },
      };
    case 'resume':
      return {
        reason: 'resume a scheduled version',
        version: { state: jobRunning ? 'running' : 'scheduled', runMode: 'scheduled' },
        operation: { state: 'succeeded', message: 'Resumed: runs when its triggers fire.' },
      };
    case 'deactivate':
      if (jobRunning) {
        return {
          reason: 'deactivate after the running job',
          version: { state: o.version.state, runMode: 'scheduled', afterJob: { then: 'ready' } },
          operation: { state: 'succeeded', message: 'No new runs; the version goes to ready when its running job ends.' },
        };
      }
      return { reason: 'deactivate', version: { state: 'ready', runMode: null, afterJob: null }, operation: { state: 'succeeded', message: 'The version is ready.' } };
    default: {
      const targetId = op.toVersionId!;
      if (jobRunning) {
        return {
          reason: 'upgrade after the running job',
          version: { state: o.version.state, runMode: 'scheduled', afterJob: { then: 'upgrade', targetId } },
          operation: { state: 'succeeded', message: `Version ${targetId} is scheduled when this version's running job ends.` },
        };
      }
      return {
        reason: 'upgrade: the target takes over the schedule',
        version: { state: 'ready', runMode: null, afterJob: null },
        scheduleTarget: targetId,
        operation: { state: 'succeeded', message: `Version ${targetId} is scheduled; this version is ready.` },
      };
    }
  }
}

/** A scheduled job ended by itself: back to `scheduled`, or what a deactivate or upgrade asked for. */
export function endScheduledJob(o: Observation, end: JobEnd, exitCode: number | null, message: string): Plan {
  const job = { state: end, exitCode, message };
  const activation = o.operation?.type === 'activate'
    ? { state: 'succeeded' as const, message: `Job ${o.job!.id} was started; it ended: ${end}.` }
    : undefined;
  if (o.version.afterJob === 'ready' || o.version.afterJob === 'upgrade') {
    return {
      reason: `the scheduled job ended (${end}); ${o.version.afterJob} now`,
      job,
      version: { state: 'ready', runMode: null, afterJob: null },
      scheduleTarget: o.version.afterJob === 'upgrade' ? o.version.upgradeTargetId ?? undefined : undefined,
      serviceOperation: { type: 'job_terminate', message },
      operation: activation,
    };
  }
  const running = o.version.state === 'running';
  return {
    reason: `the scheduled job ended: ${end}`,
    job,
    version: running ? { state: 'scheduled', runMode: 'scheduled' } : undefined,
    serviceOperation: running ? { type: 'job_terminate', message } : undefined,
    operation: activation,
  };
}

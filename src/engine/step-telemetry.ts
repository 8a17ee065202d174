import { randomUUID } from 'node:crypto';
import { planEvents } from '../domain/plan-events.js';
import type { Observation, Plan } from '../domain/reconcile-types.js';
import type { VersionWorld } from '../store/version-world.js';
import { signals } from '../telemetry/signals.js';

/** The plan with the events of its step (domain/plan-events.ts), for the store to append with it. */
export function withEvents(world: VersionWorld, o: Observation, plan: Plan): Plan {
  const { version, operation } = world;
  const events = planEvents(o, plan, {
    realm: version.realm,
    home: world.pipelineHome,
    pipelineId: version.pipelineId,
    operation: operation && { userId: operation.userId, clientId: operation.clientId },
    newId: randomUUID,
  });
  return events.length > 0 ? { ...plan, events: [...plan.events ?? [], ...events] } : plan;
}

/**
 * Tells the metrics what a committed step did (after applyPlan returned: a step whose
 * transaction failed counts for nothing). Durations run from the rows' own times: an operation
 * from its acceptance, a launch from the job's creation (when the engine decided to run it).
 */
export function signalStep(world: VersionWorld, plan: Plan, now: Date, snapshotMs?: number): void {
  const { operation, job } = world;
  if (plan.operation && operation && signals.heard('operation.ended')) {
    signals.emit('operation.ended', { requestType: operation.requestType, outcome: plan.operation.state, durationMs: now.getTime() - operation.created.getTime() });
  }
  if (job && plan.job) {
    const state = plan.job.state;
    if (state === 'running' && job.state === 'starting') {
      signals.emit('job.running', { runtime: job.runtime, launchLatencyMs: now.getTime() - job.created.getTime() });
    } else if (state === 'completed' || state === 'failed' || state === 'canceled') {
      signals.emit('job.ended', { state, runtime: job.runtime, durationMs: now.getTime() - job.created.getTime() });
    }
    if (plan.job.relaunch) signals.emit('job.restarted', { runtime: job.runtime });
  }
  if (plan.snapshot && snapshotMs !== undefined) signals.emit('snapshot.taken', { reason: plan.snapshot.reason, durationMs: snapshotMs });
}

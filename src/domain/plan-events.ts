import type { EventType, NewEvent } from './events.js';
import type { Observation, Plan } from './reconcile-types.js';

/** Who the version belongs to and who asked, for the events of its steps (not part of the decision). */
export interface EventContext {
  realm: string;
  /** The pipeline's project: events are read with the pipeline's visibility. */
  home: string | null;
  pipelineId: string;
  /** The claimed operation's requester, when the step settles it. */
  operation?: { userId: string; clientId: string | null };
  /** A fresh event id (a UUID): passed in so that this stays pure. */
  newId: () => string;
}

/**
 * The events an engine step makes (README: "Events and webhooks"), from what was observed and
 * what was decided: the operation settled, the job running, ended or restarted, the version's
 * state changed (its own, and an upgrade target's), a snapshot taken. They go into
 * `Plan.events`, which the store appends in the transaction that writes the rest of the plan.
 * A job stopped by a cancel (`canceled`) makes no job event: the version's state change and the
 * operation tell of it.
 */
export function planEvents(o: Observation, plan: Plan, context: EventContext): NewEvent[] {
  const events: NewEvent[] = [];
  const at = o.now;
  const event = (type: EventType, subject: string, data: Record<string, unknown>, versionId = o.version.id): NewEvent => ({
    id: context.newId(), type, realm: context.realm, home: context.home, pipelineId: context.pipelineId, versionId, subject, time: at,
    data: { pipelineId: context.pipelineId, pipelineVersionId: versionId, ...data },
  });
  const job = o.job;
  if (plan.snapshot && job) {
    events.push(event('sluice.snapshot.taken', `snapshots/${plan.snapshot.id}`, { snapshotId: plan.snapshot.id, reason: plan.snapshot.reason, jobId: job.id }));
  }
  if (job && plan.job) {
    const change = plan.job;
    const subject = `jobs/${job.id}`;
    if (change.state === 'running' && job.state === 'starting') {
      events.push(event('sluice.job.started', subject, { jobId: job.id, state: 'running', attempt: job.attempt }));
    } else if (change.state === 'completed' || change.state === 'failed') {
      events.push(event(change.state === 'completed' ? 'sluice.job.completed' : 'sluice.job.failed', subject, {
        jobId: job.id,
        state: change.state,
        ...(change.exitCode !== undefined && change.exitCode !== null ? { exitCode: change.exitCode } : {}),
        ...(change.message ? { message: change.message } : {}),
      }));
    }
    if (change.relaunch) {
      events.push(event('sluice.job.restarted', subject, {
        jobId: job.id, attempt: job.attempt + 1, ...(change.relaunch.restore ? { restoredFrom: change.relaunch.restore.source } : {}),
      }));
    }
  }
  if (plan.version && plan.version.state !== o.version.state) {
    events.push(event('sluice.version.state_changed', '', { from: o.version.state, to: plan.version.state }));
  }
  for (const [target, to] of [[plan.startTarget, 'running'], [plan.scheduleTarget, 'scheduled']] as const) {
    if (target) events.push(event('sluice.version.state_changed', '', { from: 'ready', to }, target));
  }
  if (plan.operation && o.operation) {
    events.push(event(plan.operation.state === 'succeeded' ? 'sluice.operation.succeeded' : 'sluice.operation.failed', `operations/${o.operation.id}`, {
      operationId: o.operation.id,
      requestType: o.operation.type,
      state: plan.operation.state,
      message: plan.operation.message,
      ...(context.operation ? { userId: context.operation.userId, ...(context.operation.clientId ? { clientId: context.operation.clientId } : {}) } : {}),
    }));
  }
  return events;
}

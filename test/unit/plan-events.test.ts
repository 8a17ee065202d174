import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planEvents, type EventContext } from '../../src/domain/plan-events.js';
import { decide } from '../../src/domain/reconcile.js';
import { observe, settings } from '../helpers/observations.js';

const context = (): EventContext => {
  let n = 0;
  return { realm: 'realm-a', home: null, pipelineId: 'p-1', operation: { userId: 'user-1', clientId: null }, newId: () => `e-${++n}` };
};
const types = (events: { type: string }[]) => events.map((e) => e.type);

/** The events of engine steps, from the decisions `decide` really makes for these observations. */
describe('planEvents', () => {
  it('activating a run-now version: the version changes state, and the job is not an event until it runs', () => {
    const o = observe({ operation: { type: 'activate' } });
    const events = planEvents(o, decide(o, settings)!, context());
    assert.deepEqual(types(events), ['sluice.version.state_changed']);
    assert.deepEqual(events[0].data, { pipelineId: 'p-1', pipelineVersionId: 'v-1', from: 'ready', to: 'running' });
    assert.equal(events[0].realm, 'realm-a');
  });

  it('a job seen running is started; one that exits 0 completed, with the version back to ready', () => {
    const starting = observe({ version: { state: 'running', runMode: 'run-now' }, job: { state: 'starting' }, observed: { state: 'running' } });
    const started = planEvents(starting, decide(starting, settings)!, context());
    assert.deepEqual(types(started), ['sluice.job.started']);
    assert.equal(started[0].subject, 'jobs/job-1');

    const exited = observe({ version: { state: 'running', runMode: 'run-now' }, job: { state: 'running' }, observed: { state: 'finished', exitCode: 0 } });
    const ended = planEvents(exited, decide(exited, settings)!, context());
    assert.deepEqual(types(ended), ['sluice.job.completed', 'sluice.version.state_changed']);
    assert.equal(ended[0].data.exitCode, 0);
  });

  it('a job that exits non-zero failed, with its message', () => {
    const o = observe({ version: { state: 'running', runMode: 'run-now' }, job: { state: 'running' }, observed: { state: 'finished', exitCode: 3 }, logTail: 'boom' });
    const events = planEvents(o, decide(o, settings)!, context());
    assert.equal(events[0].type, 'sluice.job.failed');
    assert.equal(events[0].data.exitCode, 3);
    assert.equal(typeof events[0].data.message, 'string');
  });

  it('settling an operation names it, its type, outcome and requester; each event has its own id', () => {
    const o = observe({ version: { kindWithoutPins: 'scheduled', hasResolverSchedule: true }, operation: { type: 'activate' } });
    const events = planEvents(o, decide(o, settings)!, context());
    assert.deepEqual(types(events), ['sluice.version.state_changed', 'sluice.operation.succeeded']);
    assert.equal(events[1].subject, 'operations/op-1');
    assert.equal(events[1].data.requestType, 'activate');
    assert.equal(events[1].data.userId, 'user-1');
    assert.deepEqual(events.map((e) => e.id), ['e-1', 'e-2']);
  });

  it('a step that changes nothing worth telling makes no event', () => {
    const o = observe({ version: { state: 'running', runMode: 'run-now' }, job: { state: 'running' }, observed: { state: 'running' } });
    const plan = decide(o, settings);
    assert.deepEqual(plan ? planEvents(o, plan, context()) : [], []);
  });

  it('a snapshot kept by a pause, and an upgrade target\'s state change, are events of their own', () => {
    const o = observe({ version: { state: 'running', runMode: 'stream' } });
    const events = planEvents(o, { reason: 'x', snapshot: { id: 's-1', reason: 'pause' }, startTarget: 'v-2', job: { state: 'canceled' } }, context());
    assert.deepEqual(types(events), ['sluice.version.state_changed']);
    const withJob = observe({ version: { state: 'running', runMode: 'stream' }, job: { state: 'running' } });
    const paused = planEvents(withJob, { reason: 'x', snapshot: { id: 's-1', reason: 'pause' }, version: { state: 'paused', runMode: 'stream' } }, context());
    assert.deepEqual(types(paused), ['sluice.snapshot.taken', 'sluice.version.state_changed']);
    assert.equal(paused[0].subject, 'snapshots/s-1');
    assert.equal(events[0].versionId, 'v-2');
  });
});

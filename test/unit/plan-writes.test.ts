import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completePlan } from '../../src/domain/plan-writes.js';
import type { Plan } from '../../src/domain/reconcile-types.js';
import { NOW, observe } from '../helpers/observations.js';

const plan = (version: Plan['version'], more: Partial<Plan> = {}): Plan => ({ reason: 'test', version, ...more });

describe('completePlan: the columns a version change implies', () => {
  it('leaves a plan without a version change as it is', () => {
    const bare: Plan = { reason: 'x', job: { state: 'running' } };
    assert.equal(completePlan(observe(), bare), bare);
  });

  it('out of scheduled mode: no next attempt, no cron tick, no resume snapshot', () => {
    const done = completePlan(observe(), plan({ state: 'ready', runMode: null }));
    assert.deepEqual(done.version, { state: 'ready', runMode: null, resumeSnapshot: null, nextJobAttempt: null, lastCronTick: null });
  });

  it('activated or resumed into scheduled: cron counts from now', () => {
    for (const type of ['activate', 'resume'] as const) {
      const done = completePlan(observe({ operation: { type } }), plan({ state: 'scheduled', runMode: 'scheduled' }));
      assert.deepEqual(done.version, { state: 'scheduled', runMode: 'scheduled', resumeSnapshot: null, lastCronTick: NOW }, type);
    }
  });

  it('back to scheduled after a job (no operation): the cron tick is left as it is', () => {
    const done = completePlan(observe(), plan({ state: 'scheduled', runMode: 'scheduled' }));
    assert.equal(done.version!.lastCronTick, undefined);
  });

  it('paused: keeps the resume snapshot, or takes the one this step takes', () => {
    assert.equal(completePlan(observe(), plan({ state: 'paused', runMode: 'stream' })).version!.resumeSnapshot, undefined);
    const taking = plan({ state: 'paused', runMode: 'stream', resumeFromNewSnapshot: true }, { snapshot: { id: 's-9', reason: 'pause' } });
    assert.equal(completePlan(observe(), taking).version!.resumeSnapshot, 's-9');
  });

  it('running again (resume of a stream version): the resume snapshot is used up', () => {
    assert.equal(completePlan(observe({ operation: { type: 'resume' } }), plan({ state: 'running', runMode: 'stream' })).version!.resumeSnapshot, null);
  });
});

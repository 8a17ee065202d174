import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalJson, decisionFingerprint, evaluate, inputVersionsOf, repeatsPrevious, type EvaluationInput,
} from '../../src/domain/trigger-decision.js';
import { nextFire, nextFireOf } from '../../src/domain/cron.js';

const base: EvaluationInput = {
  trigger: 'poll',
  inputCatalogs: { a: 'hrn:a', b: 'hrn:b' },
  outputCatalogHrn: 'hrn:out',
  state: 'scheduled',
  force: false,
  latestByHrn: new Map([['hrn:a', 4], ['hrn:b', 2], ['hrn:out', 9]]),
  baseline: { a: 3, b: 2 },
  lastAttempt: { a: 3, b: 2 },
};

describe('trigger decision', () => {
  it('starts a job when an input moved past the baseline, observing latest, baseline and output', () => {
    const verdict = evaluate(base);
    assert.equal(verdict.start, true);
    assert.deepEqual(verdict.observed, { latest: { a: 4, b: 2 }, baseline: { a: 3, b: 2 }, outputLatest: 9, state: 'scheduled' });
    if (verdict.start) assert.deepEqual(verdict.resolution.inputs.a, { processingType: 'changes', sinceVersion: 3, version: 4 });
  });

  it('a catalog without versions is -1, input and output', () => {
    const verdict = evaluate({ ...base, latestByHrn: new Map(), baseline: null, lastAttempt: null });
    assert.equal(verdict.start, false);
    assert.deepEqual(verdict.observed.latest, { a: -1, b: -1 });
    assert.equal(verdict.observed.outputLatest, -1);
    assert.match(verdict.reason, /no input catalog has a version/);
  });

  for (const [state, reason] of [['running', /still running/], ['paused', /paused/], ['ready', /the version is ready/]] as const) {
    it(`skips a version that is ${state}, whatever changed`, () => {
      const verdict = evaluate({ ...base, state, trigger: 'cron', force: true });
      assert.equal(verdict.start, false);
      assert.match(verdict.reason, reason);
      assert.equal(verdict.observed.state, state);
    });
  }

  it('force runs on a cron tick only', () => {
    const unchanged = { ...base, latestByHrn: new Map([['hrn:a', 3], ['hrn:b', 2]]), force: true };
    assert.equal(evaluate({ ...unchanged, trigger: 'cron' }).start, true);
    assert.equal(evaluate({ ...unchanged, trigger: 'poll' }).start, false);
  });

  it('a catalog trigger waits after a failed attempt at the same versions; a cron tick retries it', () => {
    const failed = { ...base, lastAttempt: { a: 4, b: 2 } };
    const poll = evaluate(failed);
    assert.equal(poll.start, false);
    assert.match(poll.reason, /already tried/);
    assert.equal(evaluate({ ...failed, trigger: 'cron' }).start, true);
  });
});

describe('decision fingerprints', () => {
  const observed = { latest: { a: 1, b: 2 }, baseline: null, outputLatest: -1, state: 'scheduled' };

  it('do not depend on key order (jsonb reorders keys)', () => {
    assert.equal(canonicalJson({ b: 1, a: [{ y: 2, x: null }] }), '{"a":[{"x":null,"y":2}],"b":1}');
    assert.equal(
      decisionFingerprint('poll', 'skipped', 'r', observed),
      decisionFingerprint('poll', 'skipped', 'r', { state: 'scheduled', outputLatest: -1, baseline: null, latest: { b: 2, a: 1 } }),
    );
  });

  it('differ when the trigger, the reason or anything observed differs', () => {
    const one = decisionFingerprint('poll', 'skipped', 'r', observed);
    assert.notEqual(one, decisionFingerprint('publish', 'skipped', 'r', observed));
    assert.notEqual(one, decisionFingerprint('poll', 'skipped', 'other', observed));
    assert.notEqual(one, decisionFingerprint('poll', 'skipped', 'r', { ...observed, latest: { a: 1, b: 3 } }));
    assert.notEqual(one, decisionFingerprint('poll', 'skipped', 'r', { ...observed, state: 'paused' }));
  });

  it('a skip equal to the previous skip repeats it; a start never does, nor a skip after a start', () => {
    const fp = decisionFingerprint('poll', 'skipped', 'r', observed);
    assert.equal(repeatsPrevious({ decision: 'skipped', fingerprint: fp }, fp), true);
    assert.equal(repeatsPrevious({ decision: 'started', fingerprint: fp }, fp), false);
    assert.equal(repeatsPrevious(undefined, fp), false);
    // Rows from before fingerprints were kept never match.
    assert.equal(repeatsPrevious({ decision: 'skipped', fingerprint: null }, fp), false);
  });

  it('reads input versions off a job\'s catalogVersions', () => {
    assert.deepEqual(inputVersionsOf({ inputCatalogs: { a: { processingType: 'changes', sinceVersion: 1, version: 3 } }, outputCatalog: { baseVersion: 2 } }), { a: 3 });
    assert.deepEqual(inputVersionsOf({}), {});
    assert.equal(inputVersionsOf(null), null);
  });
});

describe('cron fire times', () => {
  it('next fire is strictly after the given time, in UTC', () => {
    assert.equal(nextFire('0 * * * *', new Date('2030-05-01T10:00:00Z'))?.toISOString(), '2030-05-01T11:00:00.000Z');
    assert.equal(nextFire('0 * * * *', new Date('2030-05-01T10:59:59Z'))?.toISOString(), '2030-05-01T11:00:00.000Z');
    assert.equal(nextFire('30 2 * * 1', new Date('2030-05-01T00:00:00Z'))?.toISOString(), '2030-05-06T02:30:00.000Z');
    assert.equal(nextFire('@daily', new Date('2030-12-31T23:00:00Z'))?.toISOString(), '2031-01-01T00:00:00.000Z');
  });

  it('counts from the last tick taken, else from the last change (ticks missed meanwhile collapse into one)', () => {
    const updated = new Date('2030-05-01T08:10:00Z');
    assert.equal(nextFireOf('0 * * * *', null, updated)?.toISOString(), '2030-05-01T09:00:00.000Z');
    // Three hours of ticks missed after 09:00: the next fire is still 10:00, due once.
    assert.equal(nextFireOf('0 * * * *', new Date('2030-05-01T09:00:01Z'), updated)?.toISOString(), '2030-05-01T10:00:00.000Z');
  });
});

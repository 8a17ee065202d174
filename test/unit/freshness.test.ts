import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationMs, freshnessProblems, judgeFreshness } from '../../src/domain/freshness.js';
import { schedulerConfigurationProblems } from '../../src/domain/scheduler-configuration.js';

const H = 3600_000;
const T0 = new Date('2026-06-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('freshness deadlines', () => {
  it('reads ISO 8601 durations of days, hours, minutes and seconds, and nothing else', () => {
    assert.equal(durationMs('PT6H'), 6 * H);
    assert.equal(durationMs('P1DT12H'), 36 * H);
    assert.equal(durationMs('PT90M'), 90 * 60_000);
    assert.equal(durationMs('PT45S'), 45_000);
    for (const bad of ['P', 'PT', 'P1DT', '6h', 'PT6h', 'P1W', 'P1M', '-PT1H', 'PT1.5H', '']) assert.equal(durationMs(bad), undefined, bad);
  });

  it('bounds the deadline between a minute and 366 days, naming the field', () => {
    assert.deepEqual(freshnessProblems({ maxAge: 'PT1M' }, '/f'), []);
    assert.equal(freshnessProblems({ maxAge: 'PT59S' }, '/f')[0].field, '/f/maxAge');
    assert.match(freshnessProblems({ maxAge: 'P367D' }, '/f')[0].message, /366 days/);
    assert.match(freshnessProblems({ maxAge: 'soon' }, '/f')[0].message, /ISO 8601/);
  });

  it('needs a trigger beside it', () => {
    assert.equal(schedulerConfigurationProblems({ freshnessOptions: { maxAge: 'PT1H' } }, '')[0].field, '/freshnessOptions');
    assert.deepEqual(schedulerConfigurationProblems({ catalogTriggerOptions: 'version_resolver', freshnessOptions: { maxAge: 'PT1H' } }, ''), []);
  });

  it('misses once past the deadline, keeps quiet while late, and is met by a newer output version', () => {
    const watch = { seenVersion: 3, freshSince: T0, missedAt: null };
    assert.deepEqual(judgeFreshness(watch, 3, 2 * H, at(2 * H)), { watch }, 'at the deadline exactly: not missed yet');
    const missed = judgeFreshness(watch, 3, 2 * H, at(2 * H + 1));
    assert.deepEqual(missed, { watch: { ...watch, missedAt: at(2 * H + 1) }, event: 'missed' });
    assert.deepEqual(judgeFreshness(missed.watch, 3, 2 * H, at(9 * H)), { watch: missed.watch }, 'no second miss');
    assert.deepEqual(judgeFreshness(missed.watch, 4, 2 * H, at(9 * H)), { watch: { seenVersion: 4, freshSince: at(9 * H), missedAt: null }, event: 'met' });
  });

  it('a newer version in time renews the deadline without an event; an older one (a catalog recreated) changes nothing', () => {
    const watch = { seenVersion: 3, freshSince: T0, missedAt: null };
    assert.deepEqual(judgeFreshness(watch, 5, 2 * H, at(H)), { watch: { seenVersion: 5, freshSince: at(H), missedAt: null } });
    assert.deepEqual(judgeFreshness(watch, 1, 2 * H, at(H)), { watch });
  });
});

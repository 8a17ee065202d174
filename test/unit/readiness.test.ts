import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enginePassCheck, Readiness } from '../../src/telemetry/readiness.js';
import { Signals } from '../../src/telemetry/signals.js';

describe('Readiness', () => {
  it('is ready when every check passes, and lists each with its latency', async () => {
    const report = await new Readiness({ replicaId: 'r1' })
      .add({ name: 'a', run: async () => ({ ok: true }) })
      .add({ name: 'b', run: async () => ({ ok: true, message: 'fine' }) })
      .report();
    assert.equal(report.status, 'ready');
    assert.deepEqual(report.checks.map((c) => [c.name, c.status]), [['a', 'pass'], ['b', 'pass']]);
    assert.equal(report.info.replicaId, 'r1');
  });

  it('is not ready when a check fails, throws or does not answer in time', async () => {
    const report = await new Readiness()
      .add({ name: 'fails', run: async () => ({ ok: false, message: 'no' }) })
      .add({ name: 'throws', run: async () => { throw new Error('connection refused'); } })
      .add({ name: 'hangs', run: () => new Promise(() => {}) })
      .report();
    assert.equal(report.status, 'not ready');
    assert.deepEqual(report.checks.map((c) => [c.name, c.status, c.message]), [
      ['fails', 'fail', 'no'], ['throws', 'fail', 'connection refused'], ['hangs', 'fail', 'no answer within 2000 ms'],
    ]);
    assert.ok(report.checks[2].latencyMs >= 1900);
  });
});

describe('enginePassCheck', () => {
  it('fails before the first pass and once the last one is older than the limit', async () => {
    const signals = new Signals();
    let now = 1_000;
    const check = enginePassCheck(5_000, signals, () => now);
    assert.equal((await check.run()).ok, false);
    signals.emit('engine.pass', { durationMs: 3 });
    now += 5_000;
    assert.equal((await check.run()).ok, true);
    now += 1;
    const stale = await check.run();
    assert.equal(stale.ok, false);
    assert.match(stale.message!, /last pass 5001 ms ago, more than 5000 ms/);
  });
});

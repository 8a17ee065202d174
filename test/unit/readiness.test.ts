import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import net from 'node:net';
import { enginePassCheck, Readiness, runtimeChecks } from '../../src/telemetry/readiness.js';
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

/** A remote runtime's hook as a cluster client would have it: a TCP connection to its endpoint, refused or accepted. */
function tcpRuntime(name: string, port: () => number) {
  return {
    name,
    local: false,
    reachable: () => new Promise<{ ok: boolean; message?: string }>((resolve) => {
      const socket = net.connect(port(), '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve({ ok: true }); });
      socket.once('error', (error) => resolve({ ok: false, message: `cannot reach 127.0.0.1:${port()}: ${error.message}` }));
    }),
  };
}

describe('runtimeChecks', () => {
  it('checks each runtime that has the hook, lists a remote one without it as not checked, skips local ones, and signals each answer', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const signals = new Signals();
    const heard: [string, boolean][] = [];
    signals.on('runtime.reachability', ({ runtime, reachable }) => heard.push([runtime, reachable]));
    const readiness = new Readiness();
    for (const check of runtimeChecks([
      { name: 'local-jvm', local: true },
      tcpRuntime('flink:stream-5.0', () => port),
      { name: 'spark:batch-3.0.0', local: false },
    ], signals)) readiness.add(check);
    try {
      const up = await readiness.report();
      assert.equal(up.status, 'ready');
      assert.deepEqual(up.checks.map((c) => [c.name, c.status]), [['runtime:flink:stream-5.0', 'pass'], ['runtime:spark:batch-3.0.0', 'pass']]);
      assert.match(up.checks[1].message ?? '', /not checked/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const down = await readiness.report();
    assert.equal(down.status, 'not ready');
    assert.match(down.checks[0].message ?? '', /cannot reach/);
    assert.deepEqual(heard, [['flink:stream-5.0', true], ['flink:stream-5.0', false]]);
  });
});

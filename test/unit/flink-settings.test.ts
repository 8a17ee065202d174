import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flinkResources } from '../../src/runtimes/flink/resources.js';
import { parseFlinkSettings } from '../../src/runtimes/flink/settings.js';
import { flinkErrorMessage } from '../../src/runtimes/flink/rest-client.js';

const minimal = { kind: 'flink', restUrl: 'https://flink.internal:8081/', savepointBase: 's3://b/sp/', checkpointBase: 'file:/shared/ckpt' };

describe('flink runtime binding', () => {
  it('reads a minimal binding with its defaults, trailing slashes trimmed', () => {
    const { settings, problems } = parseFlinkSettings(minimal);
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      restUrl: 'https://flink.internal:8081', savepointBase: 's3://b/sp', checkpointBase: 'file:/shared/ckpt',
      auth: null, caFile: null, pollIntervalMs: 10_000, requestTimeoutMs: 10_000, jobFilesUrl: null,
    });
  });

  it('reads bearer and basic auth, TLS trust and intervals', () => {
    const bearer = parseFlinkSettings({ ...minimal, auth: { bearer: 't' }, tls: { caFile: '/ca.pem' }, pollIntervalMs: 500 }).settings!;
    assert.deepEqual(bearer.auth, { bearer: 't' });
    assert.equal(bearer.caFile, '/ca.pem');
    assert.equal(bearer.pollIntervalMs, 500);
    const basic = parseFlinkSettings({ ...minimal, auth: { basic: { user: 'u', password: 'p:w' } } }).settings!;
    assert.deepEqual(basic.auth, { basic: { user: 'u', password: 'p:w' } });
  });

  it('names each wrong field by its JSON pointer', () => {
    const { settings, problems } = parseFlinkSettings({
      kind: 'flink', restUrl: 'ftp://x', savepointBase: 'https://not-storage', checkpointBase: 7,
      auth: { basic: { user: 'a:b', password: 'p' } }, pollIntervalMs: 5, colour: 'red',
    });
    assert.equal(settings, null);
    assert.deepEqual(problems.map((p) => p.field).sort(), ['/auth', '/checkpointBase', '/colour', '/pollIntervalMs', '/restUrl', '/savepointBase']);
    assert.deepEqual(parseFlinkSettings({ ...minimal, restUrl: 'http://u:p@h:8081' }).problems.map((p) => p.field), ['/restUrl']);
    assert.deepEqual(parseFlinkSettings({ ...minimal, restUrl: 'http://h:8081', tls: { caFile: '/ca' } }).problems.map((p) => p.field), ['/tls']);
    assert.deepEqual(parseFlinkSettings('flink').problems, [{ field: '', message: 'must be an object' }]);
  });
});

describe('cluster configuration on a Flink session cluster', () => {
  const profile = { id: 'stream-standard', label: 'x', name: 'x', cpuPerUnit: 1, memoryInGiBPerUnit: 7, diskInGiBPerUnit: 10 };
  it('gives one task slot per worker unit and lists what a session cluster cannot apply', () => {
    const r = flinkResources({ workers: 3, workerUnits: 2, supervisorUnits: 1, gcProfile: 'g1gc', workerAdditionalOverheadMemory: 0.5 }, profile);
    assert.deepEqual(r, {
      parallelism: 6, slots: 6, memoryPerSlotMiB: 7168, cpuPerSlot: 1,
      notApplied: ['supervisorUnits', 'gcProfile', 'workerAdditionalOverheadMemory'],
    });
    assert.equal(flinkResources({ workers: 1, workerUnits: 1, supervisorUnits: 1 }, undefined).parallelism, 1);
  });
});

describe('Flink error bodies', () => {
  it('takes the message out of the long form, the short form and the internal error', () => {
    const long = { errors: ['org.apache.flink.runtime.rest.handler.RestHandlerException: Jar file /tmp/x.jar does not exist\n\tat org.apache.flink.Foo.bar(Foo.java:1)'] };
    assert.equal(flinkErrorMessage(long, '?'), 'Jar file /tmp/x.jar does not exist');
    assert.equal(flinkErrorMessage({ errors: ['Job 00 not found'] }, '?'), 'Job 00 not found');
    const internal = { errors: ['Internal server error.', '<Exception on server side:\norg.apache.flink.util.FlinkException: boom\n\tat x\nEnd of exception on server side>'] };
    assert.equal(flinkErrorMessage(internal, '?'), 'internal server error: boom');
    assert.equal(flinkErrorMessage('<html>', 'HTTP 502'), 'HTTP 502');
  });
});

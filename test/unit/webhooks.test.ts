import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { egressAllows, newSecret, retryDelayMs, signatureOf, subscriptionProblems } from '../../src/domain/webhooks.js';

describe('webhook signatures', () => {
  it('verify with the Standard Webhooks reference library, and fail when anything changes', () => {
    const secret = newSecret();
    const body = '{"specversion":"1.0","id":"e-1"}';
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'e-1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureOf(secret, 'e-1', timestamp, body) };
    assert.doesNotThrow(() => new Webhook(secret).verify(body, headers));
    assert.throws(() => new Webhook(secret).verify(body + ' ', headers));
    assert.throws(() => new Webhook(newSecret()).verify(body, headers));
    assert.throws(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'e-2' }));
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base up to the cap, spread ±50 %', () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayMs(n, 10_000, 3_600_000, 0.5)), [10_000, 20_000, 40_000, 80_000]);
    assert.equal(retryDelayMs(30, 10_000, 3_600_000, 0.5), 3_600_000);
    assert.equal(retryDelayMs(1, 10_000, 3_600_000, 0), 5_000);
    assert.equal(retryDelayMs(1, 10_000, 3_600_000, 0.999999), 15_000);
  });
  it('keeps retrying for at least a day with the defaults', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < 24 * 3600_000) elapsed += retryDelayMs(++attempts, 10_000, 3_600_000, 0);
    assert.ok(attempts >= 30, `${attempts} attempts`);
  });
});

describe('egressAllows', () => {
  const rules = ['hooks.example.com', '*.example.org', '10.1.2.3', '2001:db8::1'];
  const cases: [string, boolean][] = [
    ['hooks.example.com', true], ['HOOKS.example.com', true], ['other.example.com', false],
    ['a.example.org', true], ['a.b.example.org', true], ['example.org', false], ['badexample.org', false],
    ['10.1.2.3', true], ['10.1.2.4', false], ['[2001:db8::1]', true], ['[2001:db8:0::1]', true], ['localhost', false],
  ];
  for (const [host, allowed] of cases) it(`${host}: ${allowed}`, () => assert.equal(egressAllows(host, rules), allowed));
});

describe('subscriptionProblems', () => {
  const ok = { url: 'https://hooks.example.com/x', types: ['sluice.operation.accepted'] };
  const fields = (input: Parameters<typeof subscriptionProblems>[0]) => subscriptionProblems(input, ['hooks.example.com']).map((p) => p.field);
  it('accepts an allowed URL and known types', () => assert.deepEqual(fields(ok), []));
  it('points at what is wrong', () => {
    assert.deepEqual(fields({ ...ok, url: 'ftp://hooks.example.com/x' }), ['/url']);
    assert.deepEqual(fields({ ...ok, url: 'not a url' }), ['/url']);
    assert.deepEqual(fields({ ...ok, url: 'https://evil.example.net/' }), ['/url']);
    assert.deepEqual(fields({ ...ok, types: ['sluice.operation.accepted', 'sluice.nope'] }), ['/types/1']);
    assert.deepEqual(fields({ ...ok, types: ['sluice.job.failed', 'sluice.job.failed'] }), ['/types']);
    assert.deepEqual(fields({ ...ok, secret: 'whsec_c2hvcnQ=' }), ['/secret']);
  });
});

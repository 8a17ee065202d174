import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDestination, type DestinationType } from '../../src/domain/egress-destination.js';
import { checkNewEgressRules, existingDestinationErrors } from '../../src/domain/egress-rules.js';

const accepted: [input: string, destination: string, type: DestinationType][] = [
  ['192.0.2.10', '192.0.2.10', 'ipAddress'],
  ['  192.0.2.10 ', '192.0.2.10', 'ipAddress'],
  ['2001:db8::1', '2001:db8::1', 'ipAddress'],
  ['2001:0DB8:0000::0001', '2001:db8::1', 'ipAddress'],
  ['0:0:0:0:0:0:0:1', '::1', 'ipAddress'],
  ['[2001:db8::1]', '2001:db8::1', 'ipAddress'],
  ['[::1]', '::1', 'ipAddress'],
  ['::ffff:7f00:1', '::ffff:127.0.0.1', 'ipAddress'],
  ['example.com', 'example.com', 'host'],
  ['api.example.com', 'api.example.com', 'host'],
  ['my-host.example.co.uk', 'my-host.example.co.uk', 'host'],
  ['*.example.com', '*.example.com', 'host'],
  ['*.example.co.uk', '*.example.co.uk', 'host'],
  ['EXAMPLE.COM', 'example.com', 'host'],
  ['*.Api.Example.Com', '*.api.example.com', 'host'],
  ['example.com.', 'example.com', 'host'],
  ['*.example.com.', '*.example.com', 'host'],
  [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`, 'host'],
  // 253 characters, the longest name DNS carries.
  [`${'abcdefghi.'.repeat(25)}com`, `${'abcdefghi.'.repeat(25)}com`, 'host'],
  ['foo.github.io', 'foo.github.io', 'host'],
  ['*.foo.github.io', '*.foo.github.io', 'host'],
  ['www.ck', 'www.ck', 'host'],
  ['svc.cluster.local', 'svc.cluster.local', 'host'],
  ['bücher.de', 'xn--bcher-kva.de', 'host'],
  ['*.Bücher.de', '*.xn--bcher-kva.de', 'host'],
  ['xn--bcher-kva.de', 'xn--bcher-kva.de', 'host'],
];

const rejected: [input: string, messagePart: RegExp][] = [
  ['', /must not be empty/],
  ['   ', /must not be empty/],
  ['*.com', /wildcard directly before the public suffix "com"/],
  ['*.co.uk', /wildcard directly before the public suffix "co.uk"/],
  ['*.*.com', /wildcard only as its whole leftmost label/],
  ['a.*.example.com', /wildcard only as its whole leftmost label/],
  ['*example.com', /wildcard only as its whole leftmost label/],
  ['**.example.com', /wildcard only as its whole leftmost label/],
  ['*', /needs a domain after the wildcard/],
  ['*.', /needs a domain after the wildcard/],
  ['com', /is a public suffix/],
  ['co.uk', /is a public suffix/],
  ['COM.', /is a public suffix/],
  // Private-section suffixes are as shared as ICANN ones.
  ['github.io', /is a public suffix/],
  ['*.github.io', /wildcard directly before the public suffix "github.io"/],
  ['s3.amazonaws.com', /is a public suffix/],
  ['foo.ck', /is a public suffix/],
  ['localhost', /single-label name/],
  ['localhost.', /single-label name/],
  ['intranet', /single-label name/],
  ['*.localhost', /wildcard directly before the public suffix "localhost"/],
  ['exa_mple.com', /label "exa_mple" may hold only letters, digits and inner hyphens/],
  ['-a.example.com', /label "-a"/],
  ['a-.example.com', /label "a-"/],
  ['example.com:443', /label "com:443"/],
  ['https://example.com', /neither an IP address nor a valid DNS name/],
  ['ex ample.com', /neither an IP address nor a valid DNS name/],
  [`${'a'.repeat(64)}.com`, /label longer than 63 characters/],
  [`${'abcdefghi.'.repeat(25)}coms`, /longer than 253 characters/],
  ['example.com..', /empty label/],
  ['.example.com', /empty label/],
  ['a..example.com', /empty label/],
  ['256.1.1.1', /neither an IP address nor a valid DNS name/],
  ['192.0.2', /neither an IP address nor a valid DNS name/],
  ['0x7f.1', /neither an IP address nor a valid DNS name/],
  ['192.0.2.10.', /neither an IP address nor a valid DNS name/],
  ['10.0.0.0/8', /neither an IP address nor a valid DNS name/],
  ['[192.0.2.10]', /brackets, which only enclose IPv6/],
  ['[example.com]', /brackets, which only enclose IPv6/],
  ['fe80::1%eth0', /zone index/],
  ['[fe80::1%25eth0]', /zone index|neither/],
];

describe('checkDestination', () => {
  for (const [input, destination, destinationType] of accepted) {
    it(`accepts ${JSON.stringify(input)} as ${destination}`, () => {
      assert.deepEqual(checkDestination(input), { ok: true, destination, destinationType });
    });
  }
  for (const [input, messagePart] of rejected) {
    it(`rejects ${JSON.stringify(input.length > 40 ? `${input.slice(0, 20)}…` : input)}`, () => {
      const result = checkDestination(input);
      assert.equal(result.ok, false, `accepted as ${JSON.stringify(result)}`);
      if (!result.ok) assert.match(result.message, messagePart);
    });
  }
});

describe('checkNewEgressRules', () => {
  it('keeps order and descriptions of valid rules, normalised', () => {
    const result = checkNewEgressRules([
      { destination: 'API.example.com.', description: 'the API' },
      { destination: '[2001:db8::1]' },
    ]);
    assert.deepEqual(result, {
      ok: true,
      rules: [
        { destination: 'api.example.com', destinationType: 'host', description: 'the API' },
        { destination: '2001:db8::1', destinationType: 'ipAddress', description: undefined },
      ],
    });
  });

  it('reports every invalid destination with its JSON pointer and value', () => {
    const result = checkNewEgressRules([{ destination: 'ok.example.com' }, { destination: '*.com' }, { destination: 'com' }]);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.errors.map((e) => [e.field, e.invalidValue]), [['/1/destination', '*.com'], ['/2/destination', 'com']]);
    assert.match(result.errors[0].message, /^"\*\.com" puts a wildcard/);
    assert.ok(result.errors.every((e) => e.code === 'E1000'));
  });

  it('rejects a destination repeated after normalisation, at its second place', () => {
    const result = checkNewEgressRules([
      { destination: 'dup.example.com' }, { destination: 'other.example.com' }, { destination: 'DUP.example.com.' },
    ]);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0].field, '/2/destination');
    assert.match(result.errors[0].message, /repeats the destination dup\.example\.com given at \/0\/destination/);
  });

  it('points conflict errors at the request positions of existing destinations', () => {
    const rules = [
      { destination: 'a.example.com', destinationType: 'host' as const },
      { destination: 'b.example.com', destinationType: 'host' as const },
    ];
    const errors = existingDestinationErrors(rules, new Set(['b.example.com']));
    assert.deepEqual(errors.map((e) => [e.field, e.invalidValue, e.code]), [['/1/destination', 'b.example.com', 'E1409']]);
  });
});

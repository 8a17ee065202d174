import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admitDestination, isLoopback, refusalLine } from '../../src/domain/egress-admission.js';
import { parseHead } from '../../src/runtimes/local-jvm/sandbox/egress-proxy.js';

describe('egress admission', () => {
  const rules = ['api.partner.com', '*.example.org', '198.51.100.7', '2001:db8::1'];
  const cases: { host: string; port?: number; admitted: boolean; rule?: string; byName?: boolean; reason?: RegExp }[] = [
    { host: 'api.partner.com', admitted: true, rule: 'api.partner.com', byName: true },
    { host: 'API.Partner.COM.', admitted: true, rule: 'api.partner.com', byName: true },
    { host: 'www.partner.com', admitted: false, reason: /no egress rule of the realm admits www\.partner\.com/ },
    { host: 'a.b.example.org', admitted: true, rule: '*.example.org', byName: true },
    // A wildcard admits the names below its domain, never the domain itself.
    { host: 'example.org', admitted: false, reason: /admits example\.org$/ },
    { host: 'badexample.org', admitted: false },
    { host: '198.51.100.7', admitted: true, rule: '198.51.100.7', byName: false },
    { host: '198.51.100.8', admitted: false },
    { host: '[2001:db8:0::1]', admitted: true, rule: '2001:db8::1', byName: false },
    { host: '127.0.0.1', admitted: false },
    { host: '*.example.org', admitted: false },
    { host: 'api.partner.com', port: 0, admitted: false, reason: /0 is not a port/ },
    { host: 'api.partner.com', port: 65536, admitted: false },
    { host: 'exa mple.org', admitted: false, reason: /neither an IP address nor a valid DNS name/ },
  ];
  for (const c of cases) {
    it(`${c.host}:${c.port ?? 443} is ${c.admitted ? 'admitted' : 'refused'}`, () => {
      const decision = admitDestination(c.host, c.port ?? 443, rules);
      assert.equal(decision.admitted, c.admitted);
      if (decision.admitted) assert.deepEqual(decision, { admitted: true, rule: c.rule, byName: c.byName });
      else if (c.reason) assert.match(decision.reason, c.reason);
    });
  }

  it('admits nothing without rules', () => {
    assert.equal(admitDestination('api.partner.com', 443, []).admitted, false);
  });

  it('knows loopback addresses (a name admitted by a rule must not lead there)', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '0.0.0.0', '::']) assert.equal(isLoopback(address), true, address);
    for (const address of ['10.0.0.1', '198.51.100.7', '2001:db8::1', '::ffff:10.0.0.1']) assert.equal(isLoopback(address), false, address);
  });

  it('words the refusal line with method, target and reason', () => {
    assert.equal(refusalLine('CONNECT', 'evil.com:443', 'no egress rule of the realm admits evil.com'),
      'sluice egress: refused CONNECT evil.com:443: no egress rule of the realm admits evil.com');
  });
});

describe('egress proxy request heads', () => {
  const head = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');

  it('reads CONNECT host:port, IPv6 in brackets', () => {
    assert.deepEqual(parseHead(head('CONNECT api.partner.com:443 HTTP/1.1\nHost: api.partner.com:443\n\n')),
      { method: 'CONNECT', host: 'api.partner.com', port: 443, display: 'api.partner.com:443' });
    assert.deepEqual(parseHead(head('CONNECT [2001:db8::1]:8443 HTTP/1.1\n\n')),
      { method: 'CONNECT', host: '[2001:db8::1]', port: 8443, display: '[2001:db8::1]:8443' });
  });

  it('turns an absolute-form request into the origin form and drops the proxy headers', () => {
    const parsed = parseHead(head('GET http://api.partner.com:8080/a/b?c=d HTTP/1.1\nHost: api.partner.com:8080\nProxy-Connection: keep-alive\nProxy-Authorization: Basic eA==\nAccept: */*\n\n'));
    assert.ok(!('error' in parsed));
    assert.equal(parsed.host, 'api.partner.com');
    assert.equal(parsed.port, 8080);
    assert.equal(parsed.head!.toString('latin1'), 'GET /a/b?c=d HTTP/1.1\r\nHost: api.partner.com:8080\r\nAccept: */*\r\n\r\n');
    const plain = parseHead(head('POST http://api.partner.com/ HTTP/1.1\nHost: api.partner.com\n\n'));
    assert.ok(!('error' in plain));
    assert.equal(plain.port, 80);
  });

  it('refuses what is not a proxy request', () => {
    for (const text of ['GET /relative HTTP/1.1\n\n', 'CONNECT api.partner.com HTTP/1.1\n\n', 'GET https://api.partner.com/ HTTP/1.1\n\n', 'hello\n\n']) {
      assert.ok('error' in parseHead(head(text)), text);
    }
  });
});

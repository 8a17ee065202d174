import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  hmacSha256Signature, normalizedBaseUri, parseOAuthHeader, percentEncode, signatureBaseString, signatureMatches, timestampFresh,
} from '../../src/domain/oauth-signature.js';

describe('OAuth 1.0a signatures', () => {
  it('builds the signature base string of RFC 5849 §3.4.1.1', () => {
    // The RFC's example request, its parameters decoded as the server sees them.
    const base = signatureBaseString({
      method: 'post',
      baseUri: normalizedBaseUri('http://EXAMPLE.COM:80', '/request'),
      params: [
        ['b5', '=%3D'], ['a3', 'a'], ['c@', ''], ['a2', 'r b'],
        ['oauth_consumer_key', '9djdj82h48djs9d2'], ['oauth_token', 'kkk9d7dh3k39sjv7'],
        ['oauth_signature_method', 'HMAC-SHA1'], ['oauth_timestamp', '137131201'], ['oauth_nonce', '7d8f3e4a'],
        ['c2', ''], ['a3', '2 q'],
      ],
    });
    assert.equal(base, 'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7');
  });

  it('signs with HMAC-SHA256 keyed by the encoded secret and an empty token secret', () => {
    const request = { method: 'POST', baseUri: 'https://host/oauth2/token', params: [['grant_type', 'client_credentials'], ['oauth_nonce', 'n']] as [string, string][] };
    const expected = createHmac('sha256', 'a%2Bb%2Fc&').update(signatureBaseString(request)).digest('base64');
    assert.equal(hmacSha256Signature(request, 'a+b/c'), expected);
    assert.notEqual(hmacSha256Signature(request, 'a+b/d'), expected);
  });

  it('percent-encodes as RFC 3986 (only unreserved characters kept)', () => {
    assert.equal(percentEncode("a-._~!*'() /+=&é"), "a-._~%21%2A%27%28%29%20%2F%2B%3D%26%C3%A9");
  });

  it('keeps the port only when it is not the default, and lower-cases scheme and host', () => {
    assert.equal(normalizedBaseUri('HTTPS://Api.Example:443', '/oauth2/token'), 'https://api.example/oauth2/token');
    assert.equal(normalizedBaseUri('http://127.0.0.1:8080/', '/oauth2/token'), 'http://127.0.0.1:8080/oauth2/token');
    assert.equal(normalizedBaseUri('https://proxy.example/sluice', '/oauth2/token'), 'https://proxy.example/sluice/oauth2/token');
  });

  it('reads the Authorization header, decoding values and leaving realm out', () => {
    const parsed = parseOAuthHeader('OAuth realm="x", oauth_consumer_key="k%20y",oauth_nonce="n"');
    assert.ok(parsed.ok);
    assert.deepEqual([...parsed.params], [['oauth_consumer_key', 'k y'], ['oauth_nonce', 'n']]);
    for (const bad of [undefined, 'Bearer x', 'OAuth a=b', 'OAuth a="1", a="2"', 'OAuth a="%E0%A4%A"']) {
      assert.equal(parseOAuthHeader(bad).ok, false, String(bad));
    }
  });

  it('takes timestamps within the window either way, nothing else', () => {
    const now = new Date(1_000_000_000_000);
    assert.equal(timestampFresh('1000000000', now, 300), true);
    assert.equal(timestampFresh('1000000300', now, 300), true);
    assert.equal(timestampFresh('999999699', now, 300), false);
    assert.equal(timestampFresh('1000000301', now, 300), false);
    for (const bad of ['', 'abc', '1e9', '-5', '1000000000.5']) assert.equal(timestampFresh(bad, now, 300), false, bad);
  });

  it('compares signatures of any length without throwing', () => {
    assert.equal(signatureMatches('abc', 'abc'), true);
    assert.equal(signatureMatches('abc', 'abd'), false);
    assert.equal(signatureMatches('ab', 'abc'), false);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinUpstreamUrl, originOf } from '../../src/core/proxy/url.ts';
import { splitUrl } from '../../src/core/proxy/upstream-client.ts';

const cases: Array<[string, string, string]> = [
  // Claude: base without /v1, client sends /v1/messages
  ['https://relay.example.com', '/v1/messages?beta=true', 'https://relay.example.com/v1/messages?beta=true'],
  ['https://relay.example.com/api/', '/v1/messages', 'https://relay.example.com/api/v1/messages'],
  // Codex: base with /v1, client sends /responses or /v1/responses
  ['https://relay.example.com/openai/v1', '/responses', 'https://relay.example.com/openai/v1/responses'],
  ['https://relay.example.com/openai/v1', '/v1/responses', 'https://relay.example.com/openai/v1/responses'],
  ['https://relay.example.com/openai/v1/', '/v1/responses/compact', 'https://relay.example.com/openai/v1/responses/compact'],
  // A Claude base given /v1 by mistake does not become /v1/v1
  ['https://api.anthropic.com/v1', '/v1/messages', 'https://api.anthropic.com/v1/messages'],
  // Base query params (Azure api-version) are kept and merged with the client's
  ['https://x.example.com/v1?api-version=1', '/responses?foo=bar', 'https://x.example.com/v1/responses?api-version=1&foo=bar'],
  ['http://127.0.0.1:9000', '/', 'http://127.0.0.1:9000/'],
  ['http://127.0.0.1:9000/base', '/', 'http://127.0.0.1:9000/base'],
  // Not a /v1 prefix: /v10 stays
  ['https://x.example.com/v1', '/v10/thing', 'https://x.example.com/v1/v10/thing'],
];

for (const [base, path, want] of cases) {
  test(`${base} + ${path}`, () => assert.equal(joinUpstreamUrl(base, path), want));
}

test('originOf shows only scheme, host and port', () => {
  assert.equal(originOf('https://relay.example.com:8443/secret/path?key=sk-123'), 'https://relay.example.com:8443');
  assert.equal(originOf('not a url'), '(invalid url)');
});

test('a cached base URL gives the same answers as a fresh parse', () => {
  for (let i = 0; i < 3; i++) assert.equal(joinUpstreamUrl('https://x.example.com/v1?k=1', '/v1/responses'), 'https://x.example.com/v1/responses?k=1');
});

test('splitUrl separates the origin from the path and query without a URL object', () => {
  assert.deepEqual(splitUrl('https://relay.example.com:8443/api/v1/messages?beta=true'), {
    origin: 'https://relay.example.com:8443',
    path: '/api/v1/messages?beta=true',
  });
  assert.deepEqual(splitUrl('http://127.0.0.1:3000'), { origin: 'http://127.0.0.1:3000', path: '/' });
  assert.deepEqual(splitUrl('http://[::1]:8080/v1'), { origin: 'http://[::1]:8080', path: '/v1' });
});

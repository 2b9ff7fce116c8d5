import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UpstreamConfig } from '../../src/core/config/schema.ts';
import { buildClientHeaders, buildUpstreamHeaders, isPlainEventStream, isStreamRequest } from '../../src/core/proxy/headers.ts';
import { upstreamConfig } from '../helpers/config.ts';

const config = (authToken: string, apiKey: string): UpstreamConfig =>
  upstreamConfig({ name: 'c', baseUrl: 'https://u.example.com', authToken, apiKey, active: true });

const claudeCodeHeaders = {
  host: '127.0.0.1:3210',
  connection: 'keep-alive, x-drop-me',
  'keep-alive': 'timeout=5',
  'x-drop-me': '1',
  'content-length': '123',
  'transfer-encoding': 'chunked',
  authorization: 'Bearer placeholder',
  'x-api-key': 'placeholder',
  cookie: 'a=b',
  'chatgpt-account-id': 'acct',
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
  'x-claude-code-session-id': 'sess-1',
  'user-agent': 'claude-cli/2.1.100 (external, cli)',
  'accept-encoding': 'gzip, deflate, br, zstd',
  expect: '100-continue',
};

test('drops hop-by-hop, connection-listed and client credential headers; keeps end-to-end ones', () => {
  const out = buildUpstreamHeaders(claudeCodeHeaders, config('tok', ''));
  assert.deepEqual(
    Object.keys(out).sort(),
    ['accept-encoding', 'anthropic-beta', 'anthropic-version', 'authorization', 'user-agent', 'x-claude-code-session-id'].sort(),
  );
  assert.equal(out.authorization, 'Bearer tok');
  assert.equal(out['anthropic-beta'], claudeCodeHeaders['anthropic-beta']);
});

test('injects auth_token as Bearer and api_key as x-api-key, both when both are set', () => {
  assert.deepEqual(pick(buildUpstreamHeaders(claudeCodeHeaders, config('', 'key'))), { authorization: undefined, 'x-api-key': 'key' });
  assert.deepEqual(pick(buildUpstreamHeaders(claudeCodeHeaders, config('tok', 'key'))), { authorization: 'Bearer tok', 'x-api-key': 'key' });
  assert.deepEqual(pick(buildUpstreamHeaders(claudeCodeHeaders, config('', ''))), { authorization: undefined, 'x-api-key': undefined });
});

function pick(h: Record<string, string>) {
  return { authorization: h.authorization, 'x-api-key': h['x-api-key'] };
}

test('response headers keep encoding and length (the body is relayed raw) but drop hop-by-hop ones', () => {
  const out = buildClientHeaders({
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'content-length': '10',
    connection: 'keep-alive',
    'transfer-encoding': 'chunked',
    'keep-alive': 'timeout=5',
    'retry-after': '3',
    'set-cookie': ['a=1', 'b=2'],
  });
  assert.deepEqual(out, {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'content-length': '10',
    'retry-after': '3',
    'set-cookie': ['a=1', 'b=2'],
  });
});

test('an injected error event is only possible on an uncompressed event stream', () => {
  assert.equal(isPlainEventStream({ 'content-type': 'text/event-stream; charset=utf-8' }), true);
  assert.equal(isPlainEventStream({ 'content-type': 'text/event-stream', 'content-encoding': 'gzip' }), false);
  assert.equal(isPlainEventStream({ 'content-type': 'application/json' }), false);
});

test('streams are recognised from the body first, then from headers', () => {
  assert.equal(isStreamRequest({ accept: 'application/json' }, true), true); // Claude Code: body says stream, accept says json
  assert.equal(isStreamRequest({ accept: 'text/event-stream' }, false), false);
  assert.equal(isStreamRequest({ accept: 'text/event-stream' }, null), true);
  assert.equal(isStreamRequest({ 'x-stainless-helper-method': 'stream' }, null), true);
  assert.equal(isStreamRequest({}, null), false);
});

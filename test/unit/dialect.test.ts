import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anthropicDialect, anthropicErrorType } from '../../src/core/providers/anthropic/errors.ts';
import { openaiDialect } from '../../src/core/providers/openai/errors.ts';
import { classifyUpstreamError } from '../../src/core/proxy/upstream-errors.ts';

test('Anthropic error bodies have the API shape and the mapped type', () => {
  const body = JSON.parse(anthropicDialect.errorBody(504, 'upstream_timeout', 'too slow'));
  assert.deepEqual(body, { type: 'error', error: { type: 'timeout_error', message: 'CLP: too slow [upstream_timeout]' } });
  const table: Array<[number, string]> = [
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [502, 'api_error'],
    [529, 'overloaded_error'],
  ];
  for (const [status, type] of table) assert.equal(anthropicErrorType(status), type);
});

test('Anthropic in-stream errors are `event: error` frames', () => {
  const frame = anthropicDialect.streamError('upstream_stalled', 'silent');
  assert.match(frame, /^event: error\ndata: \{.*\}\n\n$/);
  assert.equal(JSON.parse(frame.split('data: ')[1]!).error.type, 'api_error');
});

test("OpenAI error bodies have the API shape with CLP's code", () => {
  const body = JSON.parse(openaiDialect.errorBody(400, 'no_config', 'add one'));
  assert.deepEqual(body, { error: { message: 'CLP: add one', type: 'invalid_request_error', param: null, code: 'no_config' } });
  assert.equal(JSON.parse(openaiDialect.errorBody(502, 'upstream_unreachable', 'x')).error.type, 'server_error');
});

test('OpenAI in-stream errors are `response.failed` with a retryable code', () => {
  const frame = openaiDialect.streamError('upstream_failed', 'cut');
  assert.match(frame, /^event: response\.failed\n/);
  const data = JSON.parse(frame.split('data: ')[1]!);
  assert.equal(data.type, 'response.failed');
  assert.equal(data.response.status, 'failed');
  assert.equal(data.response.error.code, 'server_error');
  assert.match(data.response.id, /^resp_clp_/);
});

test('upstream errors are classified by code', () => {
  const t = { connectMs: 10_000, headersMs: 600_000, streamIdleMs: 300_000 };
  const table: Array<[string, string, number]> = [
    ['UND_ERR_CONNECT_TIMEOUT', 'upstream_timeout', 504],
    ['UND_ERR_HEADERS_TIMEOUT', 'upstream_timeout', 504],
    ['UND_ERR_BODY_TIMEOUT', 'upstream_stalled', 504],
    ['ECONNREFUSED', 'upstream_unreachable', 502],
    ['ENOTFOUND', 'upstream_unreachable', 502],
    ['UND_ERR_SOCKET', 'upstream_failed', 502],
    ['ECONNRESET', 'upstream_failed', 502],
  ];
  for (const [code, want, status] of table) {
    const got = classifyUpstreamError(Object.assign(new Error('x'), { code }), t);
    assert.deepEqual([got.code, got.status], [want, status], code);
  }
  assert.equal(classifyUpstreamError(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), t).code, 'upstream_unreachable');
  assert.match(classifyUpstreamError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), t).reason, /600 s/);
});

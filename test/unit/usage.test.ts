import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { ResponseTap } from '../../src/core/usage/response-tap.ts';
import { SseDecoder, type SseEvent } from '../../src/core/usage/sse-decoder.ts';
import { findUsageInText, StreamUsage, usageFromJson, usageFromJsonBytes } from '../../src/core/usage/stream-usage.ts';
import { fromAnthropic } from '../../src/core/providers/anthropic/usage.ts';
import { fromResponses } from '../../src/core/providers/openai/usage.ts';
import { anthropicMessage, anthropicStreamFrames, sseFrame } from '../fixtures/anthropic.ts';
import { chatStreamFrames } from '../fixtures/chat.ts';
import { responsesObject, responsesStreamFrames } from '../fixtures/responses.ts';

const SSE = { 'content-type': 'text/event-stream' };
const JSON_TYPE = { 'content-type': 'application/json' };

async function tapAll(headers: Record<string, string>, chunks: Buffer[]) {
  const tap = new ResponseTap(headers, { captureBytes: 1 << 20 });
  for (const c of chunks) tap.write(c);
  return tap.finish();
}

/** Every way of cutting `bytes` into two pieces, plus one-byte pieces. */
function* splits(bytes: Buffer): Generator<Buffer[]> {
  for (let i = 0; i <= bytes.length; i++) yield [bytes.subarray(0, i), bytes.subarray(i)];
  yield [...bytes].map((b) => Buffer.from([b]));
}

const CLAUDE = { input: 3, cached_create: 2849, cached_read: 9493, output: 527, reasoning: 0, total: 3 + 2849 + 9493 + 527, cache_5m: 0, cache_1h: 2849 };
const CODEX = { input: 3772 - 3456, cached_create: 0, cached_read: 3456, output: 157, reasoning: 64, total: 3929, cache_5m: null, cache_1h: null };

test('Anthropic stream: the same usage however the bytes are chunked', async () => {
  const bytes = Buffer.from(anthropicStreamFrames('claude-opus-4-5', 'Hello \u2603 w\u00f6rld, caf\u00e9 \ud83d\ude80').join(''));
  for (const chunks of splits(bytes)) {
    const r = await tapAll(SSE, chunks);
    assert.deepEqual(r.usage, CLAUDE);
    assert.equal(r.model, 'claude-opus-4-5');
    assert.equal(r.completed, true);
  }
});

test('Responses stream: the same usage however the bytes are chunked', async () => {
  const bytes = Buffer.from(responsesStreamFrames('gpt-5-codex', 'Hi \u00e9\u00e8 \ud83d\ude80').join(''));
  for (const chunks of splits(bytes)) {
    const r = await tapAll(SSE, chunks);
    assert.deepEqual(r.usage, CODEX);
    assert.equal(r.model, 'gpt-5-codex');
  }
});

test('Chat Completions stream: the final usage chunk, however chunked, with CRLF line ends', async () => {
  const bytes = Buffer.from(chatStreamFrames('deepseek-chat', 'one two three').join('').replace(/\n/g, '\r\n'));
  for (const chunks of splits(bytes)) {
    const r = await tapAll(SSE, chunks);
    assert.deepEqual(r.usage, {
      input: 1827 - 1486,
      cached_create: 0,
      cached_read: 1486,
      output: 511,
      reasoning: 128,
      total: 2338,
      cache_5m: null,
      cache_1h: null,
    });
    assert.equal(r.completed, true);
  }
});

test("message_delta with only output_tokens keeps message_start's input and cache numbers (B11)", () => {
  const s = new StreamUsage();
  const feed = (event: string, data: unknown) => s.onEvent({ event, data: JSON.stringify(data) });
  feed('message_start', {
    type: 'message_start',
    message: { model: 'm', usage: { input_tokens: 10, cache_creation_input_tokens: 20, cache_read_input_tokens: 30, output_tokens: 1 } },
  });
  feed('message_delta', { type: 'message_delta', delta: {}, usage: { output_tokens: 40 } });
  feed('message_delta', { type: 'message_delta', delta: {}, usage: { output_tokens: 55, input_tokens: null } });
  assert.deepEqual(s.usage(), { input: 10, cached_create: 20, cached_read: 30, output: 55, reasoning: 0, total: 115, cache_5m: null, cache_1h: null });
});

test('a stream cut before message_delta keeps what was seen', async () => {
  const frames = anthropicStreamFrames('m', 'abc');
  const r = await tapAll(SSE, [Buffer.from(frames.slice(0, 4).join(''))]);
  assert.equal(r.usage?.input, 3);
  assert.equal(r.usage?.cached_read, 9493);
  assert.equal(r.usage?.output, 1);
  assert.equal(r.completed, false);
});

test('an error event inside a 200 stream is reported', async () => {
  const r = await tapAll(SSE, [
    Buffer.from(
      anthropicStreamFrames('m', 'x').slice(0, 2).join('') + sseFrame('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ),
  ]);
  assert.equal(r.streamError, 'overloaded_error');
});

test('events without an event: line (some relays) are recognised by their type', async () => {
  const bytes = anthropicStreamFrames('m', 'hello')
    .map((f) => f.replace(/^event: .*\n/, ''))
    .join('');
  assert.deepEqual((await tapAll(SSE, [Buffer.from(bytes)])).usage, CLAUDE);
});

test('non-streaming bodies of all three APIs, plain and compressed, at any split', async () => {
  const claude = Buffer.from(JSON.stringify(anthropicMessage('claude-haiku-4-5', 'hi')));
  const codex = Buffer.from(JSON.stringify(responsesObject('gpt-5', 'hi')));
  const chat = Buffer.from(
    JSON.stringify({ id: 'c', object: 'chat.completion', model: 'x', choices: [], usage: { prompt_tokens: 100, completion_tokens: 7, total_tokens: 107 } }),
  );
  for (const chunks of splits(claude)) assert.deepEqual((await tapAll(JSON_TYPE, chunks)).usage, { ...CLAUDE, output: 527 });
  assert.deepEqual((await tapAll(JSON_TYPE, [codex])).usage, CODEX);
  assert.equal((await tapAll(JSON_TYPE, [chat])).usage?.output, 7);
  const gz = gzipSync(claude);
  for (const chunks of splits(gz)) {
    const r = await tapAll({ ...JSON_TYPE, 'content-encoding': 'gzip' }, chunks);
    assert.deepEqual(r.usage, CLAUDE);
    assert.equal(r.body.toString(), claude.toString(), 'the log keeps the decoded body');
  }
  const br = brotliCompressSync(Buffer.from(responsesStreamFrames('gpt-5', 'x').join('')));
  assert.deepEqual((await tapAll({ ...SSE, 'content-encoding': 'br' }, [br])).usage, CODEX);
});

test('a stream over 1 MiB still yields its final usage (no capture cap on parsing)', async () => {
  const text = 'lorem ipsum '.repeat(120_000);
  const bytes = Buffer.from(anthropicStreamFrames('claude-sonnet-4-5', text, undefined, 2000).join(''));
  assert.ok(bytes.length > 1024 * 1024);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 16_381) chunks.push(bytes.subarray(i, i + 16_381));
  const tap = new ResponseTap(SSE, { captureBytes: 64 * 1024 });
  for (const c of chunks) tap.write(c);
  const r = await tap.finish();
  assert.deepEqual(r.usage, CLAUDE);
  assert.equal(r.body.length, 64 * 1024);
  assert.equal(r.truncated, true);
});

test('a JSON body past the whole-parse limit is searched in its tail', async () => {
  const body = Buffer.from(JSON.stringify(anthropicMessage('m', 'y'.repeat(3 * 1024 * 1024))));
  const tap = new ResponseTap(JSON_TYPE, { captureBytes: 1024, maxJsonBytes: 1024 * 1024 });
  for (let i = 0; i < body.length; i += 65_536) tap.write(body.subarray(i, i + 65_536));
  assert.deepEqual((await tap.finish()).usage, CLAUDE);
  assert.equal(findUsageInText('{"a":1}'), null);
});

test('an encoding Node cannot read is reported, and the relay is never disturbed', async () => {
  const r = await tapAll({ ...JSON_TYPE, 'content-encoding': 'zstd' }, [Buffer.from([1, 2, 3])]);
  assert.equal(r.usage, null);
  assert.equal(r.undecodable, 'zstd');
  const bad = await tapAll({ ...JSON_TYPE, 'content-encoding': 'gzip' }, [Buffer.from('not gzip at all')]);
  assert.equal(bad.usage, null);
  assert.match(String(bad.undecodable), /corrupt/);
});

test('SSE decoder: multi-line data, comments, CR-only line ends, a final event with no blank line', () => {
  const events: SseEvent[] = [];
  const d = new SseDecoder();
  d.push(Buffer.from(': keep-alive\r\revent: a\rdata: 1\rdata: 2\r\r'), (e) => events.push(e));
  d.push(Buffer.from('data:x'), (e) => events.push(e));
  d.end((e) => events.push(e));
  assert.deepEqual(events, [
    { event: 'a', data: '1\n2' },
    { event: null, data: 'x' },
  ]);
});

test('SSE decoder: bytes split anywhere (inside a UTF-8 character, between CR and LF) give the same events', () => {
  const text = '\ufeffevent: message_start\r\ndata: {"t":"h\u00e9llo \u{1F600}"}\r\n\r\nevent: ping\ndata: {}\n\ndata: a\rdata: b\r\r';
  const bytes = Buffer.from(text);
  const whole: SseEvent[] = [];
  const d = new SseDecoder();
  d.push(bytes, (e) => whole.push(e));
  d.end((e) => whole.push(e));
  assert.deepEqual(whole, [
    { event: 'message_start', data: '{"t":"h\u00e9llo \u{1F600}"}' },
    { event: 'ping', data: '{}' },
    { event: null, data: 'a\nb' },
  ]);
  for (let cut = 1; cut < bytes.length; cut++) {
    const got: SseEvent[] = [];
    const s = new SseDecoder();
    s.push(bytes.subarray(0, cut), (e) => got.push(e));
    s.push(bytes.subarray(cut), (e) => got.push(e));
    s.end((e) => got.push(e));
    assert.deepEqual(got, whole, `split at byte ${cut}`);
  }
});

test('SSE decoder: events the reader does not want are framed but never delivered, whatever the field order', () => {
  const got: SseEvent[] = [];
  const d = new SseDecoder((name) => name !== 'content_block_delta');
  d.push(
    Buffer.from('event: content_block_delta\ndata: {"skip":1}\n\ndata: {"late":1}\nevent: content_block_delta\n\nevent: message_delta\ndata: {"keep":1}\n\n'),
    (e) => got.push(e),
  );
  d.end((e) => got.push(e));
  assert.deepEqual(got, [{ event: 'message_delta', data: '{"keep":1}' }]);
});

test('cache writes are split by TTL when the response says so', () => {
  assert.deepEqual(
    fromAnthropic({
      input_tokens: 1,
      cache_creation_input_tokens: 10,
      cache_creation: { ephemeral_5m_input_tokens: 4, ephemeral_1h_input_tokens: 6 },
      output_tokens: 2,
    }).cache_1h,
    6,
  );
  assert.equal(fromAnthropic({ input_tokens: 1, output_tokens: 2 }).cache_1h, null);
  assert.equal(fromResponses({ input_tokens: 100, input_tokens_details: { cached_tokens: 100 }, output_tokens: 1, total_tokens: 101 }).input, 0);
});

test('a whole JSON response gives the same usage and model from its top-level spans as from a full parse', () => {
  const bodies = [
    JSON.stringify({
      id: 'msg_1',
      model: 'claude-opus-4-8',
      content: [{ type: 'text', text: 'the "usage": {"input_tokens": 999} in text is not it' }],
      usage: { input_tokens: 3, output_tokens: 9, cache_read_input_tokens: 40 },
    }),
    JSON.stringify({
      object: 'response',
      model: 'gpt-5.5',
      output: [],
      usage: { input_tokens: 10, output_tokens: 4, input_tokens_details: { cached_tokens: 6 }, output_tokens_details: { reasoning_tokens: 2 } },
    }),
    JSON.stringify({ object: 'chat.completion', model: 'glm-4.6', choices: [], usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 } }),
    JSON.stringify({ type: 'response.completed', response: { model: 'gpt-5.5', usage: { input_tokens: 1, output_tokens: 1 } } }),
    '  {"model" : "中转 🚀", "usage" : {"input_tokens":1,"output_tokens":2} }  ',
    '{"model":"x","usage":{"input_tokens":1}',
    'not json',
  ];
  for (const text of bodies) assert.deepEqual(usageFromJsonBytes(Buffer.from(text)), usageFromJson(text), text);
  assert.equal(usageFromJsonBytes(Buffer.from(bodies[0]!)).usage?.input, 3);
});

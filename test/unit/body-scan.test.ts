import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanBody } from '../../src/core/body/body-scan.ts';

const scan = (s: string) => {
  const { json, model, stream } = scanBody(Buffer.from(s));
  return { json, model, stream };
};

test('reads top-level model and stream', () => {
  assert.deepEqual(scan('{"model":"claude-x","stream":true}'), { json: true, model: 'claude-x', stream: true });
  assert.deepEqual(scan(' {\n "stream" : false , "model" : "gpt-5" }\n'), { json: true, model: 'gpt-5', stream: false });
  assert.deepEqual(scan('{}'), { json: true, model: null, stream: null });
});

test('ignores nested stream and model keys (a tool_use input, a tool schema)', () => {
  const body = {
    model: 'claude-sonnet',
    messages: [{ role: 'assistant', content: [{ type: 'tool_use', input: { stream: true, model: 'nested' } }] }],
    tools: [{ input_schema: { properties: { stream: { type: 'boolean' } } } }],
  };
  assert.deepEqual(scan(JSON.stringify(body)), { json: true, model: 'claude-sonnet', stream: null });
});

test('strings holding quotes, backslashes, braces and key-like text do not confuse it', () => {
  const body = { messages: [{ content: 'say "stream":true } { \\" [ ] \\\\' }], model: 'm\u00e9\\"x', stream: true };
  assert.deepEqual(scan(JSON.stringify(body)), { json: true, model: 'm\u00e9\\"x', stream: true });
});

test('the last duplicate key wins, as in JSON.parse', () => {
  assert.equal(scan('{"stream":false,"stream":true}').stream, true);
});

test('anything that is not one JSON object is reported as such', () => {
  for (const s of ['', '[]', 'null', '{"a":1', '{"a" 1}', '{"a":1}x', '{"model":"x",}', 'garbage', '{"a":"unterminated}']) {
    assert.equal(scan(s).json, false, s);
  }
});

test('agrees with JSON.parse on a large generated conversation', () => {
  const messages = Array.from({ length: 2000 }, (_, i) => ({
    role: i % 2 ? 'assistant' : 'user',
    content: [{ type: 'text', text: `turn ${i} \u2603 "quoted" {x: [${i}]}` }],
  }));
  const body = { model: 'claude-opus', messages, system: [{ type: 'text', text: 'sys' }], metadata: { user_id: 'u' }, stream: true };
  const text = JSON.stringify(body);
  assert.ok(text.length > 100_000);
  assert.deepEqual(scan(text), { json: true, model: 'claude-opus', stream: true });
});

test('reads metadata.user_id and prompt_cache_key for the session id', () => {
  const claude = scanBody(Buffer.from(JSON.stringify({ model: 'm', metadata: { user_id: '{"device_id":"d","session_id":"s-1"}' }, messages: [] })));
  assert.equal(claude.userId, '{"device_id":"d","session_id":"s-1"}');
  const codex = scanBody(Buffer.from(JSON.stringify({ model: 'gpt-5-codex', input: [], prompt_cache_key: 'conv-9' })));
  assert.equal(codex.promptCacheKey, 'conv-9');
  assert.equal(codex.userId, null);
});

test('strings of every length around the byte-by-byte reach, with escapes and backslash runs at its edge, read as JSON.parse reads them', () => {
  for (let n = 40; n < 60; n++) {
    for (const tail of ['', '\\', '\\\\', '"', '\\"', '\u00e9', '\u{1F680}']) {
      const value = `${'a'.repeat(n)}${tail}`;
      const text = JSON.stringify({ messages: [{ content: value }], model: value, prompt_cache_key: value, stream: n % 2 === 0 });
      const got = scanBody(Buffer.from(text));
      assert.equal(got.json, true, text);
      assert.equal(got.model, value, text);
      assert.equal(got.promptCacheKey, value, text);
      assert.equal(got.stream, n % 2 === 0);
    }
  }
  // A raw control character is not JSON: the scan says so rather than reading a model.
  assert.equal(scanBody(Buffer.from('{"model":"a\tb"}')).json, false);
  assert.deepEqual([scanBody(Buffer.from('{"stream":tru}')).stream, scanBody(Buffer.from('{"stream":"true"}')).stream], [null, null]);
});

import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let relayA: FakeUpstream;
let relayB: FakeUpstream;
let client: Anthropic;

before(async () => {
  home = await tempHome();
  relayA = await FakeUpstream.start('anthropic', 'relay-a');
  relayB = await FakeUpstream.start('anthropic', 'relay-b');
  await writeConfig(home.home, 'claude', {
    'relay-a': { base_url: relayA.baseUrl, auth_token: 'sk-relay-a-token', api_key: '', weight: 10, active: true },
    'relay-b': { base_url: relayB.baseUrl, auth_token: '', api_key: 'key-relay-b', weight: 5, active: false, note: 'kept' },
  });
  core = await startCore(home.home);
  client = new Anthropic({ baseURL: core.urls.claude, authToken: 'placeholder-from-claude-code', apiKey: null, maxRetries: 0 });
});

after(async () => {
  await core.stop();
  await relayA.close();
  await relayB.close();
  await home.cleanup();
});

const ask = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

test('a streamed message arrives whole through CLP, via the SDK stream helper', async () => {
  const stream = client.messages.stream(ask);
  const deltas: string[] = [];
  stream.on('text', (t) => deltas.push(t));
  const final = await stream.finalMessage();
  assert.equal(deltas.join(''), 'Hello from relay-a');
  assert.equal(final.usage.output_tokens, 527);
  assert.equal(final.usage.cache_read_input_tokens, 9493);
  assert.equal(final.stop_reason, 'end_turn');
  const seen = relayA.requests.at(-1)!;
  assert.equal(seen.url, '/v1/messages');
  assert.equal(JSON.parse(seen.body).stream, true);
});

test('a non-streaming message, and the query string Claude Code adds, pass through', async () => {
  const msg = await client.messages.create(ask, { query: { beta: 'true' } });
  assert.equal(msg.content[0]?.type === 'text' && msg.content[0].text, 'Hello from relay-a');
  assert.equal(relayA.requests.at(-1)!.url, '/v1/messages?beta=true');
});

test("the client credential is replaced by the config's; other headers pass through", async () => {
  await client.messages.create(ask, { headers: { 'anthropic-beta': 'claude-code-20250219', 'x-claude-code-session-id': 'sess-42' } });
  const h = relayA.requests.at(-1)!.headers;
  assert.equal(h.authorization, 'Bearer sk-relay-a-token');
  assert.equal(h['x-api-key'], undefined);
  assert.match(String(h['anthropic-version']), /^\d{4}-\d{2}-\d{2}$/);
  assert.match(String(h['user-agent']), /Anthropic/i);
  assert.equal(h['anthropic-beta'], 'claude-code-20250219');
  assert.equal(h['x-claude-code-session-id'], 'sess-42');
  assert.equal(h.host, `127.0.0.1:${relayA.port}`);
});

test("count_tokens is forwarded like any other path; the model list is CLP's own (each config's models, for Claude Code's /model)", async () => {
  const count = await client.messages.countTokens({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(count.input_tokens, 42);
  const models = await client.models.list();
  assert.equal(models.data[0]?.id, 'claude-opus-5-5@relay-a');
  assert.ok(models.data.every((m) => m.id !== 'claude-fake-1'));
});

test('a live switch in the middle of a conversation: the next turn goes to the new upstream', async () => {
  const first = await client.messages.create(ask);
  assert.equal(first.content[0]?.type === 'text' && first.content[0].text, 'Hello from relay-a');
  const before = relayB.requests.length;
  await core.activate('claude', 'relay-b');
  const second = await client.messages.create({
    ...ask,
    messages: [...ask.messages, { role: 'assistant', content: 'Hello from relay-a' }, { role: 'user', content: 'again' }],
  });
  assert.equal(second.content[0]?.type === 'text' && second.content[0].text, 'Hello from relay-b');
  const h = relayB.requests.at(-1)!.headers;
  assert.equal(relayB.requests.length, before + 1);
  assert.equal(h['x-api-key'], 'key-relay-b');
  assert.equal(h.authorization, undefined);
  await core.activate('claude', 'relay-a');
});

test('an edit by hand applies to the next request within a second, and in-flight streams finish where they started', async () => {
  relayA.behaviour = { kind: 'ok', frameDelayMs: 150 };
  const seen = relayA.requests.length;
  const inflight = client.messages.stream(ask).finalMessage();
  assert.ok(await eventually(() => relayA.requests.length === seen + 1, 1000), 'the stream reached relay-a');
  await writeConfig(home.home, 'claude', {
    'relay-a': { base_url: relayA.baseUrl, auth_token: 'sk-relay-a-token', active: false },
    'relay-b': { base_url: relayB.baseUrl, api_key: 'key-relay-b', active: true },
  });
  const switched = await eventually(() => core.stores.claude.snapshot().active?.name === 'relay-b', 1000);
  assert.ok(switched, 'the hand edit was picked up within one second');
  const next = await client.messages.create(ask);
  assert.equal(next.content[0]?.type === 'text' && next.content[0].text, 'Hello from relay-b');
  const done = await inflight;
  assert.equal(done.content[0]?.type === 'text' && done.content[0].text, 'Hello from relay-a');
  relayA.behaviour = { kind: 'ok' };
  await core.activate('claude', 'relay-a');
});

test('a gzip-compressed upstream body is relayed with its encoding headers intact', async () => {
  relayA.behaviour = { kind: 'ok', gzip: true };
  try {
    const msg = await client.messages.create(ask); // the SDK (undici fetch) decodes gzip itself
    assert.equal(msg.content[0]?.type === 'text' && msg.content[0].text, 'Hello from relay-a');
    const raw = await fetch(`${core.urls.claude}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: JSON.stringify(ask),
    });
    assert.equal(raw.headers.get('content-encoding'), 'gzip');
    // fetch decodes transparently; check the bytes were really gzip by asking node:http for them raw.
    const { request } = await import('node:http');
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      const req = request(
        `${core.urls.claude}/v1/messages`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(ask));
    });
    assert.equal(JSON.parse(gunzipSync(bytes).toString()).content[0].text, 'Hello from relay-a');
  } finally {
    relayA.behaviour = { kind: 'ok' };
  }
});

test('upstream error bodies pass through unchanged, with their status', async () => {
  const body = {
    type: 'error',
    error: { type: 'invalid_request_error', message: 'messages.1.content.0: Invalid `signature` in `thinking` block' },
    request_id: 'req_x',
  };
  relayA.behaviour = { kind: 'status', status: 400, body, headers: { 'request-id': 'req_x' } };
  try {
    const res = await fetch(`${core.urls.claude}/v1/messages`, { method: 'POST', body: JSON.stringify(ask), headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), body);
    assert.equal(res.headers.get('request-id'), 'req_x');
  } finally {
    relayA.behaviour = { kind: 'ok' };
  }
});

test('a 5 MB Claude-Code-shaped body is accepted and forwarded byte for byte', async () => {
  const big = { ...ask, messages: [{ role: 'user' as const, content: 'x'.repeat(5 * 1024 * 1024) }] };
  const msg = await client.messages.create(big);
  assert.equal(msg.content[0]?.type === 'text' && msg.content[0].text, 'Hello from relay-a');
  assert.equal(relayA.requests.at(-1)!.body, JSON.stringify(big));
});

test("a body over the limit gets a 413 in Anthropic's dialect", async () => {
  const small = await startCore(home.home, { maxBodyMb: 1 });
  try {
    const c = new Anthropic({ baseURL: small.urls.claude, authToken: 'x', apiKey: null, maxRetries: 0 });
    await assert.rejects(
      c.messages.create({ ...ask, messages: [{ role: 'user', content: 'y'.repeat(2 * 1024 * 1024) }] }),
      (e: InstanceType<typeof Anthropic.APIError>) => {
        assert.equal(e.status, 413);
        assert.equal((e.error as { error: { type: string } }).error.type, 'request_too_large');
        return true;
      },
    );
  } finally {
    await small.stop();
  }
});

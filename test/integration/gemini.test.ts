import { GoogleGenAI } from '@google/genai';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type { RequestRecord } from '../../src/shared/records.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';

/**
 * The Gemini API through CLP's third port, driven by the Google GenAI SDK (the version Gemini CLI
 * 0.61 bundles) against fake Gemini upstreams that answer as the real API does.
 */
let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let a: FakeUpstream;
let b: FakeUpstream;
let ai: GoogleGenAI;
const live: RequestRecord[] = [];

before(async () => {
  home = await tempHome();
  a = await FakeUpstream.start('gemini', 'gem-a');
  b = await FakeUpstream.start('gemini', 'gem-b');
  await writeConfig(home.home, 'gemini', {
    'gem-a': { base_url: a.baseUrl, api_key: 'AIza-key-of-a-1111', active: true },
    'gem-b': { base_url: b.baseUrl, api_key: 'AIza-key-of-b-2222' },
  });
  core = await startCore(home.home);
  core.events.on('request:end', (f) => live.push(f.record));
  ai = new GoogleGenAI({ apiKey: 'placeholder-from-gemini-cli', httpOptions: { baseUrl: core.urls.gemini } });
});

beforeEach(async () => {
  for (const u of [a, b]) u.behaviour = { kind: 'ok' };
  core.pool.setMode('gemini', 'active');
  core.pool.reset('gemini');
  await core.activate('gemini', 'gem-a');
});

after(async () => {
  await core.stop();
  await a.close();
  await b.close();
  await home.cleanup();
});

const MODEL = 'gemini-3.5-flash';
const lastRecord = async (n: number) => {
  assert.ok(await eventually(() => live.length >= n, 2000), 'the request was recorded');
  return live.at(-1)!;
};

test('generateContent through CLP: the answer, the config key as x-goog-api-key, the client key never sent; usage normalised', async () => {
  const n = live.length;
  const res = await ai.models.generateContent({ model: MODEL, contents: 'hi' });
  assert.equal(res.text, 'Hello from gem-a');
  const seen = a.requests.at(-1)!;
  assert.equal(seen.url, `/v1beta/models/${MODEL}:generateContent`);
  assert.equal(seen.headers['x-goog-api-key'], 'AIza-key-of-a-1111');
  assert.ok(!JSON.stringify(seen.headers).includes('placeholder-from-gemini-cli'));
  const r = await lastRecord(n + 1);
  assert.equal(r.service, 'gemini');
  assert.equal(r.config, 'gem-a');
  assert.equal(r.model_requested, MODEL);
  assert.equal(r.model_answered, MODEL);
  // promptTokenCount 5230 holds 4096 cached; candidates 21 + thoughts 187 are the output.
  assert.deepEqual(r.usage, { input: 1134, cached_create: 0, cached_read: 4096, output: 208, reasoning: 187, total: 5438, cache_5m: null, cache_1h: null });
  // Gemini 3.5 Flash: $1.50 in, $0.15 cached, $9 out per million.
  assert.ok(Math.abs(r.cost_usd! - (1134 * 1.5 + 4096 * 0.15 + 208 * 9) / 1e6) < 1e-12, String(r.cost_usd));
});

test('streamGenerateContent?alt=sse: every chunk relayed, the usage of the last one kept, the stream complete', async () => {
  const n = live.length;
  const chunks: string[] = [];
  for await (const c of await ai.models.generateContentStream({ model: MODEL, contents: 'hi' })) chunks.push(c.text ?? '');
  assert.equal(chunks.join(''), 'Hello from gem-a');
  assert.equal(chunks.length, 3);
  assert.equal(a.requests.at(-1)!.url, `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
  const r = await lastRecord(n + 1);
  assert.equal(r.stream, true);
  assert.equal(r.error, null);
  assert.equal(r.usage?.total, 5438);
  assert.equal(r.usage?.output, 208);
});

test('a key in the query never leaves CLP, and the path logged carries none', async () => {
  const n = live.length;
  const res = await fetch(`${core.urls.gemini}/v1beta/models/${MODEL}:generateContent?key=AIza-client-own-key&alt=json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
  });
  assert.equal(res.status, 200);
  assert.equal(a.requests.at(-1)!.url, `/v1beta/models/${MODEL}:generateContent?alt=json`);
  const r = await lastRecord(n + 1);
  assert.ok(!JSON.stringify(r).includes('AIza-client-own-key'));
});

test('a live switch moves the next request to the other config, the conversation whole', async () => {
  await ai.models.generateContent({ model: MODEL, contents: 'first' });
  await core.activate('gemini', 'gem-b');
  const res = await ai.models.generateContent({
    model: MODEL,
    contents: [
      { role: 'user', parts: [{ text: 'first' }] },
      { role: 'model', parts: [{ text: 'Hello from gem-a' }] },
      { role: 'user', parts: [{ text: 'second' }] },
    ],
  });
  assert.equal(res.text, 'Hello from gem-b');
  const seen = b.requests.at(-1)!;
  assert.equal(seen.headers['x-goog-api-key'], 'AIza-key-of-b-2222');
  assert.equal(JSON.parse(seen.body).contents.length, 3);
});

test("a conversation moved mid tool call: the other upstream refuses the first one's thought signature, CLP retries once with the skip value", async () => {
  const call = await ai.models.generateContent({ model: MODEL, contents: 'use a tool please' });
  const part = call.candidates![0]!.content!.parts![0]!;
  assert.equal(part.functionCall?.name, 'list_directory');
  assert.equal(part.thoughtSignature, 'sig-gem-a');
  await core.activate('gemini', 'gem-b');
  const n = live.length;
  const before = b.requests.length;
  const res = await ai.models.generateContent({
    model: MODEL,
    contents: [
      { role: 'user', parts: [{ text: 'use a tool please' }] },
      { role: 'model', parts: [part] },
      { role: 'user', parts: [{ functionResponse: { name: 'list_directory', response: { output: 'a.txt' } } }] },
    ],
  });
  assert.equal(res.text, 'Hello from gem-b: the tool answered');
  assert.equal(b.requests.length, before + 2, 'refused once, then accepted');
  assert.match(b.requests.at(-1)!.body, /"thoughtSignature":"skip_thought_signature_validator"/);
  const r = await lastRecord(n + 1);
  assert.ok(r.trace?.some((t) => t.kind === 'strip' && /rejected the signed history/.test(t.reason)));
});

for (const status of [429, 503]) {
  test(`pool failover on ${status} before the first byte: the other config answers, the client never sees it`, async () => {
    core.pool.setMode('gemini', 'pool');
    a.behaviour = {
      kind: 'status',
      status,
      body: { error: { code: status, message: 'busy', status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE' } },
      headers: { 'retry-after': '30' },
    };
    const n = live.length;
    const chunks: string[] = [];
    for await (const c of await ai.models.generateContentStream({ model: MODEL, contents: 'hi' })) chunks.push(c.text ?? '');
    assert.equal(chunks.join(''), 'Hello from gem-b');
    const r = await lastRecord(n + 1);
    assert.equal(r.config, 'gem-b');
    assert.ok(r.trace?.some((t) => t.kind === 'attempt' && t.config === 'gem-a' && t.outcome.includes(String(status))));
  });
}

test('a routing rule rewrites the model in the path, and the record says what was asked and what was sent', async () => {
  await writeFile(join(home.home, 'routes.json'), JSON.stringify({ gemini: [{ match: { model: 'gemini-3.8-*' }, model: 'gemini-3.1-pro-preview' }] }));
  try {
    const n = live.length;
    // The file is watched: the rule applies within a second of the write.
    const rewritten = await eventually(
      async () => {
        const res = await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: 'hi' });
        assert.equal(res.text, 'Hello from gem-a');
        return a.requests.at(-1)!.url === '/v1beta/models/gemini-3.1-pro-preview:generateContent';
      },
      3000,
      100,
    );
    assert.ok(rewritten, 'the model in the path was rewritten');
    const r = await lastRecord(n + 1);
    assert.equal(r.path, '/v1beta/models/gemini-3.8-flash:generateContent');
    assert.equal(r.model_requested, 'gemini-3.8-flash');
    assert.equal(r.model_sent, 'gemini-3.1-pro-preview');
  } finally {
    await writeFile(join(home.home, 'routes.json'), '{}');
  }
});

test("CLP's own errors reach the SDK in the Gemini dialect: no config is a 400 naming the file", async () => {
  const empty = await tempHome();
  await mkdir(empty.home, { recursive: true });
  const other = await startCore(empty.home);
  try {
    const sdk = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: other.urls.gemini } });
    await assert.rejects(sdk.models.generateContent({ model: MODEL, contents: 'hi' }), (err: Error & { status?: number }) => {
      assert.equal(err.status, 400);
      assert.match(err.message, /INVALID_ARGUMENT/);
      assert.match(err.message, /CLP: no upstream is configured for gemini: .*gemini\.json/);
      return true;
    });
  } finally {
    await other.stop();
    await empty.cleanup();
  }
});

test('countTokens on a relay without it: an estimate, never 0, marked as CLP’s', async () => {
  a.behaviour = { kind: 'status', status: 404, body: { error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } } };
  const res = await fetch(`${core.urls.gemini}/v1beta/models/${MODEL}:countTokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x'.repeat(350) }] }] }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-clp-estimated'), 'true');
  assert.deepEqual(await res.json(), { totalTokens: 100 });
});

test('the connectivity test of a Gemini config: its key as x-goog-api-key, the reply read; a refused key explained, the models the upstream lists offered', async () => {
  const { testConnectivity } = await import('../../src/core/providers/connectivity.ts');
  const config = core.stores.gemini.snapshot().get('gem-a')!;
  const ok = await testConnectivity('gemini', config, 'gemini-3.5-flash');
  assert.equal(ok.ok, true);
  assert.equal(ok.message, 'Hello from gem-a');
  assert.equal(a.requests.at(-1)!.headers['x-goog-api-key'], 'AIza-key-of-a-1111');
  a.behaviour = { kind: 'status', status: 403, body: { error: { code: 403, message: 'API key not valid AIza-key-of-a-1111', status: 'PERMISSION_DENIED' } } };
  const refused = await testConnectivity('gemini', config, 'gemini-3.5-flash');
  assert.equal(refused.ok, false);
  assert.ok(!refused.message.includes('AIza-key-of-a-1111'), refused.message);
  assert.match(refused.hint!, /api_key \(sent as x-goog-api-key\)/);
  a.behaviour = { kind: 'ok' };
});

test('an upstream that drops the stream after its first chunk: the GenAI SDK gets an ApiError 503 from CLP (retryable), not a short answer', async () => {
  a.behaviour = { kind: 'drop', afterFrames: 1 };
  const n = live.length;
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const c of await ai.models.generateContentStream({ model: MODEL, contents: 'hi' })) seen.push(c.text ?? '');
    })(),
    (err: Error & { status?: number }) => {
      assert.equal(err.status, 503);
      assert.match(err.message, /UNAVAILABLE.*CLP: upstream .*gem-a.* the upstream closed the connection/);
      return true;
    },
  );
  assert.deepEqual(seen, ['Hello']);
  const r = await lastRecord(n + 1);
  assert.ok(r.error, 'the record says the stream broke');
});

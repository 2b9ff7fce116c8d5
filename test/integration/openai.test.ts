import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let relayA: FakeUpstream;
let relayB: FakeUpstream;
let client: OpenAI;

before(async () => {
  home = await tempHome();
  relayA = await FakeUpstream.start('responses', 'codex-a');
  relayB = await FakeUpstream.start('responses', 'codex-b');
  await writeConfig(home.home, 'codex', {
    'codex-a': { base_url: relayA.baseUrl, auth_token: 'sk-codex-a', active: true },
    'codex-b': { base_url: relayB.baseUrl, auth_token: 'sk-codex-b' },
  });
  core = await startCore(home.home);
  client = new OpenAI({ baseURL: core.urls.codex, apiKey: 'chatgpt-access-token-that-must-not-leak', maxRetries: 0 });
});

after(async () => {
  await core.stop();
  await relayA.close();
  await relayB.close();
  await home.cleanup();
});

test('a streamed Responses turn arrives event by event, ending in response.completed with usage', async () => {
  const stream = await client.responses.create({ model: 'gpt-5-codex', input: 'hi', stream: true });
  const types: string[] = [];
  let text = '';
  let usage: OpenAI.Responses.ResponseUsage | undefined;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') usage = event.response.usage;
  }
  assert.equal(text, 'Hello from codex-a');
  assert.equal(types[0], 'response.created');
  assert.equal(types.at(-1), 'response.completed');
  assert.deepEqual(usage, {
    input_tokens: 3772,
    input_tokens_details: { cached_tokens: 3456 },
    output_tokens: 157,
    output_tokens_details: { reasoning_tokens: 64 },
    total_tokens: 3929,
  });
  assert.equal(relayA.requests.at(-1)!.url, '/v1/responses');
});

test("a non-streaming Responses call works and the client token is swapped for the config's", async () => {
  const res = await client.responses.create({ model: 'gpt-5-codex', input: 'hi' });
  assert.equal(res.output_text, 'Hello from codex-a');
  const h = relayA.requests.at(-1)!.headers;
  assert.equal(h.authorization, 'Bearer sk-codex-a');
  assert.ok(!JSON.stringify(relayA.requests).includes('chatgpt-access-token-that-must-not-leak'));
});

test('both /responses (base without /v1) and /v1/responses reach <base_url>/responses', async () => {
  const noV1 = new OpenAI({ baseURL: core.urls.codex.replace(/\/v1$/, ''), apiKey: 'x', maxRetries: 0 });
  const res = await noV1.responses.create({ model: 'gpt-5-codex', input: 'hi' });
  assert.equal(res.output_text, 'Hello from codex-a');
  assert.equal(relayA.requests.at(-1)!.url, '/v1/responses');
});

test('switching Codex live: the next turn goes to the new upstream', async () => {
  await core.activate('codex', 'codex-b');
  const res = await client.responses.create({ model: 'gpt-5-codex', input: 'again' });
  assert.equal(res.output_text, 'Hello from codex-b');
  assert.equal(relayB.requests.at(-1)!.headers.authorization, 'Bearer sk-codex-b');
  await core.activate('codex', 'codex-a');
});

test('a WebSocket upgrade on the Responses path is refused at once with 426, so Codex falls back to HTTP', async () => {
  const port = core.ports().codex;
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/v1/responses',
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('response', (res) => resolve(res.statusCode ?? 0));
    req.on('upgrade', () => reject(new Error('upgraded')));
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 426);
});

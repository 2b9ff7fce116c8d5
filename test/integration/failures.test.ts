import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RequestRecord } from '../../src/shared/records.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { freePort, tempHome, writeConfig } from '../helpers/home.ts';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let claudeUp: FakeUpstream;
let codexUp: FakeUpstream;
let anthropic: Anthropic;
let openai: OpenAI;
const finished: RequestRecord[] = [];

// Short timeouts so hangs and stalls end within a test's patience; the defaults are minutes.
const TIMEOUTS = { connectMs: 2000, headersMs: 600, streamIdleMs: 600 };

before(async () => {
  home = await tempHome();
  claudeUp = await FakeUpstream.start('anthropic', 'claude-up');
  codexUp = await FakeUpstream.start('responses', 'codex-up');
  await writeConfig(home.home, 'claude', {
    up: { base_url: claudeUp.baseUrl, auth_token: 't', active: true },
    dead: { base_url: `http://127.0.0.1:${await freePort()}`, auth_token: 't' },
  });
  await writeConfig(home.home, 'codex', { up: { base_url: codexUp.baseUrl, auth_token: 't' } });
  core = await startCore(home.home, { timeouts: TIMEOUTS });
  core.events.on('request:end', (r) => finished.push(r.record));
  anthropic = new Anthropic({ baseURL: core.urls.claude, authToken: 'x', apiKey: null, maxRetries: 0 });
  openai = new OpenAI({ baseURL: core.urls.codex, apiKey: 'x', maxRetries: 0 });
});

after(async () => {
  await core.stop();
  await claudeUp.close();
  await codexUp.close();
  await home.cleanup();
});

const ask = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

test('a client that goes away aborts its upstream request at once', async () => {
  // Frames keep coming (every 250 ms, ~2 s in all), so neither the idle timeout (600 ms here) nor the
  // stream's end can stand in for the abort: only the client going away stops it. (A stalled stream
  // left 500 ms between "at once" and the idle timeout, which a loaded two-core run could stall past.)
  claudeUp.behaviour = { kind: 'ok', frameDelayMs: 250 };
  claudeUp.abortedRequests = 0;
  try {
    const controller = new AbortController();
    const stream = anthropic.messages.stream(ask, { signal: controller.signal });
    stream.on('error', () => undefined); // the SDK reports the abort we cause here
    stream.on('abort', () => undefined);
    await new Promise<void>((resolve) => stream.on('streamEvent', () => resolve()));
    const t0 = Date.now();
    controller.abort();
    const never = new Promise<'never'>((resolve) => setTimeout(() => resolve('never'), 3000).unref());
    assert.notEqual(await Promise.race([claudeUp.waitForAbort(), never]), 'never', 'upstream never saw the abort');
    assert.ok(Date.now() - t0 < 1000, `upstream saw the abort after ${Date.now() - t0} ms (its stream had ~1.5 s to go)`);
    await stream.done().catch(() => undefined);
  } finally {
    claudeUp.behaviour = { kind: 'ok' };
  }
  const rec = await waitRecord((r) => r.error === 'client_aborted');
  assert.equal(rec.status, 200);
});

test("an upstream that never answers ends in a timely 504 in Anthropic's dialect", async () => {
  claudeUp.behaviour = { kind: 'hang' };
  try {
    const t0 = Date.now();
    await assert.rejects(anthropic.messages.create(ask), (e: InstanceType<typeof Anthropic.APIError>) => {
      assert.equal(e.status, 504);
      assert.equal((e.error as { error: { type: string } }).error.type, 'timeout_error');
      assert.match(e.message, /no response within 600 ms/);
      return true;
    });
    assert.ok(Date.now() - t0 < 3000);
  } finally {
    claudeUp.behaviour = { kind: 'ok' };
  }
});

test('a stream that stalls after its first events ends with an in-stream `event: error`', async () => {
  claudeUp.behaviour = { kind: 'stall', afterFrames: 3 };
  try {
    const stream = anthropic.messages.stream(ask);
    const t0 = Date.now();
    await assert.rejects(stream.finalMessage(), /upstream_stalled/);
    assert.ok(Date.now() - t0 < 3000);
  } finally {
    claudeUp.behaviour = { kind: 'ok' };
  }
  const rec = await waitRecord((r) => r.error === 'upstream_stalled');
  assert.equal(rec.status, 200);
  assert.ok(rec.ttfb_ms !== null);
});

test('a Codex stream that stalls ends with response.failed, which Codex retries', async () => {
  codexUp.behaviour = { kind: 'stall', afterFrames: 4 };
  try {
    const stream = await openai.responses.create({ model: 'gpt-5-codex', input: 'hi', stream: true });
    const types: string[] = [];
    let failure: unknown;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.failed') failure = event.response.error;
    }
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.failed');
    assert.equal((failure as { code: string }).code, 'server_error');
    assert.match((failure as { message: string }).message, /upstream_stalled/);
  } finally {
    codexUp.behaviour = { kind: 'ok' };
  }
});

test('an upstream that drops the connection mid-stream gives an in-stream error, never a clean end', async () => {
  claudeUp.behaviour = { kind: 'drop', afterFrames: 4 };
  try {
    await assert.rejects(anthropic.messages.stream(ask).finalMessage(), /upstream_failed|closed the connection/);
  } finally {
    claudeUp.behaviour = { kind: 'ok' };
  }
  codexUp.behaviour = { kind: 'drop', afterFrames: 4 };
  try {
    const stream = await openai.responses.create({ model: 'gpt-5-codex', input: 'hi', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    assert.equal(types.at(-1), 'response.failed');
  } finally {
    codexUp.behaviour = { kind: 'ok' };
  }
});

test("an unreachable upstream gets a 502 in the client's dialect, naming the config but not its path", async () => {
  await core.activate('claude', 'dead');
  try {
    await assert.rejects(anthropic.messages.create(ask), (e: InstanceType<typeof Anthropic.APIError>) => {
      assert.equal(e.status, 502);
      assert.equal((e.error as { error: { type: string } }).error.type, 'api_error');
      const message = (e.error as { error: { message: string } }).error.message;
      assert.match(message, /^CLP: upstream "dead" \(http:\/\/127\.0\.0\.1:\d+\): connection refused \[upstream_unreachable\]$/);
      return true;
    });
  } finally {
    await core.activate('claude', 'up');
  }
});

test("an upstream that never answers a Codex call ends in a 504 in OpenAI's dialect", async () => {
  codexUp.behaviour = { kind: 'hang' };
  try {
    await assert.rejects(openai.responses.create({ model: 'gpt-5-codex', input: 'hi' }), (e: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(e.status, 504);
      assert.equal(e.code, 'upstream_timeout');
      assert.equal(e.type, 'server_error');
      return true;
    });
  } finally {
    codexUp.behaviour = { kind: 'ok' };
  }
});

async function waitRecord(match: (r: RequestRecord) => boolean): Promise<RequestRecord> {
  for (let i = 0; i < 100; i++) {
    const hit = finished.find(match);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no matching request record');
}

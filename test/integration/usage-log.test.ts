import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RequestRecord } from '../../src/shared/records.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';
import { dashboardToken, rpc } from '../helpers/rpc.ts';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let claudeUp: FakeUpstream;
let codexUp: FakeUpstream;
let anthropic: Anthropic;
let openai: OpenAI;
const live: RequestRecord[] = [];

before(async () => {
  home = await tempHome();
  claudeUp = await FakeUpstream.start('anthropic', 'claude-up');
  codexUp = await FakeUpstream.start('responses', 'codex-up');
  await writeConfig(home.home, 'claude', { prod: { base_url: claudeUp.baseUrl, auth_token: 'sk-ant-secret-in-config' } });
  await writeConfig(home.home, 'codex', { relay: { base_url: codexUp.baseUrl, auth_token: 'sk-codex-secret-in-config' } });
  core = await startCore(home.home);
  core.events.on('request:end', (f) => live.push(f.record));
  anthropic = new Anthropic({ baseURL: core.urls.claude, authToken: 'client-placeholder', apiKey: null, maxRetries: 0 });
  openai = new OpenAI({ baseURL: core.urls.codex, apiKey: 'client-placeholder', maxRetries: 0 });
});

after(async () => {
  await core.stop();
  await claudeUp.close();
  await codexUp.close();
  await home.cleanup();
});

async function stored(id: string) {
  await core.requests()!.flush();
  const detail = await core.requests()!.log(id);
  assert.ok(detail, `request ${id} is in the log`);
  return detail;
}

function lastId(): string {
  return live.at(-1)!.id;
}

async function settle(count: number) {
  for (let i = 0; i < 100 && live.length < count; i++) await new Promise((r) => setTimeout(r, 10));
}

test('Claude stream: the usage the SDK reports is exactly what CLP stored, with cost and session', async () => {
  const n = live.length;
  const final = await anthropic.messages
    .stream({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
      metadata: { user_id: '{"device_id":"d","session_id":"conv-123"}' },
    })
    .finalMessage();
  await settle(n + 1);
  const row = await stored(lastId());
  assert.deepEqual(row.usage, {
    input: final.usage.input_tokens,
    cached_create: final.usage.cache_creation_input_tokens,
    cached_read: final.usage.cache_read_input_tokens,
    output: final.usage.output_tokens,
    reasoning: 0,
    total: final.usage.input_tokens + final.usage.cache_creation_input_tokens! + final.usage.cache_read_input_tokens! + final.usage.output_tokens,
    cache_5m: final.usage.cache_creation?.ephemeral_5m_input_tokens ?? null,
    cache_1h: final.usage.cache_creation?.ephemeral_1h_input_tokens ?? null,
  });
  assert.equal(row.session_id, 'conv-123');
  assert.equal(row.model_requested, 'claude-sonnet-4-5-20250929');
  assert.equal(row.model_answered, 'claude-sonnet-4-5-20250929');
  assert.equal(row.config, 'prod');
  assert.equal(row.stream, true);
  assert.equal(row.status, 200);
  assert.ok(row.ttfb_ms! > 0 && row.ttfb_ms! <= row.duration_ms);
  assert.ok(row.bytes_in > 0 && row.bytes_out > 0);
  // sonnet-4-5 list price: $3 in, $15 out; 1-hour writes 2x, reads 0.1x.
  const expected = (3 * 3 + 2849 * 6 + 9493 * 0.3 + 527 * 15) / 1e6;
  assert.ok(Math.abs(row.cost_usd! - expected) < 1e-9, `${row.cost_usd} vs ${expected}`);
  assert.equal(row.request_headers.authorization, '[removed]');
  assert.match(row.response_body!, /event: message_stop/);
  assert.equal(live.at(-1)!.cost_usd, row.cost_usd, 'the live feed carries the priced record');
});

test("Codex stream and non-stream: the SDK's usage equals the stored usage (input excludes cached)", async () => {
  for (const stream of [true, false]) {
    const n = live.length;
    let usage: OpenAI.Responses.ResponseUsage | undefined;
    if (stream) {
      for await (const e of await openai.responses.create({ model: 'gpt-5-codex', input: 'hi', stream: true, prompt_cache_key: 'codex-conv' })) {
        if (e.type === 'response.completed') usage = e.response.usage;
      }
    } else {
      usage = (await openai.responses.create({ model: 'gpt-5-codex', input: 'hi', prompt_cache_key: 'codex-conv' })).usage;
    }
    await settle(n + 1);
    const row = await stored(lastId());
    assert.ok(usage);
    assert.equal(row.usage!.input + row.usage!.cached_read, usage.input_tokens);
    assert.equal(row.usage!.cached_read, usage.input_tokens_details.cached_tokens);
    assert.equal(row.usage!.output, usage.output_tokens);
    assert.equal(row.usage!.reasoning, usage.output_tokens_details.reasoning_tokens);
    assert.equal(row.usage!.total, usage.total_tokens);
    assert.equal(row.session_id, 'codex-conv');
    assert.equal(row.stream, stream);
    assert.ok(Math.abs(row.cost_usd! - (316 * 1.25 + 3456 * 0.125 + 157 * 10) / 1e6) < 1e-9);
  }
});

test('a gzip-compressed non-streaming answer is metered too', async () => {
  claudeUp.behaviour = { kind: 'ok', gzip: true };
  try {
    const n = live.length;
    const msg = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    await settle(n + 1);
    const row = await stored(lastId());
    assert.equal(row.usage?.output, msg.usage.output_tokens);
    assert.equal(row.response_headers['content-encoding'], 'gzip');
    assert.match(row.response_body!, /Hello from claude-up/, 'the log keeps the decoded body');
  } finally {
    claudeUp.behaviour = { kind: 'ok' };
  }
});

test('an unpriced model shows tokens and an unknown cost, and totals say so', async () => {
  const n = live.length;
  await anthropic.messages.create({ model: 'vendor-model-without-price', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  await settle(n + 1);
  const row = await stored(lastId());
  assert.equal(row.cost_usd, null);
  assert.equal(row.usage?.output, 527);
  const report = await core.requests()!.usage({ by: 'model', service: 'claude' });
  assert.equal(report.services.claude.models!['vendor-model-without-price']!.unpriced, 1);
  assert.equal(report.services.claude.models!['vendor-model-without-price']!.cost_usd, 0);
});

test('failed requests are recorded with their error class and what was seen', async () => {
  claudeUp.behaviour = { kind: 'status', status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } };
  try {
    const n = live.length;
    await assert.rejects(anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }));
    await settle(n + 1);
    const row = await stored(lastId());
    assert.equal(row.error, 'http_529');
    assert.equal(row.usage, null);
    assert.match(row.response_body!, /overloaded_error/);
  } finally {
    claudeUp.behaviour = { kind: 'ok' };
  }
});

test('the dashboard protocol serves usage and logs, and no stored key ever appears', async () => {
  const ui = core.urls.ui;
  const token = await dashboardToken(home.home);
  const call = (method: string, params: unknown) => rpc(ui, method, params, { 'x-clp-token': token });
  const usage = (await call('usage/get', { by: 'config' })).json as {
    services: Record<string, { total: { requests: number }; configs: Record<string, unknown> }>;
  };
  assert.ok(usage.services.claude!.total.requests >= 4);
  assert.ok(usage.services.claude!.configs.prod);
  assert.ok(usage.services.codex!.configs.relay);
  const logs = (await call('logs/list', { limit: 3 })).json as RequestRecord[];
  assert.equal(logs.length, 3);
  const one = (await call('logs/get', { id: logs[0]!.id })).text;
  // The Usage page's session table asks for the largest groups only; the totals stay whole.
  const sessions = (await call('usage/get', { by: 'session' })).json as {
    services: Record<string, { total: { requests: number }; sessions: Record<string, { total: number }> }>;
  };
  const top = (await call('usage/get', { by: 'session', top: 1 })).json as typeof sessions;
  const all = Object.entries(sessions.services.claude!.sessions).sort((x, y) => y[1].total - x[1].total);
  assert.ok(all.length >= 2, 'the claude requests so far belong to more than one session');
  assert.deepEqual(Object.keys(top.services.claude!.sessions), [all[0]![0]]);
  assert.equal(top.services.claude!.total.requests, sessions.services.claude!.total.requests);
  assert.equal((await call('usage/get', { by: 'session', top: 0 })).status, 400);
  const bad = await call('usage/get', { by: 'week' });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json, { code: 'bad_request', message: 'by: expected one of "config", "model", "day", "session", "project"' });
  assert.equal((await call('logs/get', { id: 'zzzzzzzz' })).status, 404);
  await core.requests()!.snapshot();
  const { readFile } = await import('node:fs/promises');
  const db = await readFile(`${home.home}/data/totals.json`);
  for (const text of [JSON.stringify(usage), JSON.stringify(logs), one, db.toString('latin1')]) {
    assert.ok(!text.includes('sk-ant-secret-in-config') && !text.includes('sk-codex-secret-in-config'));
  }
});

test('past log.bodiesPerSecond a request is relayed whole and logged as its record alone, marked; its response is never captured', async () => {
  const h = await tempHome();
  const up = await FakeUpstream.start('anthropic', 'rate-up');
  await writeConfig(h.home, 'claude', { prod: { base_url: up.baseUrl, auth_token: 'sk-ant-rate-config' } });
  // One a second with a burst of five: a quick run of eight keeps the bodies of the first five.
  const c = await startCore(h.home, { log: { bodiesPerSecond: 1 } });
  const seen: Array<{ record: RequestRecord; bodies: boolean }> = [];
  c.events.on('request:end', (f) => seen.push({ record: f.record, bodies: f.bodies }));
  try {
    const client = new Anthropic({ baseURL: c.urls.claude, authToken: 'client-placeholder', apiKey: null, maxRetries: 0 });
    const texts: string[] = [];
    for (let i = 0; i < 8; i++) {
      const m = await client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: `q${i}` }] }).finalMessage();
      texts.push(m.content.map((b) => (b.type === 'text' ? b.text : '')).join(''));
    }
    for (let i = 0; i < 100 && seen.length < 8; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(
      texts.every((t) => t.length > 0),
      'every answer reached the client whole',
    );
    assert.deepEqual(
      seen.map((s) => s.bodies),
      [true, true, true, true, true, false, false, false],
    );
    await c.requests()!.flush();
    for (const [i, s] of seen.entries()) {
      const d = (await c.requests()!.log(s.record.id))!;
      assert.ok(d.usage && d.usage.output > 0, `request ${i} keeps its usage`);
      if (i < 5) {
        assert.match(d.request_body ?? '', new RegExp(`q${i}`));
        assert.ok((d.response_body ?? '').includes('message_stop'), `request ${i} keeps its answer`);
        assert.notEqual(d.bodies_shed, true);
      } else {
        assert.equal(d.request_body, null);
        assert.equal(d.response_body, null);
        assert.equal(d.bodies_shed, true, `request ${i} says its bodies were not kept`);
      }
    }
  } finally {
    await c.stop();
    await up.close();
    await h.cleanup();
  }
});

import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type { RequestRecord } from '../../src/shared/records.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { eventually, freePort, tempHome, writeConfig } from '../helpers/home.ts';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let a: FakeUpstream;
let b: FakeUpstream;
let c: FakeUpstream;
let client: Anthropic;
const live: RequestRecord[] = [];
const ask = { model: 'claude-sonnet-5-5', max_tokens: 16, messages: [{ role: 'user' as const, content: 'hi' }] };
const text = (m: Anthropic.Message) => (m.content.find((x) => x.type === 'text') as Anthropic.TextBlock | undefined)?.text;

before(async () => {
  home = await tempHome();
  [a, b, c] = (await Promise.all(['a', 'b', 'c'].map((n) => FakeUpstream.start('anthropic', n)))) as [FakeUpstream, FakeUpstream, FakeUpstream];
  await writeConfig(home.home, 'claude', {
    a: { base_url: a.baseUrl, auth_token: 'ta', weight: 10 },
    b: { base_url: b.baseUrl, auth_token: 'tb', weight: 5 },
    c: { base_url: c.baseUrl, auth_token: 'tc', weight: 1, active: true },
  });
  await mkdir(join(home.home, 'data'), { recursive: true });
  // The original tool's file, as it wrote it: weight-based mode for both services.
  await writeFile(
    join(home.home, 'data', 'lb_config.json'),
    JSON.stringify({
      mode: 'weight-based',
      services: {
        claude: { failureThreshold: 3, autoResetMinutes: 10, currentFailures: {}, excludedConfigs: [], excludedTimestamps: {}, manualDisabledUntil: {} },
      },
      note: 'mine',
    }),
  );
  core = await startCore(home.home, { timeouts: { connectMs: 2000, headersMs: 700, streamIdleMs: 700 } });
  core.events.on('request:end', (f) => live.push(f.record));
  client = new Anthropic({ baseURL: core.urls.claude, authToken: 'x', apiKey: null, maxRetries: 0 });
});

beforeEach(() => {
  for (const u of [a, b, c]) {
    u.behaviour = { kind: 'ok' };
    u.signs = false;
  }
  core.pool.reset('claude');
});

after(async () => {
  await core.stop();
  await Promise.all([a, b, c].map((u) => u.close()));
  await home.cleanup();
});

/** Call before a request: the returned function waits for that request's record (the client can
 * see the whole response a moment before the proxy has written its record). */
function nextRecord(): () => Promise<RequestRecord> {
  const n = live.length;
  return async () => {
    assert.ok(await eventually(() => live.length > n), 'the request was recorded');
    return live.at(-1)!;
  };
}

test('pool, priority order: the highest weight serves', async () => {
  assert.equal(text(await client.messages.create(ask)), 'Hello from a');
});

const failures: Array<[string, FakeUpstream['behaviour']]> = [
  ['a 500', { kind: 'status', status: 500, body: { type: 'error', error: { type: 'api_error', message: 'boom' } } }],
  ['a 529 overloaded', { kind: 'status', status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }],
  [
    'a 429 with retry-after',
    { kind: 'status', status: 429, body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }, headers: { 'retry-after': '30' } },
  ],
  ['a 401', { kind: 'status', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'bad key' } } }],
  ['a hang past the header timeout', { kind: 'hang' }],
];
for (const [name, behaviour] of failures) {
  test(`in-request failover on ${name}: the client gets b's answer`, async () => {
    a.behaviour = behaviour;
    const before = b.requests.length;
    const record = nextRecord();
    assert.equal(text(await client.messages.create(ask)), 'Hello from b');
    assert.equal(b.requests.length, before + 1);
    const rec = await record();
    assert.equal(rec.config, 'b');
    assert.equal(rec.status, 200);
    const trace = rec.trace!;
    const attempts = trace.flatMap((t) => (t.kind === 'attempt' ? [t.config] : []));
    assert.deepEqual(attempts, ['a', 'b']);
    // A failover record starts with the plan it followed.
    assert.deepEqual(trace[0], { kind: 'plan', mode: 'pool', candidates: ['a', 'b', 'c'], skipped: [] });
  });
}

test('a request the first candidate served carries no trace', async () => {
  a.behaviour = { kind: 'ok' };
  const record = nextRecord();
  await client.messages.create(ask);
  const rec = await record();
  assert.equal(rec.config, 'a');
  assert.equal(rec.trace, null);
});

test('429 cools the config until its retry-after: the next request skips it, and says why', async () => {
  a.behaviour = failures[2]![1];
  await client.messages.create(ask);
  a.behaviour = { kind: 'ok' };
  const before = a.requests.length;
  const record = nextRecord();
  assert.equal(text(await client.messages.create(ask)), 'Hello from b');
  assert.equal(a.requests.length, before, 'a was not even tried');
  const plan = (await record()).trace![0]!;
  assert.equal(plan.kind, 'plan');
  if (plan.kind !== 'plan') return;
  assert.match(plan.skipped[0]!.why, /^cooling down (29|30) s \(HTTP 429, retry after 30 s\)$/);
  const status = core.pool.status('claude', core.stores.claude.snapshot());
  assert.equal(status.members.find((m) => m.name === 'a')!.available, false);
});

test('401 marks the credential bad, visibly', async () => {
  a.behaviour = failures[3]![1];
  await client.messages.create(ask);
  const member = core.pool.status('claude', core.stores.claude.snapshot()).members.find((m) => m.name === 'a')!;
  assert.equal(member.available, false);
  assert.match(member.why!, /credential rejected/);
});

test("400, 404 and 413 are the client's: passed through, no failover, no penalty", async () => {
  for (const status of [400, 404, 413]) {
    a.behaviour = { kind: 'status', status, body: { type: 'error', error: { type: 'invalid_request_error', message: `bad ${status}` } } };
    const before = b.requests.length;
    await assert.rejects(client.messages.create(ask), (e: InstanceType<typeof Anthropic.APIError>) => e.status === status && /bad/.test(e.message));
    assert.equal(b.requests.length, before);
  }
  const member = core.pool.status('claude', core.stores.claude.snapshot()).members.find((m) => m.name === 'a')!;
  assert.deepEqual([member.available, member.failures], [true, 0]);
});

test('three consecutive 5xx exclude a config; the pool says why', async () => {
  a.behaviour = failures[0]![1];
  for (let i = 0; i < 3; i++) await client.messages.create(ask);
  const before = a.requests.length;
  await client.messages.create(ask);
  assert.equal(a.requests.length, before, 'excluded after three failures');
  const member = core.pool.status('claude', core.stores.claude.snapshot()).members.find((m) => m.name === 'a')!;
  assert.match(member.why!, /^3 consecutive failures \(HTTP 500\), back in \d+ s$/);
});

test('a streaming request fails over before its first byte', async () => {
  a.behaviour = failures[0]![1];
  const deltas: string[] = [];
  const stream = client.messages.stream(ask);
  stream.on('text', (t) => deltas.push(t));
  await stream.finalMessage();
  assert.equal(deltas.join(''), 'Hello from b');
});

test('a stream that already started ends with an in-stream error, and is not retried elsewhere', async () => {
  a.behaviour = { kind: 'drop', afterFrames: 4 };
  const before = b.requests.length;
  const record = nextRecord();
  await assert.rejects(client.messages.stream(ask).finalMessage(), /upstream_failed|closed the connection/);
  assert.equal(b.requests.length, before);
  assert.equal((await record()).error, 'upstream_failed');
});

test("all candidates down: one clear 503 in the client's dialect, saying why each was skipped", async () => {
  for (const u of [a, b, c]) u.behaviour = failures[2]![1];
  await assert.rejects(client.messages.create(ask), (e: InstanceType<typeof Anthropic.APIError>) => e.status === 429);
  await assert.rejects(client.messages.create(ask), (e: InstanceType<typeof Anthropic.APIError>) => {
    assert.equal(e.status, 503);
    const message = (e.error as { error: { message: string } }).error.message;
    assert.match(message, /^CLP: no claude upstream is available: "a": cooling down \d+ s .*; "b": cooling down .*; "c": cooling down .* \[no_upstream\]$/);
    return true;
  });
});

test('a connection refused by every candidate ends in one 502 naming each attempt', async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const file = join(home.home, 'claude.json');
  const saved = await readFile(file, 'utf8');
  await writeConfig(home.home, 'claude', { x: { base_url: dead, weight: 2 }, y: { base_url: dead, weight: 1 } });
  await eventually(() => core.stores.claude.snapshot().entries[0]?.name === 'x');
  try {
    await assert.rejects(client.messages.create(ask), (e: InstanceType<typeof Anthropic.APIError>) => {
      assert.equal(e.status, 502);
      assert.match((e.error as { error: { message: string } }).error.message, /connection refused \(tried "x": connection refused; "y": connection refused\)/);
      return true;
    });
  } finally {
    await writeFile(file, saved);
    await eventually(() => core.stores.claude.snapshot().entries[0]?.name === 'a');
  }
});

test('one session stays on one upstream in weighted order', async () => {
  core.pool.setMode('claude', 'pool', 'weighted');
  try {
    const served = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const record = nextRecord();
      await client.messages.create(ask, { headers: { 'x-claude-code-session-id': 'sticky-1' } });
      served.add((await record()).config!);
    }
    assert.equal(served.size, 1, `one session, one upstream (got ${[...served]})`);
  } finally {
    core.pool.setMode('claude', 'pool', 'priority');
  }
});

test('switching mid-conversation: thinking signed by the old upstream is stripped, never sent to the new one', async () => {
  for (const u of [a, b, c]) u.signs = true;
  core.pool.setMode('claude', 'active');
  try {
    await core.activate('claude', 'a');
    const session = { headers: { 'x-claude-code-session-id': 'conv-switch' } };
    const first = await client.messages.create(ask, session);
    assert.equal(first.content[0]?.type, 'thinking');
    await core.activate('claude', 'b');
    const turn2 = {
      ...ask,
      messages: [
        ...ask.messages,
        { role: 'assistant' as const, content: first.content as Anthropic.ContentBlockParam[] },
        { role: 'user' as const, content: 'and now?' },
      ],
    };
    const record = nextRecord();
    const second = await client.messages.create(turn2, session);
    assert.equal(text(second), 'Hello from b', 'the conversation goes on at the new upstream');
    const sent = JSON.parse(b.requests.at(-1)!.body);
    assert.deepEqual(
      sent.messages[1].content.map((x: { type: string }) => x.type),
      ['text'],
    );
    assert.ok(!b.requests.at(-1)!.body.includes('sig-a'));
    assert.match(JSON.stringify((await record()).trace), /session moved from \\"a\\" to \\"b\\"/);

    // Without a session id CLP cannot know the upstream changed: the signature 400 triggers one retry without them.
    await core.activate('claude', 'c');
    const blind = await client.messages.create(turn2);
    assert.equal(text(blind), 'Hello from c');
    const attempts = c.requests.slice(-2).map((r) => r.body.includes('sig-a'));
    assert.deepEqual(attempts, [true, false], 'first as sent, then once without the foreign signature');
  } finally {
    core.pool.setMode('claude', 'pool', 'priority');
    await core.activate('claude', 'c');
  }
});

test('Codex: reasoning encrypted by the old upstream is dropped when the conversation moves', async () => {
  const x = await FakeUpstream.start('responses', 'x');
  const y = await FakeUpstream.start('responses', 'y');
  x.signs = true;
  y.signs = true;
  await writeConfig(home.home, 'codex', { x: { base_url: x.baseUrl, active: true }, y: { base_url: y.baseUrl } });
  await eventually(() => core.stores.codex.snapshot().active?.name === 'x');
  core.pool.setMode('codex', 'active'); // the original file's global weight-based mode put Codex in the pool too
  try {
    const openai = new OpenAI({ baseURL: core.urls.codex, apiKey: 'x', maxRetries: 0 });
    const first = await openai.responses.create({ model: 'gpt-5-codex', input: 'hi', prompt_cache_key: 'codex-conv' });
    await core.activate('codex', 'y');
    const input = [
      { role: 'user' as const, content: 'hi' },
      ...(first.output as OpenAI.Responses.ResponseInputItem[]),
      { role: 'user' as const, content: 'more' },
    ];
    const second = await openai.responses.create({ model: 'gpt-5-codex', input, prompt_cache_key: 'codex-conv' });
    assert.equal(second.output_text, 'Hello from y');
    assert.ok(!y.requests.at(-1)!.body.includes('enc-x'));
  } finally {
    await x.close();
    await y.close();
  }
});

test('pool state survives a restart, in the original file format with unknown fields kept', async () => {
  a.behaviour = failures[0]![1];
  await client.messages.create(ask);
  core.pool.disableToday('claude', 'c');
  await core.pool.persist();
  const file = JSON.parse(await readFile(join(home.home, 'data', 'lb_config.json'), 'utf8'));
  assert.equal(file.mode, 'weight-based');
  assert.equal(file.note, 'mine');
  assert.equal(file.services.claude.currentFailures.a, 1);
  assert.match(Object.values(file.services.claude.manualDisabledUntil as Record<string, string>)[0]!, /^\d{4}-\d{2}-\d{2}$/);
  const again = await startCore(home.home);
  try {
    const member = again.pool.status('claude', again.stores.claude.snapshot()).members;
    assert.equal(member.find((m) => m.name === 'a')!.failures, 1);
    assert.equal(member.find((m) => m.name === 'c')!.disabledToday, true);
  } finally {
    await again.stop(0);
  }
});

test('in active mode a config that fails keeps its last error and its time, and nothing claims to cool it down', async () => {
  core.pool.setMode('claude', 'active');
  try {
    await core.activate('claude', 'a');
    const t0 = Date.now();
    a.behaviour = {
      kind: 'status',
      status: 429,
      body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
      headers: { 'retry-after': '5' },
    };
    const n = live.length;
    await assert.rejects(client.messages.create(ask));
    await eventually(() => live.length > n);
    const trace = JSON.stringify(live.at(-1)!.trace ?? []);
    assert.match(trace, /HTTP 429, retry after 5 s/);
    assert.ok(!trace.includes('cooling down'), trace);
    a.behaviour = { kind: 'status', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'bad key' } } };
    await assert.rejects(client.messages.create(ask));
    const member = core.pool.status('claude', core.stores.claude.snapshot()).members.find((m) => m.name === 'a')!;
    assert.equal(member.failures, 0, 'active mode counts nothing, as the original');
    assert.equal(member.available, true);
    assert.match(member.lastFailure?.reason ?? '', /^HTTP 401/);
    assert.ok(member.lastFailure!.at >= t0 && member.lastFailure!.at <= Date.now());
    a.behaviour = { kind: 'ok' };
    await client.messages.create(ask);
    const after = core.pool.status('claude', core.stores.claude.snapshot()).members.find((m) => m.name === 'a')!;
    assert.match(after.lastFailure?.reason ?? '', /^HTTP 401/, 'the last error stays in view after a success');
    assert.ok(after.lastOkAt! >= after.lastFailure!.at);
  } finally {
    core.pool.setMode('claude', 'pool', 'priority');
    await core.activate('claude', 'c');
  }
});

test('in pool mode the trace says a 429 cooled the config down; reset all also clears a daily disable; enable takes one back', async () => {
  a.behaviour = {
    kind: 'status',
    status: 429,
    body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
    headers: { 'retry-after': '5' },
  };
  const reply = await client.messages.create(ask);
  assert.equal(text(reply), 'Hello from b');
  await eventually(() => JSON.stringify(live.at(-1)?.trace ?? []).includes('"config":"a","outcome":"HTTP 429, retry after 5 s; cooling down 5 s"'));
  const members = () => core.pool.status('claude', core.stores.claude.snapshot()).members;
  core.pool.disableToday('claude', 'b');
  core.pool.reset('claude');
  assert.ok(
    members().every((m) => m.available && !m.disabledToday),
    'reset all clears daily disables as a per-config reset does',
  );
  core.pool.disableToday('claude', 'b');
  core.pool.enable('claude', 'b');
  assert.equal(members().find((m) => m.name === 'b')!.available, true);
});

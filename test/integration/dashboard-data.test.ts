import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { explainTest } from '../../src/core/providers/connectivity.ts';
import { SessionTracker } from '../../src/core/usage/sessions.ts';
import { TodayTracker } from '../../src/core/usage/today.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { eventually, freePort, tempHome, writeConfig } from '../helpers/home.ts';
import { dashboardToken, rpc } from '../helpers/rpc.ts';
import { finished } from '../helpers/records.ts';

/** What the dashboard's pages read: today per config, the log's filters and pages, tests explained, detectors, pins undone. */

const KEY_A = 'sk-ant-api03-dataAAAAAAAAAAAAAAAAAAAA-1111';
const KEY_B = 'sk-relay-dataBBBBBBBBBBBBBBBBBBBBBBBB-2222';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let a: FakeUpstream;
let b: FakeUpstream;
let token: string;
let client: Anthropic;
const call = (method: string, params: unknown = {}) => rpc(core.urls.ui, method, params, { 'x-clp-token': token });
const ask = (model: string, content = 'hi') => client.messages.create({ model, max_tokens: 8, messages: [{ role: 'user', content }] });

before(async () => {
  home = await tempHome();
  a = await FakeUpstream.start('anthropic', 'a');
  b = await FakeUpstream.start('anthropic', 'b');
  await writeConfig(home.home, 'claude', {
    'relay-a': { base_url: a.baseUrl, api_key: KEY_A, weight: 10, active: true },
    'relay-b': { base_url: b.baseUrl, auth_token: KEY_B, weight: 5 },
  });
  core = await startCore(home.home);
  token = await dashboardToken(home.home);
  client = new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0 });
});

after(async () => {
  await core.stop();
  await a.close();
  await b.close();
  await home.cleanup();
});

test('overview/get: today per config with medians and the last error, per-minute activity, the last errors and failovers', async () => {
  for (let i = 0; i < 5; i++) await ask('claude-sonnet-4-5');
  a.behaviour = { kind: 'status', status: 500, body: { type: 'error', error: { type: 'api_error', message: 'down' } } };
  await assert.rejects(ask('claude-sonnet-4-5'));
  a.behaviour = { kind: 'ok' };
  await eventually(async () => (await call('overview/get')).json.services.claude.configs['relay-a']?.requests === 6);
  const o = (await call('overview/get', { spanMs: 15 * 60_000, stepMs: 60_000 })).json;
  const ra = o.services.claude.configs['relay-a'];
  assert.equal(ra.errors, 1);
  assert.equal(ra.last_error.status, 500);
  assert.equal(ra.last_error.error, 'http_500');
  assert.ok(typeof ra.p50_ms === 'number' && ra.p50_ms >= 0);
  assert.ok(ra.cost_usd > 0);
  assert.equal(o.activity.x.length, 15);
  assert.equal(
    o.activity.requests.reduce((x: number, y: number) => x + y, 0),
    6,
  );
  assert.equal(
    o.activity.errors.reduce((x: number, y: number) => x + y, 0),
    1,
  );
  assert.equal(o.recent[0].error, 'http_500');
  assert.equal(o.recent[0].config, 'relay-a');
});

test('the figures of a restarted owner include the requests logged before it started (seeded once, none counted twice)', () => {
  const day = () => '2026-12-02';
  // r3 was in flight when this owner started (at 10:01): it is folded as it finishes, and in the log too.
  const t = new TodayTracker(day, Date.parse('2026-12-02T10:01:00'));
  const [r1, r2, r3] = [1, 2, 3].map(() => finished({ started_at: Date.parse('2026-12-02T10:00:00') }).record);
  t.add(r3!, Date.parse('2026-12-02T10:05:00'));
  t.seed([r1!, r2!, r3!], Date.parse('2026-12-02T10:05:00'));
  const v = t.view(Date.parse('2026-12-02T10:05:00'), 30 * 60_000, 60_000);
  const total = Object.values(v.services.claude.configs).reduce((n, c) => n + c.requests, 0);
  assert.equal(total, 3);
});

test("an owner's own requests are counted once when the log brings them again, and it remembers no ids for them", () => {
  const since = Date.parse('2026-12-02T10:00:00');
  const day = () => '2026-12-02';
  const today = new TodayTracker(day, since);
  const sessions = new SessionTracker(since);
  const older = finished({ started_at: since - 60_000, session_id: 's1' }).record;
  const mine = Array.from({ length: 2000 }, (_, i) => finished({ started_at: since + i * 1000, session_id: 's1' }).record);
  for (const r of mine) {
    today.add(r, since + 3_600_000);
    sessions.add(r);
  }
  assert.equal(today.remembered + sessions.remembered, 0, 'no id is kept for requests that started after the owner');
  today.seed([older, ...mine], since + 3_600_000);
  sessions.seed([older, ...mine]);
  const v = today.view(since + 3_600_000, 2 * 3_600_000, 60_000);
  assert.equal(
    Object.values(v.services.claude.configs).reduce((n, c) => n + c.requests, 0),
    2001,
  );
  assert.equal(sessions.get('claude', 's1')?.requests, 2001);
  // Prices changed: everything is folded again from the log, none twice, a request in flight across the change included.
  const change = since + 3_000_000;
  const inFlight = finished({ started_at: change - 500, session_id: 's1' }).record;
  today.forget(change);
  sessions.forget(change);
  today.add(inFlight, change + 1000);
  sessions.add(inFlight);
  assert.equal(sessions.remembered, 1);
  sessions.seed([older, ...mine, inFlight]);
  assert.equal(sessions.get('claude', 's1')?.requests, 2002);
  assert.equal(sessions.remembered, 0);
});

test('logs/list filters the whole stored log by config, model, status class and text, and pages with `before`', async () => {
  await core.requests()!.flush();
  const all = (await call('logs/list', { limit: 1000 })).json;
  const errors = (await call('logs/list', { status: 'error' })).json;
  assert.ok(errors.length >= 1 && errors.every((r: { error: string | null }) => r.error));
  assert.equal((await call('logs/list', { status: '5xx' })).json.length, errors.filter((r: { status: number }) => r.status >= 500).length);
  assert.ok((await call('logs/list', { config: 'relay-b' })).json.every((r: { config: string }) => r.config === 'relay-b'));
  assert.equal((await call('logs/list', { model: 'sonnet-4' })).json.length, all.length);
  assert.equal((await call('logs/list', { model: 'no-such-model' })).json.length, 0);
  const first = (await call('logs/list', { limit: 2 })).json;
  const next = (await call('logs/list', { limit: 2, before: { at: first[1].started_at, id: first[1].id } })).json;
  assert.deepEqual(
    [...first, ...next].map((r: { id: string }) => r.id),
    all.slice(0, 4).map((r: { id: string }) => r.id),
    'the second page starts right after the first',
  );
  assert.equal((await call('logs/list', { status: 'weird' })).status, 400);
});

test('a connectivity test explains its failure in words, offers the models the upstream lists, and is kept for the Configs page', async () => {
  const dead = await freePort();
  await writeConfig(home.home, 'claude', {
    'relay-a': { base_url: a.baseUrl, api_key: KEY_A, weight: 10, active: true },
    'relay-b': { base_url: b.baseUrl, auth_token: KEY_B, weight: 5 },
    dead: { base_url: `http://127.0.0.1:${dead}`, auth_token: 'sk-dead-dddddddddddddddddddd' },
  });
  await eventually(() => core.stores.claude.snapshot().get('dead') !== undefined);
  const refused = (await call('configs/test', { service: 'claude', name: 'dead', model: 'claude-sonnet-4-5' })).json;
  assert.equal(refused.ok, false);
  assert.match(refused.hint, /^Nothing listens at that address: check base_url/);

  b.behaviour = { kind: 'status', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } };
  const denied = (await call('configs/test', { service: 'claude', name: 'relay-b', model: 'claude-sonnet-4-5' })).json;
  b.behaviour = { kind: 'ok' };
  assert.match(denied.hint, /key was refused.*api_key.*auth_token.*this config has it as auth_token/);
  assert.ok(!JSON.stringify(denied).includes(KEY_B));

  a.behaviour = { kind: 'status', status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'model: claude-nope not found' } } };
  const unknown = (await call('configs/test', { service: 'claude', name: 'relay-a', model: 'claude-nope' })).json;
  assert.match(unknown.hint, /model is unknown upstream/);
  assert.equal(unknown.models, null, 'the fake answers every path with 404 now: nothing listed');
  a.behaviour = { kind: 'ok' };

  const status = (await call('status/get')).json;
  const views = Object.fromEntries(status.configs.claude.map((c: { name: string }) => [c.name, c]));
  assert.equal(views.dead.last_test.ok, false);
  assert.equal(views['relay-b'].last_test.status, 401);
  assert.ok(views['relay-b'].last_test.at <= Date.now());
  assert.equal(views['relay-a'].last_test.model, 'claude-nope');
});

test('explainTest says what each failure means', () => {
  const r = (status: number | null, message: string) => explainTest({ ok: false, status, message }, 'api_key');
  assert.match(r(null, 'ENOTFOUND: getaddrinfo ENOTFOUND relay.example')!, /does not resolve/);
  assert.match(r(null, 'UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error')!, /No answer in time/);
  assert.match(r(400, 'model: claude-x is not supported')!, /model is unknown/);
  assert.match(r(404, 'Not found: /v1/v1/messages')!, /No such path upstream: check base_url/);
  assert.match(r(429, 'rate limited')!, /rate limited/);
  assert.match(r(503, 'overloaded')!, /failed on its side/);
  assert.equal(explainTest({ ok: true, status: 200, message: 'OK' }, null), null);
});

test('a test refused for its model lists the models the upstream offers', async () => {
  // A relay that knows two models, as relays answer an unknown one.
  const relay = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          data: [
            { id: 'claude-sonnet-4-5', type: 'model' },
            { id: 'glm-4.6', type: 'model' },
          ],
          has_more: false,
        }),
      );
      return;
    }
    req.resume();
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'model not found: claude-opus-9' } }));
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  try {
    await writeConfig(home.home, 'claude', {
      'relay-a': { base_url: a.baseUrl, api_key: KEY_A, weight: 10, active: true },
      'relay-b': { base_url: b.baseUrl, auth_token: KEY_B, weight: 5 },
      lister: { base_url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`, auth_token: 'sk-lister-llllllllllllllllllll' },
    });
    await eventually(() => core.stores.claude.snapshot().get('lister') !== undefined);
    const r = (await call('configs/test', { service: 'claude', name: 'lister', model: 'claude-opus-9' })).json;
    assert.equal(r.ok, false);
    assert.equal(r.status, 400);
    assert.match(r.hint, /model is unknown upstream/);
    assert.deepEqual(r.models, ['claude-sonnet-4-5', 'glm-4.6']);
  } finally {
    relay.close();
  }
});

test('detectors switched on from the page apply to the next request and are saved in settings.json', async () => {
  const on = (await call('filters/detectors', { detectors: ['anthropic'] })).json;
  assert.deepEqual(on.detectors, ['anthropic']);
  assert.ok(on.detectorsAvailable.includes('jwt'));
  await ask('claude-sonnet-4-5', 'my key is sk-ant-api03-LEAKLEAKLEAKLEAKLEAKLEAK99');
  assert.match(a.requests.at(-1)!.body, /\[REDACTED:anthropic\]/);
  assert.ok(!a.requests.at(-1)!.body.includes('LEAKLEAK'));
  const saved = JSON.parse(await readFile(join(home.home, 'settings.json'), 'utf8'));
  assert.deepEqual(saved.filters.detectors, ['anthropic']);
  const tried = (await call('filters/try', { rules: [], sample: 'sk-ant-api03-TRYTRYTRYTRYTRYTRYTRYTRY', service: 'claude' })).json;
  assert.equal(tried.output, '[REDACTED:anthropic]', 'the dry run includes the detectors that are on');
  const off = (await call('filters/detectors', { detectors: [] })).json;
  assert.deepEqual(off.detectors, []);
  assert.equal((await call('filters/detectors', { detectors: ['nonsense'] })).status, 400);
});

test('a pin shows what it changed and the weights action undoes it', async () => {
  const before = Object.fromEntries(
    (await call('pool/get', { service: 'claude' })).json.members.map((m: { name: string; weight: number }) => [m.name, m.weight]),
  );
  const pinned = (await call('pool/action', { service: 'claude', action: { action: 'pin', name: 'relay-b' } })).json;
  assert.equal(pinned.members[0].name, 'relay-b');
  const undone = (await call('pool/action', { service: 'claude', action: { action: 'weights', weights: before } })).json;
  const after = Object.fromEntries(undone.members.map((m: { name: string; weight: number }) => [m.name, m.weight]));
  assert.deepEqual(after, before);
  const file = JSON.parse(await readFile(join(home.home, 'claude.json'), 'utf8'));
  assert.equal(file['relay-a'].weight, 10);
  assert.equal(file['relay-a'].api_key, KEY_A, 'the keys stay as they were');
});

test('configs/raw on a broken file: the text as written, no key in it', async () => {
  const file = join(home.home, 'claude.json');
  const good = await readFile(file, 'utf8');
  await (await import('node:fs/promises')).writeFile(file, good.replace(/"weight": 5/, '"weight": 5,,'));
  await eventually(() => core.stores.claude.state().error !== null);
  const raw = (await call('configs/raw', { service: 'claude' })).json;
  assert.match(raw.broken, /line \d+, column \d+/);
  assert.ok(raw.text.includes(',,'));
  assert.ok(!raw.text.includes(KEY_A) && !raw.text.includes(KEY_B));
  const fixed = (await call('configs/saveRaw', { service: 'claude', text: raw.text.replace(',,', '') })).json;
  assert.ok(Array.isArray(fixed), JSON.stringify(fixed));
  const saved = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(saved['relay-b'].auth_token, KEY_B);
  assert.equal(core.stores.claude.state().error, null);
});

test('the activity window lets old points go without a pass over all of them, and counts the right ones', () => {
  const t0 = Date.parse('2026-12-02T08:00:00');
  const t = new TodayTracker(() => '2026-12-02', t0);
  t.seed([], t0);
  // 4 hours of a request every 2 s, in the order they finish.
  for (let i = 0; i < 7200; i++) {
    const at = t0 + i * 2000;
    t.add(finished({ started_at: at, error: i % 10 === 0 ? 'http_500' : null, status: i % 10 === 0 ? 500 : 200 }).record, at);
  }
  const now = t0 + 7199 * 2000;
  const v = t.view(now, 30 * 60_000, 60_000);
  assert.equal(
    v.activity.requests.reduce((a, b) => a + b, 0),
    900,
    'the last 30 one-minute buckets hold 30 × 30 requests',
  );
  assert.equal(
    v.activity.errors.reduce((a, b) => a + b, 0),
    90,
  );
  assert.equal(v.services.claude.configs.prod!.requests, 7200);
  assert.equal(v.recent.length, 8);
});

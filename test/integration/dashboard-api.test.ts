import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';
import { dashboardToken, rpc } from '../helpers/rpc.ts';

const KEY_A = 'sk-ant-api03-AAAAsecretAAAAsecretAAAA-1111';
const KEY_B = 'sk-relay-bbbbbbbbbbbbbbbbbbbbbbbbbbbb-2222';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let upstream: FakeUpstream;
let token: string;
let ui: string;
const call = (method: string, params: unknown = {}) => rpc(ui, method, params, { 'x-clp-token': token });

before(async () => {
  home = await tempHome();
  upstream = await FakeUpstream.start('anthropic', 'relay');
  await writeConfig(home.home, 'claude', {
    a: { base_url: upstream.baseUrl, api_key: KEY_A, active: true, note: 'kept' },
    b: { base_url: upstream.baseUrl, auth_token: KEY_B, weight: 3 },
  });
  core = await startCore(home.home);
  token = await dashboardToken(home.home);
  ui = core.urls.ui;
  const client = new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0 });
  await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
});

after(async () => {
  await core.stop();
  await upstream.close();
  await home.cleanup();
});

test('the page and its assets are served with a CSP that allows no inline script', async () => {
  const page = await request(`${ui}/`);
  const html = await page.body.text();
  assert.equal(page.statusCode, 200);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const v = /<script type="module" src="\/app.js\?v=([0-9a-f]{16})">/.exec(html)?.[1];
  assert.ok(v, html);
  assert.doesNotMatch(html, /<script>/);
  assert.equal(page.headers['cache-control'], 'no-store');
  const js = await request(`${ui}/app.js?v=${v}`);
  assert.equal(js.statusCode, 200);
  assert.match(String(js.headers['content-type']), /javascript/);
  assert.match(String(js.headers['content-security-policy']), /script-src 'self'/);
  assert.ok((await js.body.text()).length > 10_000);
});

test("the bundle's files are kept by the browser under the build's hash, and checked each time under any other name; data never is", async () => {
  const html = await (await request(`${ui}/`)).body.text();
  const v = /\/app.js\?v=([0-9a-f]{16})/.exec(html)![1]!;
  // uplot.js is not in the page: app.js asks for it under its own URL's hash when a chart draws.
  for (const path of ['/app.js', '/app.css', '/codicon.css', '/uplot.js']) {
    if (path !== '/uplot.js') assert.ok(html.includes(`${path}?v=${v}`), `${path} is asked for under the hash`);
    const kept = await request(`${ui}${path}?v=${v}`);
    await kept.body.dump();
    assert.equal(kept.headers['cache-control'], 'public, max-age=31536000, immutable', path);
    assert.equal(kept.headers.etag, `"${v}"`);
    for (const other of [path, `${path}?v=0000000000000000`]) {
      const checked = await request(`${ui}${other}`);
      await checked.body.dump();
      assert.equal(checked.statusCode, 200);
      assert.equal(checked.headers['cache-control'], 'no-cache', other);
    }
    const unchanged = await request(`${ui}${path}`, { headers: { 'if-none-match': `"${v}"` } });
    assert.equal(unchanged.statusCode, 304);
    assert.equal((await unchanged.body.text()).length, 0);
  }
  const data = await request(`${ui}/api/rpc/logs/list`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-clp-token': token }, body: '{}' });
  await data.body.dump();
  assert.equal(data.statusCode, 200);
  assert.equal(data.headers['cache-control'], 'no-store');
});

test('a wrong Host is refused (DNS rebinding)', async () => {
  const res = await request(`${ui}/api/rpc/status/get`, { method: 'POST', headers: { host: 'evil.example:3300', 'x-clp-token': token }, body: '{}' });
  assert.equal(res.statusCode, 403);
  assert.equal(((await res.body.json()) as { code: string }).code, 'origin_refused');
});

test('a cross-origin write is refused, even with the right token', async () => {
  const r = await rpc(ui, 'configs/activate', { service: 'claude', name: 'b' }, { 'x-clp-token': token, origin: 'http://evil.example' });
  assert.equal(r.status, 403);
  const status = await call('status/get');
  assert.equal(status.json.status.services.claude.active, 'a');
});

test('a missing or wrong secret is refused, for reads and writes and the live feed', async () => {
  for (const headers of [{}, { 'x-clp-token': 'f'.repeat(64) }] as Array<Record<string, string>>) {
    assert.equal((await rpc(ui, 'configs/activate', { service: 'claude', name: 'b' }, headers)).status, 401);
    assert.equal((await rpc(ui, 'logs/list', {}, headers)).status, 401);
  }
  const feed = await request(`${ui}/api/events`);
  assert.equal(feed.statusCode, 401);
  await feed.body.text();
  assert.equal(core.stores.claude.snapshot().active?.name, 'a');
});

test('bad params get a clear `path: message` error', async () => {
  const r = await call('configs/activate', { service: 'claude' });
  assert.equal(r.status, 400);
  assert.equal(r.json.code, 'bad_request');
  assert.match(r.json.message, /^name: /);
  const unknown = await call('nope/nothing');
  assert.equal(unknown.status, 404);
});

test('no response ever contains a stored key: status, configs, the raw file, logs, a failed test', async () => {
  const id = (await call('logs/list', { limit: 5 })).json[0].id as string;
  const texts = [
    (await call('status/get')).text,
    (await call('configs/raw', { service: 'claude' })).text,
    (await call('logs/list', { limit: 50 })).text,
    (await call('logs/get', { id })).text,
    (await call('pool/get', { service: 'claude' })).text,
    (await call('configs/test', { service: 'claude', name: 'a', model: 'claude-sonnet-5-5' })).text,
  ];
  for (const text of texts) {
    assert.ok(!text.includes(KEY_A), text.slice(0, 200));
    assert.ok(!text.includes(KEY_B), text.slice(0, 200));
  }
  const configs = JSON.parse(texts[0]!).configs.claude;
  assert.equal(configs[0].api_key, 'sk-ant-a…1111');
});

test('the raw JSON mode round-trips masked keys without losing them, and keeps unknown fields', async () => {
  const raw = (await call('configs/raw', { service: 'claude' })).json.text as string;
  const edited = JSON.parse(raw);
  edited.b.weight = 7;
  edited.c = { base_url: 'http://127.0.0.1:9', auth_token: 'sk-new-cccccccccccccccccccc-3333' };
  const saved = await call('configs/saveRaw', { service: 'claude', text: JSON.stringify(edited) });
  assert.equal(saved.status, 200, saved.text);
  const file = JSON.parse(await readFile(core.stores.claude.file, 'utf8'));
  assert.equal(file.a.api_key, KEY_A);
  assert.equal(file.a.note, 'kept');
  assert.equal(file.b.auth_token, KEY_B);
  assert.equal(file.b.weight, 7);
  assert.equal(file.c.auth_token, 'sk-new-cccccccccccccccccccc-3333');
  // A mask that matches no stored key is refused, and the file stays as it was.
  edited.c.auth_token = 'sk-zzz…9999';
  const refused = await call('configs/saveRaw', { service: 'claude', text: JSON.stringify(edited) });
  assert.equal(refused.status, 400);
  assert.match(refused.json.message, /^c\.auth_token: /);
  assert.equal(JSON.parse(await readFile(core.stores.claude.file, 'utf8')).c.auth_token, 'sk-new-cccccccccccccccccccc-3333');
});

test('the form renames a config in place, keeping its key when the masked value comes back', async () => {
  const before = (await call('status/get')).json.configs.claude.find((c: { name: string }) => c.name === 'c');
  const r = await call('configs/save', {
    service: 'claude',
    original: 'c',
    name: 'c2',
    base_url: 'http://127.0.0.1:9',
    auth_token: before.auth_token,
    weight: 2,
  });
  assert.equal(r.status, 200, r.text);
  const file = JSON.parse(await readFile(core.stores.claude.file, 'utf8'));
  assert.deepEqual(Object.keys(file), ['a', 'b', 'c2']);
  assert.equal(file.c2.auth_token, 'sk-new-cccccccccccccccccccc-3333');
  const dup = await call('configs/save', { service: 'claude', name: 'a', base_url: 'http://127.0.0.1:9' });
  assert.equal(dup.status, 400);
  assert.equal((await call('configs/delete', { service: 'claude', name: 'c2' })).status, 200);
  assert.ok(!('c2' in JSON.parse(await readFile(core.stores.claude.file, 'utf8'))));
});

test('the connectivity test reaches the upstream with the config key and a prompt of its own', async () => {
  const r = await call('configs/test', { service: 'claude', name: 'b', model: 'claude-haiku-4-5' });
  assert.equal(r.json.ok, true, r.text);
  assert.equal(r.json.status, 200);
  assert.equal(r.json.message, 'Hello from relay');
  const seen = upstream.requests.at(-1)!;
  assert.equal(seen.headers.authorization, `Bearer ${KEY_B}`);
  assert.deepEqual(JSON.parse(seen.body).messages, [{ role: 'user', content: 'Reply with the word OK.' }]);
});

test('filters: an invalid rule is refused when saved; a valid one applies to the next request', async () => {
  const bad = await call('filters/save', { rules: [{ source: '(unclosed', op: 'replace', target: 'x', match: 'regex' }] });
  assert.equal(bad.status, 400);
  assert.match(bad.json.message, /^rules: rule 1: source: /);
  const tried = await call('filters/try', {
    rules: [{ source: 'hunter2', op: 'replace', target: '[pw]', match: 'literal' }],
    sample: 'my hunter2!',
    service: 'claude',
  });
  assert.deepEqual(tried.json, { output: 'my [pw]!', hits: { '#1': 1 } });
  assert.equal((await call('filters/save', { rules: [{ source: 'hunter2', op: 'replace', target: '[pw]', match: 'literal', name: 'pw' }] })).status, 200);
  const client = new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0 });
  await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'pw is hunter2' }] });
  assert.match(upstream.requests.at(-1)!.body, /pw is \[pw\]/);
});

test('routes: saved and tried through the protocol', async () => {
  const routes = { claude: [{ name: 'haiku', match: { model: 'claude-3-*' }, model: 'claude-haiku-4-5' }], codex: [] };
  const tried = await call('routes/try', { routes, service: 'claude', model: 'claude-3-opus', config: null });
  assert.deepEqual(tried.json, { model: 'claude-haiku-4-5', config: null, matched: ['haiku'] });
  assert.equal((await call('routes/save', { routes })).status, 200);
  const got = await call('routes/get');
  assert.equal(got.json.routes.claude[0].name, 'haiku');
  const refused = await call('routes/save', { routes: { claude: [{ match: {} }] } });
  assert.equal(refused.status, 400);
});

test('the live feed pushes a request as it starts and ends', async () => {
  const ac = new AbortController();
  const feed = await request(`${ui}/api/events?token=${token}`, { signal: ac.signal });
  assert.equal(feed.headers['content-type'], 'text/event-stream');
  let text = '';
  const got = new Promise<void>((resolve) => {
    feed.body.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('event: request/didEnd')) resolve();
    });
  });
  const client = new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0 });
  await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'live' }] });
  await got;
  ac.abort();
  assert.match(text, /event: hello/);
  assert.match(text, /event: request\/didStart\ndata: \{"id":"[^"]+","service":"claude"/);
  const end = /event: request\/didEnd\ndata: (.*)\n/.exec(text)![1]!;
  assert.equal(JSON.parse(end).status, 200);
});

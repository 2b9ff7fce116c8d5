import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { clp, CLI, isolatedEnv } from '../helpers/cli.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';
import { raw } from '../helpers/raw.ts';
import { dashboardToken, rpc } from '../helpers/rpc.ts';
import { ConfigStore } from '../../src/core/config/store.ts';

const KEY = 'sk-relay-ECHOED-key-0123456789abcdef';
const BODY = '{"model":"claude-haiku-4-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}';

test('keys an upstream echoes back are cut from the log, and credential-looking client headers never leave or get stored', async () => {
  const seen: IncomingHttpHeaders[] = [];
  const echo = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(401, { 'content-type': 'application/json', 'x-echo': `you sent ${req.headers['x-api-key']}` });
      res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${req.headers['x-api-key']}` } }));
    });
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const home = await tempHome();
  try {
    await writeConfig(home.home, 'claude', { a: { base_url: `http://127.0.0.1:${(echo.address() as AddressInfo).port}`, api_key: KEY, active: true } });
    const core = await startCore(home.home);
    try {
      const port = core.ports().claude;
      const sneaky = {
        'x-goog-api-key': 'client-secret-A',
        'x-amz-security-token': 'client-secret-B',
        'x-client-secret': 'client-secret-C',
        'my-api-key': 'client-secret-D',
        'x-auth-token': 'client-secret-E',
      };
      const res = await raw(
        port,
        'POST',
        '/v1/messages',
        { host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...sneaky },
        BODY,
      );
      assert.equal(res.status, 401);
      const up = seen[0]!;
      for (const name of Object.keys(sneaky)) assert.equal(up[name], undefined, `${name} was forwarded`);
      assert.equal(up['anthropic-version'], '2023-06-01', 'ordinary headers still pass');
      await core.requests()!.flush();
      const token = await dashboardToken(home.home);
      const [row] = (await rpc(core.urls.ui, 'logs/list', { limit: 1 }, { 'x-clp-token': token })).json;
      const detail = await rpc(core.urls.ui, 'logs/get', { id: row.id }, { 'x-clp-token': token });
      assert.ok(!detail.text.includes(KEY), 'the echoed key is not in the stored record');
      assert.ok(!detail.text.includes('client-secret-'), 'no client credential is stored');
      assert.match(detail.json.response_body, /invalid x-api-key \[key removed\]/);
      assert.equal(detail.json.response_headers['x-echo'], 'you sent [key removed]');
      assert.equal(detail.json.request_headers['x-goog-api-key'], '[removed]');
      const files = await readdir(join(home.home, 'data', 'log'));
      for (const f of files) assert.ok(!(await readFile(join(home.home, 'data', 'log', f))).includes(KEY), f);
    } finally {
      await core.stop();
    }
  } finally {
    echo.close();
    await home.cleanup();
  }
});

test('a base_url with a query is masked in every view and kept on save; one with user:password@ is refused saying why', async () => {
  const up = await FakeUpstream.start('anthropic', 'up');
  const home = await tempHome();
  try {
    const url = `${up.baseUrl}/relay?key=sk-query-SECRET-0123456789`;
    await writeConfig(home.home, 'claude', { a: { base_url: url, api_key: KEY, active: true } });
    const core = await startCore(home.home);
    try {
      const token = await dashboardToken(home.home);
      const call = (m: string, p: unknown) => rpc(core.urls.ui, m, p, { 'x-clp-token': token });
      const state = await call('status/get', {});
      const rawView = await call('configs/raw', { service: 'claude' });
      for (const text of [state.text, rawView.text]) assert.ok(!text.includes('SECRET'), text);
      const shown = state.json.configs.claude[0].base_url as string;
      assert.match(shown, /\/relay\?key=sk-que…6789$/);
      // Saved back as shown (the form, then the raw editor): the stored URL and key stay.
      assert.equal((await call('configs/save', { service: 'claude', original: 'a', name: 'a', base_url: shown, weight: 3 })).status, 200);
      assert.equal((await call('configs/saveRaw', { service: 'claude', text: rawView.json.text })).status, 200);
      const file = JSON.parse(await readFile(join(home.home, 'claude.json'), 'utf8'));
      assert.equal(file.a.base_url, url);
      assert.equal(file.a.api_key, KEY);
      const list = await clp(['list', 'claude'], { PATH: process.env.PATH, HOME: home.home, CLP_HOME: home.home, CLP_UI_PORT: String(core.ports().ui) });
      assert.ok(!list.stdout.includes('SECRET'));
    } finally {
      await core.stop();
    }
    const store = new ConfigStore(await writeConfig(home.home, 'claude', { b: { base_url: 'https://user:hunter2pass@relay.example', auth_token: 'k' } }));
    await store.reload();
    assert.match(String(store.state().error), /^claude\.json: b\.base_url: must not carry user:password@/);
    assert.ok(!String(store.state().error).includes('hunter2pass'));
  } finally {
    await up.close();
    await home.cleanup();
  }
});

test('config parse errors give line and column and never quote the file; a BOM is accepted; __proto__ is refused', async () => {
  const home = await tempHome();
  try {
    const load = async (text: string) => {
      const store = new ConfigStore(await writeConfig(home.home, 'claude', text));
      await store.reload();
      return store;
    };
    const broken = await load('{\n  "a": {\n    "base_url": "https://relay.example",\n    "api_key": "sk-ant-verysecretkeymaterial" x\n  }\n}\n');
    const error = String(broken.state().error);
    assert.match(error, /^claude\.json: line 4, column 47: not valid JSON/);
    assert.ok(!error.includes('secret') && !error.includes('sk-ant'), error);
    const bom = await load('\uFEFF{"a": {"base_url": "https://relay.example", "api_key": "k"}}');
    assert.equal(bom.state().error, null);
    assert.equal(bom.snapshot().active?.name, 'a');
    const proto = await load('{"__proto__": {"base_url": "https://relay.example"}}');
    assert.match(String(proto.state().error), /__proto__: "__proto__" is not allowed as a key/);
  } finally {
    await home.cleanup();
  }
});

test('a config file that is a symlink stays one: the file it points to is written', async () => {
  const up = await FakeUpstream.start('anthropic', 'up');
  const home = await tempHome();
  try {
    const dotfiles = join(home.home, 'dotfiles');
    await mkdir(dotfiles);
    await writeFile(
      join(dotfiles, 'claude.json'),
      JSON.stringify({ a: { base_url: up.baseUrl, api_key: 'k', active: true }, b: { base_url: up.baseUrl, api_key: 'k' } }),
    );
    await symlink(join('dotfiles', 'claude.json'), join(home.home, 'claude.json'));
    const core = await startCore(home.home);
    try {
      assert.equal(
        (await rpc(core.urls.ui, 'configs/activate', { service: 'claude', name: 'b' }, { 'x-clp-token': await dashboardToken(home.home) })).status,
        200,
      );
      assert.ok((await lstat(join(home.home, 'claude.json'))).isSymbolicLink(), 'still a link');
      assert.equal(JSON.parse(await readFile(join(dotfiles, 'claude.json'), 'utf8')).b.active, true);
    } finally {
      await core.stop();
    }
  } finally {
    await up.close();
    await home.cleanup();
  }
});

test('a damaged log blob shows the record without its bodies', async () => {
  const up = await FakeUpstream.start('anthropic', 'up');
  const home = await tempHome();
  try {
    await writeConfig(home.home, 'claude', { a: { base_url: up.baseUrl, api_key: 'k', active: true } });
    const core = await startCore(home.home);
    try {
      await raw(core.ports().claude, 'POST', '/v1/messages', { host: `127.0.0.1:${core.ports().claude}`, 'content-type': 'application/json' }, BODY);
      await core.requests()!.flush();
      const dir = join(home.home, 'data', 'log');
      const bodyFile = (await readdir(dir)).find((f) => f.endsWith('.body'))!;
      const bytes = await readFile(join(dir, bodyFile));
      await writeFile(join(dir, bodyFile), Buffer.alloc(bytes.length, 0xff));
      const token = await dashboardToken(home.home);
      const [row] = (await rpc(core.urls.ui, 'logs/list', { limit: 1 }, { 'x-clp-token': token })).json;
      const detail = await rpc(core.urls.ui, 'logs/get', { id: row.id }, { 'x-clp-token': token });
      assert.equal(detail.status, 200, detail.text);
      assert.equal(detail.json.id, row.id);
      assert.equal(detail.json.bodies_unreadable, true);
      assert.equal(detail.json.request_body, null);
    } finally {
      await core.stop();
    }
  } finally {
    await up.close();
    await home.cleanup();
  }
});

test('`clp start | head -1` ends quietly', async () => {
  const { home, cleanup } = await tempHome();
  const env = await isolatedEnv(home);
  try {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" start | head -c 1 >/dev/null`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.ok(await eventually(async () => (await clp(['status'], env)).code === 0, 5000));
  } finally {
    await clp(['stop'], env);
    await cleanup();
  }
});

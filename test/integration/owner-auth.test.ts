import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { clp, isolatedEnv } from '../helpers/cli.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';
import { dashboardToken, rpc } from '../helpers/rpc.ts';
import { tokenMatches } from '../../src/core/owner/token.ts';

const KEY = 'sk-ant-api03-ownerauthSECRETownerauthSECRET-9999';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let upstream: FakeUpstream;

before(async () => {
  home = await tempHome();
  upstream = await FakeUpstream.start('anthropic', 'relay');
  await writeConfig(home.home, 'claude', { a: { base_url: upstream.baseUrl, api_key: KEY, active: true } });
  core = await startCore(home.home);
  await fetch(`${core.urls.claude}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"model":"claude-haiku-4-5","max_tokens":5,"messages":[{"role":"user","content":"a prompt nobody else may read"}]}',
  });
  await core.requests()!.flush();
});

after(async () => {
  await core.stop();
  await upstream.close();
  await home.cleanup();
});

test('every /api route needs the token, reads included; the liveness answer says only CLP, version, pid', async () => {
  const ui = core.urls.ui;
  const token = await dashboardToken(home.home);
  const id = (await rpc(ui, 'logs/list', { limit: 1 }, { 'x-clp-token': token })).json[0].id as string;
  const reads = ['/api/logs', `/api/logs/${id}`, '/api/usage', '/api/pool/claude', '/api/events', '/api/anything'];
  for (const path of reads) {
    for (const headers of [{}, { 'x-clp-token': '' }, { 'x-clp-token': 'f'.repeat(64) }] as Array<Record<string, string>>) {
      const res = await request(`${ui}${path}`, { headers });
      const text = await res.body.text();
      assert.equal(res.statusCode, 401, `${path} with ${JSON.stringify(headers)}`);
      assert.ok(!text.includes('prompt nobody') && !text.includes(id));
    }
  }
  for (const method of ['status/get', 'owner/status', 'logs/list', 'logs/get', 'usage/get', 'pool/get', 'configs/raw']) {
    const r = await rpc(ui, method, { id, service: 'claude', by: 'config' }, { 'x-clp-token': '' });
    assert.equal(r.status, 401, method);
    assert.equal(r.json.code, 'unauthorized');
  }
  // The REST routes beside the protocol are gone: the token does not bring them back.
  for (const path of ['/api/logs', '/api/usage', '/api/pool/claude']) {
    const res = await request(`${ui}${path}`, { headers: { 'x-clp-token': token } });
    await res.body.dump();
    assert.equal(res.statusCode, 404, path);
  }
  const ping = await request(`${ui}/api/status`);
  const body = (await ping.body.json()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['clp', 'pid', 'version']);
  assert.equal(body.pid, process.pid);
});

test('an empty or missing token never matches', () => {
  assert.equal(tokenMatches('', ''), false);
  assert.equal(tokenMatches('', undefined), false);
  assert.equal(tokenMatches('abc', ''), false);
  assert.equal(tokenMatches('abc', 'abc'), true);
});

test('the owner proves it holds the token before anything is sent; the token is new on every start', async () => {
  const first = await dashboardToken(home.home);
  const nonce = 'ab'.repeat(20);
  const res = await request(`${core.urls.ui}/api/auth`, { method: 'POST', body: JSON.stringify({ nonce }) });
  const { proof } = (await res.body.json()) as { proof: string };
  const { ownerProof } = await import('../../src/core/owner/token.ts');
  assert.equal(proof, ownerProof(first, nonce));
  assert.ok(!JSON.stringify(proof).includes(first));

  const other = await tempHome();
  try {
    const a = await startCore(other.home);
    const t1 = await dashboardToken(other.home);
    await a.stop();
    const b = await startCore(other.home);
    const t2 = await dashboardToken(other.home);
    await b.stop();
    assert.notEqual(t1, t2);
  } finally {
    await other.cleanup();
  }
});

/** A program that took the dashboard port while CLP was down, and answers like CLP would. */
async function squatter(): Promise<{ port: number; seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }>; close(): Promise<void> }> {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      const status = {
        clp: true,
        version: '0.1.0',
        pid: 1,
        owner: { pid: 1, kind: 'daemon', startedAt: new Date().toISOString(), version: '0.1.0' },
        services: {
          claude: {
            running: true,
            port: 1,
            url: 'http://127.0.0.1:1',
            active: null,
            placeholder: true,
            config: { file: '', ok: true, error: null, configs: 0 },
          },
          codex: {
            running: true,
            port: 1,
            url: 'http://127.0.0.1:1/v1',
            active: null,
            placeholder: true,
            config: { file: '', ok: true, error: null, configs: 0 },
          },
        },
        ui: { running: true, port: 1, url: 'http://127.0.0.1:1/' },
        home: '',
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url?.startsWith('/api/auth') ? { proof: 'f'.repeat(64) } : status));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, seen, close: () => new Promise((r) => server.close(() => r())) };
}

test('a program squatting on the dashboard port learns neither the token nor a typed-in key', async () => {
  const sq = await squatter();
  const { home: h, cleanup } = await tempHome();
  try {
    const env = { ...(await isolatedEnv(h)), CLP_UI_PORT: String(sq.port) };
    // The token of an earlier run is still on disk.
    await mkdir(join(h, 'run'), { recursive: true });
    const stale = 'c'.repeat(64);
    await writeFile(join(h, 'run', 'token'), stale);
    await writeConfig(h, 'claude', { a: { base_url: upstream.baseUrl, api_key: KEY } });
    const results = [
      await clp(['pool', 'claude', 'reset'], env),
      await clp(['usage'], env),
      await clp(['logs'], env),
      await clp(['ui', '--no-open'], env),
      await clp(['stop'], env),
    ];
    for (const r of results) assert.notEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(results[0]!.stderr, /did not prove it is this CLP/);
    assert.ok(!results[3]!.stdout.includes(stale), 'clp ui printed no link with the key');
    for (const s of sq.seen) {
      const text = JSON.stringify(s);
      assert.ok(!text.includes(stale), `the squatter saw the token in ${s.url}`);
      assert.ok(!text.includes(KEY));
    }

    const { OwnerClient } = await import('../../src/core/owner/owner-client.ts');
    const { ConfigSave } = await import('../../src/shared/protocol.ts');
    const client = new OwnerClient('127.0.0.1', sq.port, join(h, 'run'));
    await assert.rejects(client.call(ConfigSave, { service: 'claude', name: 'b', base_url: 'https://relay.example', api_key: KEY }), {
      code: 'owner_unverified',
    });
    assert.deepEqual((await client.probe()).kind, 'foreign');
    for (const s of sq.seen) assert.ok(!JSON.stringify(s).includes(KEY) && !JSON.stringify(s).includes(stale));
  } finally {
    await sq.close();
    await cleanup();
  }
});

test('the browser page keeps its token for the tab only (sessionStorage)', async () => {
  const js = await readFile(join(__dirname, '..', '..', 'dist', 'webview', 'app.js'), 'utf8');
  assert.ok(js.includes('sessionStorage'));
  assert.ok(!js.includes('localStorage'));
});

test('a page that knew the last owner’s token gets the new one by proving it, once per nonce; nobody else does', async () => {
  const { rekeyAnswer, rekeyAsk } = await import('../../src/core/owner/token.ts');
  const other = await tempHome();
  try {
    const a = await startCore(other.home);
    const old = await dashboardToken(other.home);
    await a.stop();
    const b = await startCore(other.home);
    try {
      const next = await dashboardToken(other.home);
      const ask = (nonce: string, proof: string) => request(`${b.urls.ui}/api/rekey`, { method: 'POST', body: JSON.stringify({ nonce, proof }) });
      const nonce = 'cd'.repeat(20);
      const wrong = await ask(nonce, rekeyAsk('f'.repeat(64), nonce));
      assert.equal(wrong.statusCode, 401);
      assert.ok(!(await wrong.body.text()).includes(next));
      const good = await ask(nonce, rekeyAsk(old, nonce));
      assert.equal(good.statusCode, 200);
      const answer = (await good.body.json()) as { token: string; proof: string };
      assert.equal(answer.token, next);
      assert.equal(answer.proof, rekeyAnswer(old, nonce, next), 'the answer is bound to the old token and the nonce');
      const replay = await ask(nonce, rekeyAsk(old, nonce));
      assert.equal(replay.statusCode, 401, 'a nonce serves once');
      await replay.body.text();
    } finally {
      await b.stop();
    }
    // A first owner (no last token) trades nothing.
    const fresh = await tempHome();
    try {
      const c = await startCore(fresh.home);
      const nonce = 'ef'.repeat(20);
      const res = await request(`${c.urls.ui}/api/rekey`, { method: 'POST', body: JSON.stringify({ nonce, proof: rekeyAsk(old, nonce) }) });
      assert.equal(res.statusCode, 401);
      await res.body.text();
      await c.stop();
    } finally {
      await fresh.cleanup();
    }
  } finally {
    await other.cleanup();
  }
});

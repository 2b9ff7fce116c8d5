import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';
import { raw } from '../helpers/raw.ts';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let up: FakeUpstream;
const SECRET = 'sk-ant-secret-value-never-shown';

before(async () => {
  home = await tempHome();
  up = await FakeUpstream.start('anthropic', 'up');
  await writeConfig(home.home, 'claude', { prod: { base_url: up.baseUrl, auth_token: SECRET, api_key: SECRET } });
  core = await startCore(home.home);
});

after(async () => {
  await core.stop();
  await up.close();
  await home.cleanup();
});

test("HEAD / (Claude Code's preflight) is answered 200 at once, not forwarded", async () => {
  const res = await raw(core.ports().claude, 'HEAD', '/');
  assert.equal(res.status, 200);
  assert.equal(up.requests.length, 0);
});

test('GET /health names the service, port, pid, owner and active config', async () => {
  const res = await raw(core.ports().claude, 'GET', '/health');
  assert.deepEqual(JSON.parse(res.body), {
    clp: true,
    service: 'claude',
    port: core.ports().claude,
    pid: process.pid,
    owner: 'foreground',
    active: 'prod',
    placeholder: false,
  });
  const codex = JSON.parse((await raw(core.ports().codex, 'GET', '/health')).body);
  assert.equal(codex.service, 'codex');
  assert.equal(codex.placeholder, true);
});

test('Claude Code telemetry is answered locally and never reaches a relay', async () => {
  const res = await raw(core.ports().claude, 'POST', '/api/event_logging/batch', { 'content-type': 'application/json' }, '{"events":[]}');
  assert.equal(res.status, 204);
  assert.equal((await raw(core.ports().claude, 'HEAD', '/api/hello')).status, 200);
  assert.equal(up.requests.length, 0);
});

test('a browser request (Origin header) to a proxy port is refused before it spends a credential', async () => {
  const res = await raw(core.ports().claude, 'POST', '/v1/messages', { origin: 'https://evil.example', 'content-type': 'application/json' }, '{"model":"m"}');
  assert.equal(res.status, 403);
  assert.equal(JSON.parse(res.body).error.type, 'permission_error');
  const preflight = await raw(core.ports().claude, 'OPTIONS', '/v1/messages', { origin: 'https://evil.example', 'access-control-request-method': 'POST' });
  assert.equal(preflight.status, 403);
  assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  assert.equal(up.requests.length, 0);
});

test('the UI port answers its liveness for loopback names only (DNS rebinding is refused)', async () => {
  const port = core.ports().ui;
  const ok = await raw(port, 'GET', '/api/status', { host: `127.0.0.1:${port}` });
  assert.equal(ok.status, 200);
  const status = JSON.parse(ok.body);
  assert.deepEqual(Object.keys(status).sort(), ['clp', 'pid', 'version'], 'CLP, version and pid: nothing from configs or the log');
  assert.equal(status.pid, process.pid);
  assert.equal((await raw(port, 'GET', '/api/status', { host: `localhost:${port}` })).status, 200);
  assert.equal((await raw(port, 'GET', '/api/status', { host: `attacker.example:${port}` })).status, 403);
  assert.equal((await raw(port, 'GET', '/api/status', { host: `127.0.0.1:1` })).status, 403);
  const page = await raw(port, 'GET', '/', { host: `127.0.0.1:${port}` });
  assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
});

test('no response from CLP itself ever contains a stored key', async () => {
  const port = core.ports();
  const bodies = [
    (await raw(port.ui, 'GET', '/api/status', { host: `127.0.0.1:${port.ui}` })).body,
    (await raw(port.ui, 'GET', '/', { host: `127.0.0.1:${port.ui}` })).body,
    (await raw(port.claude, 'GET', '/health')).body,
    JSON.stringify(core.status()),
  ];
  for (const body of bodies) assert.ok(!body.includes(SECRET));
});

import { noPorts } from '../../src/shared/services.ts';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createCore } from '../../src/core/core.ts';
import { createMemoryLogger } from '../../src/core/log.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';
import { raw } from '../helpers/raw.ts';

const KEY = 'sk-ant-api03-guardSECRETguardSECRETguard-0000';
const BODY = '{"model":"claude-haiku-4-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}';

let home: Awaited<ReturnType<typeof tempHome>>;
let up: FakeUpstream;
let codexUp: FakeUpstream;

before(async () => {
  home = await tempHome();
  up = await FakeUpstream.start('anthropic', 'up');
  codexUp = await FakeUpstream.start('responses', 'codex-up');
  await writeConfig(home.home, 'claude', { prod: { base_url: up.baseUrl, api_key: KEY } });
  await writeConfig(home.home, 'codex', { relay: { base_url: codexUp.baseUrl, auth_token: KEY } });
});

after(async () => {
  await up.close();
  await codexUp.close();
  await home.cleanup();
});

test('a DNS-rebinding page (a foreign Host) and any Sec-Fetch-Site but none are refused in the client dialect', async () => {
  const core = await startCore(home.home);
  try {
    const port = core.ports().claude;
    const before = up.requests.length;
    const rebound = await raw(port, 'GET', '/v1/files', { host: `attacker.example:${port}` });
    assert.equal(rebound.status, 403);
    const e = JSON.parse(rebound.body);
    assert.equal(e.type, 'error');
    assert.equal(e.error.type, 'permission_error');
    assert.match(e.error.message, /answers only to loopback names.*Host "attacker\.example:\d+" was refused/);
    assert.equal((await raw(port, 'GET', '/health', { host: `attacker.example:${port}` })).status, 403, 'not even the health answer');
    assert.equal(
      (await raw(port, 'POST', '/v1/messages', { host: `127.0.0.1:${port + 1}`, 'content-type': 'application/json' }, BODY)).status,
      403,
      'another port',
    );
    for (const site of ['same-origin', 'same-site', 'cross-site']) {
      const r = await raw(port, 'POST', '/v1/messages', { host: `127.0.0.1:${port}`, 'sec-fetch-site': site, 'content-type': 'application/json' }, BODY);
      assert.equal(r.status, 403, site);
      assert.match(JSON.parse(r.body).error.message, new RegExp(`Sec-Fetch-Site: ${site}`));
    }
    const codexPort = core.ports().codex;
    const c = await raw(
      codexPort,
      'POST',
      '/v1/responses',
      { host: `evil.example:${codexPort}`, 'content-type': 'application/json' },
      '{"model":"gpt-5","input":"hi"}',
    );
    assert.equal(c.status, 403);
    assert.equal(JSON.parse(c.body).error.code, 'origin_refused', 'OpenAI dialect');
    assert.equal(up.requests.length, before, 'nothing reached an upstream');

    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      assert.equal((await raw(port, 'POST', '/v1/messages', { host, 'sec-fetch-site': 'none', 'content-type': 'application/json' }, BODY)).status, 200, host);
    }
    const sdk = new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0 });
    await sdk.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
  } finally {
    await core.stop();
  }
});

test('with clientSecret on, only clients that send the secret get through, and the upstream sees the config key', async () => {
  const core = await startCore(home.home, { clientSecret: true });
  try {
    const secret = (await readFile(join(home.home, 'client-secret'), 'utf8')).trim();
    assert.match(secret, /^clp-[0-9a-f]{48}$/);
    const refused = new Anthropic({ baseURL: core.urls.claude, apiKey: 'clp', maxRetries: 0 });
    await assert.rejects(
      refused.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
      (err: { status?: number; message?: string }) => {
        assert.equal(err.status, 401);
        assert.match(String(err.message), /client secret/);
        return true;
      },
    );
    const asBearer = new Anthropic({ baseURL: core.urls.claude, authToken: secret, apiKey: null, maxRetries: 0 });
    await asBearer.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    const asApiKey = new Anthropic({ baseURL: core.urls.claude, apiKey: secret, maxRetries: 0 });
    await asApiKey.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    const last = up.requests.at(-1)!;
    assert.equal(last.headers['x-api-key'], KEY);
    assert.ok(!JSON.stringify(last.headers).includes(secret), 'the secret never leaves the machine');

    const codexRefused = new OpenAI({ baseURL: core.urls.codex, apiKey: 'clp', maxRetries: 0 });
    await assert.rejects(codexRefused.responses.create({ model: 'gpt-5', input: 'hi' }), { status: 401 });
    const codex = new OpenAI({ baseURL: core.urls.codex, apiKey: secret, maxRetries: 0 });
    await codex.responses.create({ model: 'gpt-5', input: 'hi' });
    assert.equal(codexUp.requests.at(-1)!.headers.authorization, `Bearer ${KEY}`);

    // With the secret, Host is no longer the guard (the port may be reached by another name).
    const port = core.ports().claude;
    assert.equal(
      (await raw(port, 'POST', '/v1/messages', { host: `devbox.lan:${port}`, authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, BODY))
        .status,
      200,
    );
  } finally {
    await core.stop();
  }
});

test('a host other than loopback is refused unless clientSecret is on, saying why', async () => {
  const core = await createCore({
    home: home.home,
    env: {},
    ownerKind: 'foreground',
    log: createMemoryLogger(),
    settings: { host: '0.0.0.0', ports: noPorts() },
  });
  await assert.rejects(core.start(), (err: { code?: string; message?: string }) => {
    assert.equal(err.code, 'config_invalid');
    assert.match(String(err.message), /host "0\.0\.0\.0" would let other machines spend your keys.*"clientSecret": true/);
    return true;
  });
});

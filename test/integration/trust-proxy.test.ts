import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { clp } from '../helpers/cli.ts';
import { eventually, sleep, tempHome, writeConfig } from '../helpers/home.ts';
import { raw } from '../helpers/raw.ts';
import { dashboardToken, rpc } from '../helpers/rpc.ts';
import { sseFrame } from '../fixtures/anthropic.ts';

const BODY = '{"model":"claude-haiku-4-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}';
const ask = (baseURL: string) =>
  new Anthropic({ baseURL, apiKey: 'placeholder', maxRetries: 0 }).messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: 5,
    messages: [{ role: 'user', content: 'hi' }],
  });

/** An upstream whose every answer a test scripts. */
async function scripted(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function withCore<T>(
  configs: { claude?: unknown; codex?: unknown },
  settings: Parameters<typeof startCore>[1],
  fn: (core: Awaited<ReturnType<typeof startCore>>, home: string) => Promise<T>,
): Promise<T> {
  const home = await tempHome();
  if (configs.claude) await writeConfig(home.home, 'claude', configs.claude);
  if (configs.codex) await writeConfig(home.home, 'codex', configs.codex);
  const core = await startCore(home.home, settings);
  try {
    return await fn(core, home.home);
  } finally {
    await core.stop();
    await home.cleanup();
  }
}

test('config names outside Latin-1 (Chinese, emoji) work for requests, headers, the log, usage, the pool, routes and the CLI', async () => {
  const a = await FakeUpstream.start('anthropic', 'a');
  const b = await FakeUpstream.start('anthropic', 'b');
  const codexUp = await FakeUpstream.start('responses', 'c');
  try {
    await withCore(
      {
        claude: { 中转站: { base_url: a.baseUrl, api_key: 'sk-a', weight: 10, active: true }, '🚀 relay': { base_url: b.baseUrl, api_key: 'sk-b', weight: 5 } },
        codex: { 国内中转: { base_url: codexUp.baseUrl, auth_token: 'sk-c', active: true } },
      },
      {},
      async (core, home) => {
        const res = await raw(
          core.ports().claude,
          'POST',
          '/v1/messages',
          { host: `127.0.0.1:${core.ports().claude}`, 'content-type': 'application/json' },
          BODY,
        );
        assert.equal(res.status, 200, res.body);
        assert.equal(decodeURIComponent(String(res.headers['x-clp-upstream'])), '中转站');
        await ask(core.urls.claude);

        // A model name outside Latin-1 in Codex's rewritten `openai-model`.
        await writeFile(
          join(home, 'routes.json'),
          JSON.stringify({ claude: [{ match: { model: 'claude-opus-*' }, config: '🚀 relay' }], codex: [{ match: { model: '模型-*' }, model: 'gpt-5' }] }),
        );
        await core.requests()!.flush();
        const token = await dashboardToken(home);
        const call = (method: string, params: unknown) => rpc(core.urls.ui, method, params, { 'x-clp-token': token });
        await call('routes/get', {});
        await eventually(async () => (await call('routes/get', {})).json.routes.codex.length === 1);
        const codex = new OpenAI({ baseURL: core.urls.codex, apiKey: 'x', maxRetries: 0 });
        const answer = await codex.responses.create({ model: '模型-1', input: 'hi' }).withResponse();
        assert.equal(decodeURIComponent(answer.response.headers.get('openai-model')!), '模型-1');
        assert.equal(codexUp.requests.at(-1)!.body.includes('"model":"gpt-5"'), true);

        const pinned = await new Anthropic({ baseURL: core.urls.claude, apiKey: 'x', maxRetries: 0 }).messages
          .create({ model: 'claude-opus-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
          .withResponse();
        assert.equal(decodeURIComponent(pinned.response.headers.get('x-clp-upstream')!), '🚀 relay');

        await core.requests()!.flush();
        const logs = (await call('logs/list', { limit: 10 })).json as Array<{ config: string; status: number }>;
        assert.deepEqual(new Set(logs.map((l) => l.config)), new Set(['中转站', '🚀 relay', '国内中转']));
        assert.ok(logs.every((l) => l.status === 200));
        const usage = (await call('usage/get', { by: 'config' })).json;
        assert.ok(usage.services.claude.configs.中转站 && usage.services.claude.configs['🚀 relay']);
        assert.equal((await call('pool/action', { service: 'claude', action: { action: 'disable-today', name: '🚀 relay' } })).status, 200);
        const pool = (await call('pool/get', { service: 'claude' })).json as { members: Array<{ name: string; disabledToday: boolean }> };
        assert.equal(pool.members.find((m) => m.name === '🚀 relay')!.disabledToday, true);
        assert.equal((await call('configs/activate', { service: 'claude', name: '🚀 relay' })).status, 200);

        const list = await clp(['list', 'claude'], { PATH: process.env.PATH, HOME: home, CLP_HOME: home, CLP_UI_PORT: String(core.ports().ui) });
        assert.equal(list.code, 0, list.stderr);
        assert.match(list.stdout, /中转站/);
        assert.match(list.stdout, /\* 🚀 relay/);
      },
    );
  } finally {
    await a.close();
    await b.close();
    await codexUp.close();
  }
});

test("a 429 with a year-long retry-after cools a config for the capped time only, and CLP's own 503 carries a retry-after", async () => {
  const limited = await scripted((_req, res) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '31536000' });
    res.end('{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}');
  });
  try {
    await withCore(
      { claude: { a: { base_url: limited.url, api_key: 'k', weight: 2, active: true }, b: { base_url: limited.url, api_key: 'k', weight: 1 } } },
      { maxRetryAfterSec: 120 },
      async (core, home) => {
        const token = await dashboardToken(home);
        await rpc(core.urls.ui, 'pool/action', { service: 'claude', action: { action: 'mode', mode: 'pool' } }, { 'x-clp-token': token });
        const first = await raw(
          core.ports().claude,
          'POST',
          '/v1/messages',
          { host: `127.0.0.1:${core.ports().claude}`, 'content-type': 'application/json' },
          BODY,
        );
        assert.equal(first.status, 429);
        const pool = (await rpc(core.urls.ui, 'pool/get', { service: 'claude' }, { 'x-clp-token': token })).json as {
          members: Array<{ name: string; why: string }>;
        };
        for (const m of pool.members) {
          const secs = Number(/cooling down (\d+) s/.exec(m.why)?.[1]);
          assert.ok(secs > 0 && secs <= 120, `${m.name}: ${m.why}`);
        }
        const refused = await raw(
          core.ports().claude,
          'POST',
          '/v1/messages',
          { host: `127.0.0.1:${core.ports().claude}`, 'content-type': 'application/json' },
          BODY,
        );
        assert.equal(refused.status, 503);
        assert.match(JSON.parse(refused.body).error.message, /no claude upstream is available/);
        const retry = Number(refused.headers['retry-after']);
        assert.ok(retry >= 1 && retry <= 120, `retry-after ${refused.headers['retry-after']}`);
      },
    );
  } finally {
    await limited.close();
  }
});

test('a failed answer whose body stalls does not hold up failover to the next config', async () => {
  const stalling = await scripted((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.write('{"type":"error","error":{"type":"api_error","message":"bo'); // and never more
  });
  const good = await FakeUpstream.start('anthropic', 'good');
  try {
    await withCore(
      { claude: { a: { base_url: stalling.url, api_key: 'k', weight: 2, active: true }, b: { base_url: good.baseUrl, api_key: 'k', weight: 1 } } },
      { timeouts: { streamIdleMs: 60_000 } },
      async (core, home) => {
        await rpc(core.urls.ui, 'pool/action', { service: 'claude', action: { action: 'mode', mode: 'pool' } }, { 'x-clp-token': await dashboardToken(home) });
        const t = Date.now();
        const answer = await ask(core.urls.claude);
        assert.match(JSON.stringify(answer.content), /Hello from good/);
        assert.ok(Date.now() - t < 5000, `failover took ${Date.now() - t} ms`);
      },
    );
  } finally {
    await stalling.close();
    await good.close();
  }
});

test('a stream that ends without its closing event is recorded as incomplete, not as a clean 200', async () => {
  const cut = await scripted((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(
      sseFrame('message_start', {
        type: 'message_start',
        message: { id: 'm', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [], usage: { input_tokens: 3, output_tokens: 1 } },
      }),
    );
    res.end(sseFrame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'half an ans' } }));
  });
  try {
    await withCore({ claude: { a: { base_url: cut.url, api_key: 'k', active: true } } }, {}, async (core) => {
      const res = await raw(
        core.ports().claude,
        'POST',
        '/v1/messages',
        { host: `127.0.0.1:${core.ports().claude}`, 'content-type': 'application/json' },
        BODY.replace('{', '{"stream":true,'),
      );
      assert.equal(res.status, 200);
      await core.requests()!.flush();
      const [row] = await core.requests()!.logs({ limit: 1 });
      assert.equal(row!.error, 'stream_incomplete');
    });
  } finally {
    await cut.close();
  }
});

test('dot segments in the path are refused before the path meets a base_url', async () => {
  const up = await FakeUpstream.start('anthropic', 'up');
  try {
    await withCore({ claude: { a: { base_url: `${up.baseUrl}/relay/anthropic`, api_key: 'k', active: true } } }, {}, async (core) => {
      const port = core.ports().claude;
      for (const path of ['/v1/../../admin', '/v1/%2e%2e/%2E%2E/admin', '/v1/..%2fadmin', '/v1/./messages', '/v1/..\\admin']) {
        const res = await raw(port, 'POST', path, { host: `127.0.0.1:${port}`, 'content-type': 'application/json' }, BODY);
        assert.equal(res.status, 400, path);
        assert.match(JSON.parse(res.body).error.message, /"\." or "\.\." segment/);
      }
      assert.equal(up.requests.length, 0);
    });
  } finally {
    await up.close();
  }
});

test('request bodies held in memory have a global budget: past it a request gets a 429 in its dialect, and the budget comes back', async () => {
  const up = await FakeUpstream.start('anthropic', 'up');
  try {
    await withCore({ claude: { a: { base_url: up.baseUrl, api_key: 'k', active: true } } }, { maxBodiesInMemoryMb: 1 }, async (core) => {
      const port = core.ports().claude;
      const big = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(1_500_000) }] });
      const res = await raw(port, 'POST', '/v1/messages', { host: `127.0.0.1:${port}`, 'content-type': 'application/json' }, big);
      assert.equal(res.status, 429);
      assert.equal(JSON.parse(res.body).error.type, 'rate_limit_error');
      assert.match(JSON.parse(res.body).error.message, /maxBodiesInMemoryMb/);
      assert.equal(res.headers['retry-after'], '1');
      await ask(core.urls.claude);
      await ask(core.urls.claude);
    });
  } finally {
    await up.close();
  }
});

const openFds = () => readdirSync('/proc/self/fd').length;

test('a client too slow with its headers gets a 408 in its dialect and its socket is closed; broken framing gets a short 400', async () => {
  await withCore({}, { timeouts: { clientHeadersMs: 300 } }, async (core) => {
    const port = core.ports().claude;
    const before = openFds();
    const sockets = Array.from({ length: 40 }, () => {
      const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      s.on('error', () => undefined);
      s.write(`POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`); // and the rest never comes
      return s;
    });
    const answers = await Promise.all(
      sockets.map(
        (s) =>
          new Promise<string>((resolve) => {
            let text = '';
            s.on('data', (c: Buffer) => (text += c));
            s.on('end', () => resolve(text));
          }),
      ),
    );
    for (const text of answers) {
      assert.match(text, /^HTTP\/1\.1 408 /);
      assert.equal(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).error.message, 'CLP: the request headers did not arrive in time [request_timeout]');
    }
    // The clients keep their ends open; CLP's ends are gone (about 40 fds here, not 80).
    assert.ok(await eventually(() => openFds() - before <= 45, 3000), `${openFds() - before} more fds than before`);
    for (const s of sockets) s.destroy();

    const broken = await new Promise<string>((resolve) => {
      const s = connect({ port, host: '127.0.0.1' });
      let text = '';
      s.on('data', (c: Buffer) => (text += c));
      s.on('close', () => resolve(text));
      s.write('NONSENSE\x01 / HTTP/1.1\r\n\r\n');
    });
    assert.match(broken, /^HTTP\/1\.1 400 /);
    assert.equal(JSON.parse(broken.slice(broken.indexOf('\r\n\r\n') + 4)).type, 'error');
    await sleep(10);
  });
});

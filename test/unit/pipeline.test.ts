import { noPorts } from '../../src/shared/services.ts';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCore } from '../../src/core/core.ts';
import { createMemoryLogger } from '../../src/core/log.ts';
import { applyPoolAction } from '../../src/core/pool/actions.ts';
import type { ServiceName } from '../../src/shared/services.ts';
import type { RequestRecord } from '../../src/shared/records.ts';
import { inProcess, ScriptedUpstream, type Answer, type ScriptedAnswer } from '../helpers/in-process.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';

const ask = { model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };
const TWO = {
  a: { base_url: 'https://a.example', api_key: 'key-a', weight: 2, active: true },
  b: { base_url: 'https://b.example', api_key: 'key-b', weight: 1 },
};

interface Row {
  name: string;
  service?: ServiceName;
  configs?: Record<string, unknown>;
  pool?: boolean;
  files?: Record<string, unknown>;
  script?: Array<ScriptedAnswer | Error>;
  request?: { path?: string; headers?: Record<string, string>; body?: unknown };
  expect: (answer: Answer, upstream: ScriptedUpstream, record: RequestRecord | null) => void;
}

/** The decisions of the pipeline, driven in-process: no socket between the test, CLP and the upstream. */
const rows: Row[] = [
  {
    name: 'no config yet: a 400 in the client dialect naming the file, and no upstream call',
    configs: {},
    expect: (a, up) => {
      assert.equal(a.status, 400);
      assert.match(JSON.parse(a.body).error.message, /no upstream is configured for claude: it has no configs yet\. Add one to .*claude\.json/);
      assert.equal(up.calls.length, 0);
    },
  },
  {
    name: 'pool mode fails over from a 500 to the next config before any byte reached the client',
    pool: true,
    script: [{ status: 500, body: { type: 'error', error: { type: 'api_error', message: 'down' } } }],
    expect: (a, up, r) => {
      assert.equal(a.status, 200);
      assert.deepEqual(
        up.calls.map((c) => c.url),
        ['https://a.example/v1/messages', 'https://b.example/v1/messages'],
      );
      assert.equal(up.calls[1]!.headers['x-api-key'], 'key-b');
      assert.deepEqual(
        r!.trace!.map((t) => t.kind),
        ['plan', 'attempt', 'attempt'],
      );
    },
  },
  {
    name: 'a connect error fails over too, and the last failure answers in the dialect',
    pool: true,
    script: [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })],
    expect: (a, up) => {
      assert.equal(a.status, 502);
      assert.match(
        JSON.parse(a.body).error.message,
        /upstream "b" \(https:\/\/b\.example\): connection refused \(tried "a": connection refused; "b": connection refused\)/,
      );
      assert.equal(up.calls.length, 2);
    },
  },
  {
    name: 'a 400 passes straight through, without failover',
    pool: true,
    script: [{ status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } } }],
    expect: (a, up) => {
      assert.equal(a.status, 400);
      assert.equal(JSON.parse(a.body).error.message, 'bad');
      assert.equal(up.calls.length, 1);
    },
  },
  {
    name: 'a routing rule rewrites the model and pins a config; only the model changes in the body',
    files: { 'routes.json': { claude: [{ match: { model: 'claude-haiku-*' }, model: 'glm-4.6', config: 'b' }] } },
    expect: (a, up, r) => {
      assert.equal(a.status, 200);
      assert.equal(up.calls[0]!.url, 'https://b.example/v1/messages');
      assert.equal(up.calls[0]!.body, JSON.stringify(ask).replace('claude-haiku-4-5', 'glm-4.6'));
      assert.deepEqual([r!.model_requested, r!.model_sent], ['claude-haiku-4-5', 'glm-4.6']);
    },
  },
  {
    name: 'Codex gets back the model it asked for in openai-model after a rewrite',
    service: 'codex',
    configs: { r: { base_url: 'https://r.example/v1', auth_token: 'key-r' } },
    files: { 'routes.json': { codex: [{ match: { model: 'gpt-5' }, model: 'kimi-k2' }] } },
    script: [{ status: 200, headers: { 'openai-model': 'kimi-k2' }, body: { object: 'response', status: 'completed', output: [] } }],
    request: { path: '/v1/responses', body: { model: 'gpt-5', input: 'hi' } },
    expect: (a, up) => {
      assert.equal(a.headers['openai-model'], 'gpt-5');
      assert.match(up.calls[0]!.body, /"model":"kimi-k2"/);
      assert.equal(up.calls[0]!.headers.authorization, 'Bearer key-r');
    },
  },
  {
    name: 'a filter rule redacts the body sent upstream and the log keeps only the redacted one',
    files: { 'filter.json': [{ source: 'hunter2', op: 'replace', target: '[pw]', match: 'literal' }] },
    request: { body: { ...ask, messages: [{ role: 'user', content: 'pw hunter2' }] } },
    expect: (_a, up, r) => {
      assert.match(up.calls[0]!.body, /pw \[pw\]/);
      assert.deepEqual(r!.trace, [{ kind: 'filters', hits: { '#1': 1 } }]);
    },
  },
  {
    name: 'an upstream that rejects signed history gets the request once more without it',
    script: [
      {
        status: 400,
        body: { type: 'error', error: { type: 'invalid_request_error', message: 'messages.1.content.0: Invalid `signature` in `thinking` block' } },
      },
    ],
    request: {
      body: {
        ...ask,
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'hm', signature: 'sig-other' },
              { type: 'text', text: 'yo' },
            ],
          },
          { role: 'user', content: 'again' },
        ],
      },
    },
    expect: (a, up, r) => {
      assert.equal(a.status, 200);
      assert.equal(up.calls.length, 2);
      assert.match(up.calls[0]!.body, /sig-other/);
      assert.doesNotMatch(up.calls[1]!.body, /sig-other|"thinking"/);
      assert.equal(r!.trace![0]!.kind, 'strip');
    },
  },
  {
    name: 'a foreign Host (DNS rebinding) is refused before anything is read',
    request: { headers: { host: 'attacker.example:0' } },
    expect: (a, up) => {
      assert.equal(a.status, 403);
      assert.equal(up.calls.length, 0);
    },
  },
];

for (const row of rows) {
  test(row.name, async () => {
    const { home, cleanup } = await tempHome();
    const service = row.service ?? 'claude';
    await writeConfig(home, service, row.configs ?? TWO);
    for (const [file, value] of Object.entries(row.files ?? {})) await writeFile(join(home, file), JSON.stringify(value));
    const upstream = new ScriptedUpstream(row.script);
    const core = await createCore({
      home,
      env: {},
      ownerKind: 'foreground',
      log: createMemoryLogger(),
      upstream,
      settings: { ports: noPorts() },
    });
    await core.start();
    try {
      if (row.pool) await applyPoolAction(core.pool, core.stores[service], service, { action: 'mode', mode: 'pool' });
      let record: RequestRecord | null = null;
      const off = core.events.on('request:end', (f) => (record = f.record));
      const answer = await inProcess(core.proxyHandler(service), { ...row.request, body: row.request?.body ?? ask });
      off();
      row.expect(answer, upstream, record);
    } finally {
      await core.stop();
      await cleanup();
    }
  });
}

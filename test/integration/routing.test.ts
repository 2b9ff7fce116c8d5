import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RequestRecord } from '../../src/shared/records.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let main: FakeUpstream;
let cheap: FakeUpstream;
let codexUp: FakeUpstream;
const live: RequestRecord[] = [];

before(async () => {
  home = await tempHome();
  main = await FakeUpstream.start('anthropic', 'main');
  cheap = await FakeUpstream.start('anthropic', 'cheap');
  codexUp = await FakeUpstream.start('responses', 'codex');
  await writeConfig(home.home, 'claude', { main: { base_url: main.baseUrl, active: true }, cheap: { base_url: cheap.baseUrl } });
  await writeConfig(home.home, 'codex', { relay: { base_url: codexUp.baseUrl } });
  await mkdir(join(home.home, 'data'), { recursive: true });
  // Only the original's router file exists: CLP imports it into routes.json on first start.
  await writeFile(
    join(home.home, 'data', 'model_router_config.json'),
    JSON.stringify({
      mode: 'config-mapping',
      modelMappings: { claude: [], codex: [] },
      configMappings: { claude: [{ model: 'claude-3-5-haiku-20241022', config: 'cheap' }], codex: [] },
    }),
  );
  core = await startCore(home.home);
  core.events.on('request:end', (f) => live.push(f.record));
});

after(async () => {
  await core.stop();
  await Promise.all([main.close(), cheap.close(), codexUp.close()]);
  await home.cleanup();
});

test('the original router file is imported; its config-mapping pins haiku to the cheap relay', async () => {
  const routes = JSON.parse(await readFile(join(home.home, 'routes.json'), 'utf8'));
  assert.equal(routes.claude[0].config, 'cheap');
  const client = new Anthropic({ baseURL: core.urls.claude, authToken: 'x', apiKey: null, maxRetries: 0 });
  const msg = await client.messages.create({ model: 'claude-3-5-haiku-20241022', max_tokens: 8, messages: [{ role: 'user', content: 'title this' }] });
  assert.equal((msg.content[0] as Anthropic.TextBlock).text, 'Hello from cheap');
  const other = await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal((other.content[0] as Anthropic.TextBlock).text, 'Hello from main');
});

test('rewrite and pin combine; the record keeps both models', async () => {
  await writeFile(
    join(home.home, 'routes.json'),
    JSON.stringify({ claude: [{ name: 'opus-via-cheap', match: { model: 'claude-opus-*' }, model: 'glm-4.6', config: 'cheap' }], codex: [] }),
  );
  await new Promise((r) => setTimeout(r, 700));
  const client = new Anthropic({ baseURL: core.urls.claude, authToken: 'x', apiKey: null, maxRetries: 0 });
  const n = live.length;
  await client.messages.create({ model: 'claude-opus-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(JSON.parse(cheap.requests.at(-1)!.body).model, 'glm-4.6');
  await eventually(() => live.length > n);
  const rec = live.at(-1)!;
  assert.deepEqual([rec.model_requested, rec.model_sent, rec.config], ['claude-opus-4-5', 'glm-4.6', 'cheap']);
  assert.ok(rec.trace!.some((t) => t.kind === 'route' && t.matched.length > 0));
});

test('Codex: a rewritten model does not trigger the reroute warning (openai-model agrees with what Codex asked for)', async () => {
  await writeFile(join(home.home, 'routes.json'), JSON.stringify({ claude: [], codex: [{ match: { model: 'gpt-5-codex' }, model: 'relay-model-x' }] }));
  await new Promise((r) => setTimeout(r, 700));
  const openai = new OpenAI({ baseURL: core.urls.codex, apiKey: 'x', maxRetries: 0 });
  const { data, response } = await openai.responses.create({ model: 'gpt-5-codex', input: 'hi', stream: true }).withResponse();
  for await (const _ of data) {
    // drain
  }
  assert.equal(JSON.parse(codexUp.requests.at(-1)!.body).model, 'relay-model-x');
  assert.equal(response.headers.get('openai-model'), 'gpt-5-codex');
});

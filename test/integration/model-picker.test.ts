import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePickerId } from '../../src/core/providers/anthropic/model-picker.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';

/**
 * Claude Code's `/model` filled from CLP: `GET /v1/models` lists each config's models with ids that
 * name the config; a request with such an id goes to that config with the real model, and binds its
 * session there for the requests that follow (a background haiku call names no config).
 */
test('model picker: CLP lists every config and model; a picked id reaches its config with the real model and binds the session', async () => {
  const home = await tempHome();
  const a = await FakeUpstream.start('anthropic', 'a');
  const b = await FakeUpstream.start('anthropic', 'b');
  await writeConfig(home.home, 'claude', {
    a: { base_url: a.baseUrl, auth_token: 'sk-a-aaaaaaaaaaaaaaaaaaaa', active: true },
    '中转 B@1': { base_url: b.baseUrl, auth_token: 'sk-b-bbbbbbbbbbbbbbbbbbbb', models: ['claude-opus-4-8', 'glm-4.6'] },
  });
  const core = await startCore(home.home);
  const client = (session?: string) =>
    new Anthropic({
      baseURL: core.urls.claude,
      apiKey: 'placeholder',
      maxRetries: 0,
      ...(session ? { defaultHeaders: { 'x-claude-code-session-id': session } } : {}),
    });
  try {
    const page = await client().models.list();
    const ids = page.data.map((m) => m.id);
    assert.deepEqual(ids, ['claude-opus-5-5@a', 'claude-sonnet-5-5@a', 'claude-haiku-5-5@a', 'claude-opus-4-8@中转 B%401', 'claude:glm-4.6@中转 B%401']);
    assert.ok(
      ids.every((id) => /^claude/.test(id)),
      'Claude Code keeps only ids that start with claude',
    );
    assert.deepEqual(
      page.data.map((m) => m.display_name),
      ['Opus 5.5 via a', 'Sonnet 5.5 via a', 'Haiku 5.5 via a', 'Opus 4.8 via 中转 B@1', 'glm-4.6 via 中转 B@1'],
    );
    assert.deepEqual(
      ids.map((id) => parsePickerId(id)?.config),
      ['a', 'a', 'a', '中转 B@1', '中转 B@1'],
    );
    assert.equal(a.requests.length + b.requests.length, 0, 'the list is CLP’s own, never forwarded');

    const s = client('sess-picker-1');
    const before = [a.requests.length, b.requests.length];
    const answer = await s.messages.create({ model: ids[4]!, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    assert.match((answer.content[0] as { text: string }).text, /Hello from b/);
    assert.equal(JSON.parse(b.requests.at(-1)!.body).model, 'glm-4.6', 'the real model goes upstream');
    // The session's next request names a plain model (Claude Code's background haiku call): still b.
    await s.messages.create({ model: 'claude-haiku-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    // Another session, and a request without one, follow the active config.
    await client('sess-other-2').messages.create({ model: 'claude-haiku-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    await client().messages.create({ model: 'claude-haiku-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    assert.deepEqual([a.requests.length - before[0]!, b.requests.length - before[1]!], [2, 2]);
    await core.requests()!.flush();
    const [, , second, first] = await core.requests()!.logs({ limit: 4 });
    assert.equal(first!.model_requested, 'claude:glm-4.6@中转 B%401');
    assert.equal(first!.model_sent, 'glm-4.6');
    assert.deepEqual(first!.trace?.[0], { kind: 'bound', config: ['中转 B@1'], by: 'model' });
    assert.deepEqual(second!.trace?.[0], { kind: 'bound', config: ['中转 B@1'], by: 'session' });

    // The picked config deleted: the session falls back to the active one, and the trace says so.
    await writeConfig(home.home, 'claude', { a: { base_url: a.baseUrl, auth_token: 'sk-a-aaaaaaaaaaaaaaaaaaaa', active: true } });
    await core.stores.claude.reload();
    const gone = await s.messages.create({ model: ids[3]!, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    assert.match((gone.content[0] as { text: string }).text, /Hello from a/);
    assert.equal(JSON.parse(a.requests.at(-1)!.body).model, 'claude-opus-4-8');
    await core.requests()!.flush();
    const fell = (await core.requests()!.logs({ limit: 1 }))[0]!;
    assert.equal(fell.config, 'a');
    assert.deepEqual(fell.trace?.[0], { kind: 'bound', config: ['中转 B@1'], by: 'model' });
    assert.match(JSON.stringify(fell.trace), /"name":"中转 B@1","why":"[^"]*picked in the client[^"]*"/);
    // Vertex's dated ids are not CLP's: sent as they are.
    assert.equal(parsePickerId('claude-opus-4-1@20250805'), null);
  } finally {
    await core.stop();
    await a.close();
    await b.close();
    await home.cleanup();
  }
});

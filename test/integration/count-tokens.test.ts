import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateInputTokens } from '../../src/core/providers/anthropic/count-tokens.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';

test('count_tokens: served by an upstream that has it; answered by CLP with an estimate (never 0) when it answers 404 or 405, marked in the log', async () => {
  const home = await tempHome();
  const up = await FakeUpstream.start('anthropic', 'relay');
  await writeConfig(home.home, 'claude', { relay: { base_url: up.baseUrl, auth_token: 'sk-relay-aaaaaaaaaaaaaaaaaa', active: true } });
  const core = await startCore(home.home);
  try {
    const client = new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0 });
    const prompt = {
      model: 'claude-opus-5-5',
      system: 'You are a careful engineer. '.repeat(20),
      messages: [{ role: 'user' as const, content: 'Explain the failing test in src/core/proxy/stages/forward.ts. '.repeat(30) }],
      tools: [{ name: 'read_file', description: 'Reads a file', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } }],
    };
    assert.equal((await client.messages.countTokens(prompt)).input_tokens, 42, "an upstream's own count passes through");
    for (const status of [404, 405]) {
      up.behaviour = { kind: 'status', status, body: { type: 'error', error: { type: 'not_found_error', message: 'Not Found' } } };
      const counted = await client.messages.countTokens(prompt);
      assert.equal(counted.input_tokens, estimateInputTokens(prompt));
      assert.ok(counted.input_tokens > 500 && counted.input_tokens < 1200, `${counted.input_tokens} is a plausible count for ~2,600 characters`);
    }
    // The config is not at fault: its next request goes to it as usual.
    up.behaviour = { kind: 'ok' };
    const answer = await client.messages.create({ model: 'claude-opus-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    assert.match((answer.content[0] as { text: string }).text, /Hello from relay/);
    await core.requests()!.flush();
    const [, estimated] = await core.requests()!.logs({ limit: 2 });
    assert.equal(estimated!.path, '/v1/messages/count_tokens');
    assert.equal(estimated!.status, 200);
    assert.deepEqual(estimated!.trace, [
      { kind: 'local', config: 'relay', status: 405, answer: 'an estimate of the input tokens (the upstream has no count_tokens)' },
    ]);
    assert.equal(core.pool.status('claude', core.stores.claude.snapshot()).members.find((m) => m.name === 'relay')?.lastFailure ?? null, null);
  } finally {
    await core.stop();
    await up.close();
    await home.cleanup();
  }
});

test('the estimate counts system, messages, tool calls and results and tool definitions; never below 1', () => {
  assert.equal(estimateInputTokens({}), 1);
  assert.equal(
    estimateInputTokens({ messages: [{ role: 'user', content: 'x'.repeat(350) }] }),
    Math.ceil(354 / 3.5),
    'the text and the role, 3.5 characters a token',
  );
  const withTools = estimateInputTokens({
    system: [{ type: 'text', text: 'a'.repeat(70), cache_control: { type: 'ephemeral' } }],
    messages: [
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'grep', input: { pattern: 'b'.repeat(70) } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'c'.repeat(70) }] },
    ],
  });
  assert.ok(withTools >= 60, String(withTools));
});

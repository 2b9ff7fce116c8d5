import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';
import { raw } from '../helpers/raw.ts';

/** A Claude Code request with tool search on (ENABLE_TOOL_SEARCH=true): deferred MCP tools, the search tool, and a search in the history. */
const body = JSON.stringify({
  model: 'claude-opus-5-5',
  max_tokens: 64,
  tools: [
    { name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: {} } },
    { name: 'mcp__github__create_issue', description: 'Creates an issue', input_schema: { type: 'object', properties: {} }, defer_loading: true },
    { type: 'tool_search_tool_regex_20251119', name: 'tool_search_tool_regex' },
  ],
  messages: [
    { role: 'user', content: 'open an issue' },
    {
      role: 'assistant',
      content: [
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'tool_search_tool_regex', input: { query: 'github' } },
        {
          type: 'tool_search_tool_result',
          tool_use_id: 'srvtoolu_1',
          content: { type: 'tool_search_tool_search_result', tool_references: [{ type: 'tool_reference', tool_name: 'mcp__github__create_issue' }] },
        },
        { type: 'text', text: 'Found it.' },
      ],
    },
    { role: 'user', content: 'go on' },
  ],
});

test('tool search: stripped for a config without the capability (no 400 upstream), passed byte for byte to one with tool_search: true', async () => {
  const home = await tempHome();
  const plain = await FakeUpstream.start('anthropic', 'plain');
  const official = await FakeUpstream.start('anthropic', 'official');
  await writeConfig(home.home, 'claude', {
    relay: { base_url: plain.baseUrl, auth_token: 'sk-relay-aaaaaaaaaaaaaaaaaa', active: true },
    official: { base_url: official.baseUrl, auth_token: 'sk-official-bbbbbbbbbbbbbbbb', tool_search: true },
  });
  const core = await startCore(home.home);
  try {
    const send = () =>
      raw(core.ports().claude, 'POST', '/v1/messages', { 'content-type': 'application/json', 'x-api-key': 'clp', 'anthropic-version': '2023-06-01' }, body);
    assert.equal((await send()).status, 200);
    const sent = plain.requests.at(-1)!.body;
    assert.ok(!/defer_loading|tool_search_tool|tool_reference|srvtoolu/.test(sent), sent);
    const parsed = JSON.parse(sent);
    assert.deepEqual(
      parsed.tools.map((t: { name: string }) => t.name),
      ['Read', 'mcp__github__create_issue'],
      'the deferred tool is sent in full',
    );
    assert.deepEqual(parsed.messages[1].content, [{ type: 'text', text: 'Found it.' }]);
    await core.requests()!.flush();
    const traced = (await core.requests()!.logs({ limit: 1 }))[0]!;
    assert.match(JSON.stringify(traced.trace), /"kind":"strip","removed":4,"reason":"\\"relay\\" does not serve tool search/);

    await core.activate('claude', 'official');
    assert.equal((await send()).status, 200);
    assert.equal(official.requests.at(-1)!.body, body, 'kept byte for byte');
  } finally {
    await core.stop();
    await plain.close();
    await official.close();
    await home.cleanup();
  }
});

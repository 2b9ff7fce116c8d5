import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RequestRecord } from '../../src/shared/records.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { startCore } from '../helpers/core.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let up: FakeUpstream;
let client: Anthropic;
const live: RequestRecord[] = [];
const DB_PASSWORD = 'hunter2-prod-db-P@ss.word+1';
const AWS_KEY = 'AKIAQWERTYUIOPASDFGH';
const ANT_KEY = `sk-ant-api03-${'Z'.repeat(48)}`;

before(async () => {
  home = await tempHome();
  up = await FakeUpstream.start('anthropic', 'up');
  await writeConfig(home.home, 'claude', { prod: { base_url: up.baseUrl, auth_token: 't' } });
  await writeFile(
    join(home.home, 'filter.json'),
    JSON.stringify([{ name: 'db-password', source: DB_PASSWORD, target: '[db password]', op: 'replace', match: 'literal' }]),
  );
  await writeFile(join(home.home, 'settings.json'), JSON.stringify({ filters: { detectors: ['aws', 'anthropic'] } }));
  core = await startCore(home.home);
  core.events.on('request:end', (f) => live.push(f.record));
  client = new Anthropic({ baseURL: core.urls.claude, authToken: 'x', apiKey: null, maxRetries: 0 });
});

after(async () => {
  await core.stop();
  await up.close();
  await home.cleanup();
});

/** A Claude-Code-shaped conversation: system blocks, tools, many turns, tool results holding secrets. */
function conversation(): Anthropic.MessageCreateParamsNonStreaming {
  const messages: Anthropic.MessageParam[] = [];
  for (let i = 0; messages.length < 200; i++) {
    messages.push({
      role: 'user',
      content:
        i === 0
          ? 'Fix the deploy script'
          : [
              {
                type: 'tool_result',
                tool_use_id: `toolu_${i}`,
                content: `cat .env\nDB_PASSWORD=${DB_PASSWORD}\nAWS_ACCESS_KEY_ID=${AWS_KEY}\nANTHROPIC_API_KEY=${ANT_KEY}\n${'log line\n'.repeat(330)}`,
              },
            ],
    });
    messages.push({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: `I saw ${DB_PASSWORD} in the file`, signature: 'EqQBCgIYAhIM-signed' },
        { type: 'tool_use', id: `toolu_${i + 1}`, name: 'Bash', input: { command: `grep -r "${DB_PASSWORD}" .` } },
      ],
    });
  }
  messages.push({ role: 'user', content: 'go on' });
  return {
    model: 'claude-sonnet-5-5',
    max_tokens: 1024,
    system: [{ type: 'text', text: 'You are Claude Code.' }],
    tools: [{ name: 'Bash', description: 'run', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }],
    messages,
  };
}

test('a 300 KB conversation with secrets in tool results reaches the upstream as valid JSON without them', async () => {
  const body = conversation();
  assert.ok(JSON.stringify(body).length > 300_000);
  const n = live.length;
  await client.messages.create(body);
  const sent = up.requests.at(-1)!.body;
  const parsed = JSON.parse(sent);
  for (const secret of [AWS_KEY, ANT_KEY]) assert.ok(!sent.includes(secret), 'detector secrets removed');
  const outsideThinking = sent.replace(/"thinking":"[^"]*"/g, '');
  const at = outsideThinking.indexOf(DB_PASSWORD);
  assert.equal(at, -1, `the literal rule removed it everywhere but signed thinking; left at: ${outsideThinking.slice(at - 80, at + 40)}`);
  assert.match(
    parsed.messages[2].content[0].content,
    /DB_PASSWORD=\[db password\]\nAWS_ACCESS_KEY_ID=\[REDACTED:aws\]\nANTHROPIC_API_KEY=\[REDACTED:anthropic\]/,
  );
  assert.equal(parsed.messages[1].content[0].thinking, `I saw ${DB_PASSWORD} in the file`, 'signed thinking is byte for byte');
  assert.equal(parsed.messages[1].content[0].signature, 'EqQBCgIYAhIM-signed');

  assert.ok(await eventually(() => live.length > n));
  const record = live.at(-1)!;
  assert.deepEqual(record.trace, [{ kind: 'filters', hits: { 'db-password': 199, 'detector:aws': 99, 'detector:anthropic': 99 } }]);
  await core.requests()!.flush();
  const stored = await core.requests()!.log(record.id);
  assert.ok(!stored!.request_body!.includes(AWS_KEY) && !stored!.request_body!.includes(ANT_KEY));
  assert.ok(!JSON.stringify(record).includes(DB_PASSWORD), 'the record names rules, never secrets');
});

test('a broken filter.json is refused with `path: message` and the previous rules stay in force', async () => {
  const file = join(home.home, 'filter.json');
  const before = await readFile(file, 'utf8');
  await writeFile(file, '[{"source": "(oops", "op": "remove"}]');
  await new Promise((r) => setTimeout(r, 700));
  await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: `pw ${DB_PASSWORD}` }] });
  assert.ok(!up.requests.at(-1)!.body.includes(DB_PASSWORD));
  await writeFile(file, before);
});

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSettings } from '../../src/core/settings.ts';
import { ownerAddress } from '../../src/core/settings-env.ts';
import { tempHome } from '../helpers/home.ts';

test('defaults: loopback, 3210/3211/3212/3300, timeouts that never cut a long thinking turn', async () => {
  const { home, cleanup } = await tempHome();
  const s = await loadSettings(join(home, 'settings.json'), {});
  assert.deepEqual(s.ports, { claude: 3210, codex: 3211, gemini: 3212, ui: 3300 });
  assert.equal(s.host, '127.0.0.1');
  assert.ok(s.timeouts.headersMs >= 600_000 && s.timeouts.streamIdleMs >= 300_000);
  assert.ok(s.maxBodyMb >= 32);
  await cleanup();
});

test('the environment overrides the file, the file overrides defaults', async () => {
  const { home, cleanup } = await tempHome();
  const file = join(home, 'settings.json');
  await writeFile(file, JSON.stringify({ ports: { claude: 5000, ui: 5002 }, timeouts: { connectMs: 1234 } }));
  const s = await loadSettings(file, { CLP_CLAUDE_PORT: '6000', CLP_CODEX_PORT: '6001', CLP_GEMINI_PORT: '6002', CLP_HOST: '::1' });
  assert.deepEqual(s.ports, { claude: 6000, codex: 6001, gemini: 6002, ui: 5002 });
  assert.equal(s.host, '::1');
  assert.equal(s.timeouts.connectMs, 1234);
  assert.equal(s.timeouts.headersMs, 600_000);
  await cleanup();
});

test('bad values are refused with `name: message`', async () => {
  const { home, cleanup } = await tempHome();
  const file = join(home, 'settings.json');
  await assert.rejects(loadSettings(file, { CLP_UI_PORT: 'abc' }), /^ClpError: CLP_UI_PORT: expected a port number/);
  await assert.rejects(loadSettings(file, { CLP_UI_PORT: '70000' }), /CLP_UI_PORT/);
  await writeFile(file, '{"ports":{"claude":-1}}');
  await assert.rejects(loadSettings(file, {}), /settings\.json: ports\.claude: /);
  await writeFile(file, '{oops');
  await assert.rejects(loadSettings(file, {}), /settings\.json: line \d+, column \d+: not valid JSON/);
  await cleanup();
});

test("the owner's address without the schema: the file's host and ports.ui under the environment's, defaults otherwise", () => {
  assert.deepEqual(ownerAddress(null, {}), { host: '127.0.0.1', port: 3300 });
  assert.deepEqual(ownerAddress('{}', {}), { host: '127.0.0.1', port: 3300 });
  assert.deepEqual(ownerAddress('\ufeff{"host":"127.0.0.2","ports":{"ui":4400}}', {}), { host: '127.0.0.2', port: 4400 });
  assert.deepEqual(ownerAddress('{"ports":{"ui":4400}}', { CLP_UI_PORT: ' 4500 ', CLP_HOST: '127.0.0.3' }), { host: '127.0.0.3', port: 4500 });
  // Fields that cannot move the owner are not looked at (the full load says what is wrong with them).
  assert.deepEqual(ownerAddress('{"timeouts":{"connectMs":"soon"},"log":7,"ports":{"claude":"x"}}', {}), { host: '127.0.0.1', port: 3300 });
});

test("the owner's address is null (load the settings in full) when the file or a variable is off where it matters", () => {
  for (const text of [
    '{',
    '[]',
    '"x"',
    'null',
    '{"host":""}',
    '{"host":7}',
    '{"ports":[]}',
    '{"ports":{"ui":"3300"}}',
    '{"ports":{"ui":3300.5}}',
    '{"ports":{"ui":70000}}',
    '{"ports":{"ui":-1}}',
    '{"__proto__":{"host":"127.0.0.9"}}',
  ]) {
    assert.equal(ownerAddress(text, {}), null, text);
  }
  assert.equal(ownerAddress('{}', { CLP_UI_PORT: 'x' }), null);
  assert.equal(ownerAddress(null, { CLP_UI_PORT: '99999' }), null);
});

test('where the address is read without the schema, the schema agrees with it', async () => {
  const { home, cleanup } = await tempHome();
  const file = join(home, 'settings.json');
  for (const [text, env] of [
    ['{}', {}],
    ['{"host":"127.0.0.2","ports":{"ui":4400,"claude":4401}}', {}],
    ['{"ports":{"ui":4400}}', { CLP_UI_PORT: '4500', CLP_HOST: '127.0.0.3' }],
  ] as const) {
    await writeFile(file, text);
    const s = await loadSettings(file, env);
    assert.deepEqual(ownerAddress(text, env), { host: s.host, port: s.ports.ui }, text);
  }
  await cleanup();
});

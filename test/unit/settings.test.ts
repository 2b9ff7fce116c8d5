import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSettings } from '../../src/core/settings.ts';
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

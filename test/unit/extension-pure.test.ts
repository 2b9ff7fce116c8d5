import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editorSettingsInput } from '../../src/extension/settings-map.ts';
import { settingsSchema } from '../../src/core/settings.ts';
import { renderStatusBar } from '../../src/extension/status-render.ts';
import type { StatusReport } from '../../src/shared/status.ts';

const status = (claude: string | null, codex: string | null, error: string | null = null): StatusReport => ({
  owner: { pid: 42, kind: 'vscode', startedAt: '', version: '0' },
  home: '/h',
  ui: { running: true, port: 3300, url: 'http://127.0.0.1:3300/' },
  services: {
    claude: {
      running: true,
      port: 3210,
      url: 'http://127.0.0.1:3210',
      active: claude,
      placeholder: claude === null,
      config: { file: 'claude.json', ok: !error, error, configs: 1 },
    },
    codex: {
      running: true,
      port: 3211,
      url: 'http://127.0.0.1:3211/v1',
      active: codex,
      placeholder: codex === null,
      config: { file: 'codex.json', ok: true, error: null, configs: 1 },
    },
    gemini: {
      running: true,
      port: 3212,
      url: 'http://127.0.0.1:3212',
      active: null,
      placeholder: true,
      config: { file: 'gemini.json', ok: true, error: null, configs: 0 },
    },
  },
});

test('the status bar is a pure rendering of the ownership state', () => {
  const rows: Array<[Parameters<typeof renderStatusBar>[0], string, string | null]> = [
    [{ kind: 'starting' }, '$(sync~spin) CLP', null],
    [{ kind: 'stopped' }, '$(debug-stop) CLP: stopped', 'statusBarItem.warningBackground'],
    [{ kind: 'blocked', message: 'port 3210 in use' }, '$(error) CLP', 'statusBarItem.errorBackground'],
    [{ kind: 'owner', status: status('prod', 'dev') }, '$(radio-tower) CLP claude:prod codex:dev', null],
    [{ kind: 'attached', status: status('prod', null) }, '$(radio-tower) CLP claude:prod codex:–', null],
    [{ kind: 'owner', status: status(null, null) }, '$(radio-tower) CLP claude:– codex:–', 'statusBarItem.warningBackground'],
    [
      { kind: 'owner', status: status('prod', 'dev', 'claude.json: a.base_url: bad') },
      '$(radio-tower) CLP claude:prod codex:dev',
      'statusBarItem.warningBackground',
    ],
  ];
  for (const [state, text, background] of rows) {
    const view = renderStatusBar(state, null);
    assert.equal(view.text, text);
    assert.equal(view.background, background, text);
  }
  assert.match(renderStatusBar({ kind: 'attached', status: status('p', 'd') }, null).tooltip, /attached to another VS Code window \(pid 42\)/);
});

test('clp.* editor settings map onto core settings; a bad value is named and left out', () => {
  const values: Record<string, unknown> = { host: '127.0.0.1', 'ports.claude': 4000, 'ports.ui': 99999, 'log.enabled': false };
  const { input, errors } = editorSettingsInput((k) => values[k], settingsSchema);
  assert.deepEqual(input, { host: '127.0.0.1', ports: { claude: 4000 }, log: { enabled: false } });
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^clp\.ports\.ui: /);
});

test('the status bar takes the dashboard health: red when every config of a pool is out, yellow while one cools down', async () => {
  const { emptyTotals } = await import('../../src/shared/usage.ts');
  const member = (name: string, available: boolean, why: string | null) => ({
    name,
    weight: 1,
    active: name === 'a',
    available,
    why,
    failures: 0,
    disabledToday: false,
    lastError: null,
    lastFailure: null,
    lastOkAt: null,
  });
  const dash = (members: ReturnType<typeof member>[]) => {
    const today = { requests: 0, errors: 0, totals: emptyTotals(), cost_usd: 0 };
    const pool = { service: 'claude' as const, mode: 'pool' as const, order: 'priority' as const, failureThreshold: 3, autoResetMinutes: 10, members };
    return {
      status: status('a', null),
      configs: { claude: [], codex: [], gemini: [] },
      today: { claude: today, codex: today, gemini: today },
      pools: { claude: pool, codex: { ...pool, service: 'codex' as const, members: [] }, gemini: { ...pool, service: 'gemini' as const, members: [] } },
    };
  };
  const own = { kind: 'owner' as const, status: status('a', null) };
  assert.equal(renderStatusBar(own, dash([member('a', true, null), member('b', true, null)])).background, null);
  assert.equal(
    renderStatusBar(own, dash([member('a', true, null), member('b', false, 'cooling down 20 s (HTTP 429)')])).background,
    'statusBarItem.warningBackground',
  );
  const out = renderStatusBar(own, dash([member('a', false, 'disabled for today'), member('b', false, '3 consecutive failures (HTTP 500), back in 60 s')]));
  assert.equal(out.background, 'statusBarItem.errorBackground');
  assert.match(out.tooltip, /no config can serve/);
});

test('the status bar warns, before it happens, of a session the active config cannot hold', async () => {
  const { emptyTotals } = await import('../../src/shared/usage.ts');
  const today = { requests: 0, errors: 0, totals: emptyTotals(), cost_usd: 0 };
  const pool = { service: 'claude' as const, mode: 'active' as const, order: 'priority' as const, failureThreshold: 3, autoResetMinutes: 10, members: [] };
  const dash = {
    status: status('small', null),
    configs: { claude: [], codex: [], gemini: [] },
    today: { claude: today, codex: today, gemini: today },
    pools: { claude: pool, codex: { ...pool, service: 'codex' as const }, gemini: { ...pool, service: 'gemini' as const } },
    context_warnings: [{ service: 'claude' as const, id: 'abcdef123456', config: 'small', model: 'glm-4.6', used: 180_000, window: 128_000 }],
  };
  const view = renderStatusBar({ kind: 'owner', status: status('small', null) }, dash);
  assert.match(view.text, /^\$\(warning\) CLP /);
  assert.equal(view.background, 'statusBarItem.warningBackground');
  assert.match(view.tooltip, /session `abcdef12` uses 180\.0k tokens; glm-4\.6 on `small` holds 128\.0k/);
  assert.equal(renderStatusBar({ kind: 'owner', status: status('small', null) }, { ...dash, context_warnings: [] }).background, null);
});

test('first-run offers: a client that is there and does not point at CLP, unless "Don\'t ask again"', async () => {
  const { offersFor } = await import('../../src/extension/first-run-offers.ts');
  const none = {
    claudeExtension: false,
    claudeExtensionAtClp: false,
    claudeFile: false,
    claudeFileAtClp: false,
    codexDir: false,
    codexAtClp: false,
    geminiDir: false,
    geminiAtClp: false,
    never: { claude: false, codex: false, gemini: false },
  };
  assert.deepEqual(offersFor(none), []);
  assert.deepEqual(offersFor({ ...none, claudeExtension: true }), ['claude']);
  assert.deepEqual(offersFor({ ...none, claudeExtension: true, claudeExtensionAtClp: true }), []);
  assert.deepEqual(offersFor({ ...none, claudeFile: true, codexDir: true }), ['claude', 'codex']);
  assert.deepEqual(offersFor({ ...none, claudeFile: true, codexDir: true, never: { claude: true, codex: false, gemini: false } }), ['codex']);
  assert.deepEqual(offersFor({ ...none, geminiDir: true }), ['gemini']);
  assert.deepEqual(offersFor({ ...none, geminiDir: true, geminiAtClp: true }), []);
  assert.deepEqual(offersFor({ ...none, geminiDir: true, never: { claude: false, codex: false, gemini: true } }), []);
});

test('the status bar names the services in use: Gemini once it has a config, all of them while none has', async () => {
  const { shownServices } = await import('../../src/shared/status.ts');
  const s = status('prod', 'dev');
  assert.deepEqual(shownServices(s.services), ['claude', 'codex']);
  const withGemini = {
    ...s.services,
    gemini: { ...s.services.gemini, active: 'gem', placeholder: false, config: { ...s.services.gemini.config, configs: 1 } },
  };
  assert.deepEqual(shownServices(withGemini), ['claude', 'codex', 'gemini']);
  assert.equal(renderStatusBar({ kind: 'owner', status: { ...s, services: withGemini } }, null).text, '$(radio-tower) CLP claude:prod codex:dev gemini:gem');
  const none = Object.fromEntries(Object.entries(s.services).map(([k, v]) => [k, { ...v, config: { ...v.config, configs: 0 } }])) as typeof s.services;
  assert.deepEqual(shownServices(none), ['claude', 'codex', 'gemini']);
});

test('every editor setting CLP reads is declared in package.json (a new service’s port among them), and every service has its Set Up command', async () => {
  const { EDITOR_KEYS } = await import('../../src/extension/settings-map.ts');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const declared = Object.keys(pkg.contributes.configuration.properties ?? {});
  for (const key of EDITOR_KEYS) assert.ok(declared.includes(`clp.${key}`), `clp.${key} is not in package.json`);
  const titles = (pkg.contributes.commands as Array<{ title: string }>).map((c) => c.title);
  const { SERVICES } = await import('../../src/shared/services.ts');
  const { SERVICE_PROFILE } = await import('../../src/shared/service-profile.ts');
  for (const s of SERVICES) assert.ok(titles.includes(`Set Up ${SERVICE_PROFILE[s].label}`), `no "Set Up ${SERVICE_PROFILE[s].label}" command`);
});

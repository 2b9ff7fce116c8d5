import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, freePort, freePorts, portEnv, tempHome, writeConfig } from '../helpers/home.ts';
import type { Ports } from '../../src/shared/services.ts';
import { loadExtension } from '../helpers/load-extension.ts';
import { createFakeVscode, type FakeVscode } from '../helpers/vscode-fake.ts';

const root = join(__dirname, '..', '..');
const saved = { ...process.env };
let home: Awaited<ReturnType<typeof tempHome>>;
let userHome: Awaited<ReturnType<typeof tempHome>>;
let relayA: FakeUpstream;
let relayB: FakeUpstream;
let ports: Ports;

before(async () => {
  home = await tempHome();
  userHome = await tempHome();
  relayA = await FakeUpstream.start('anthropic', 'relay-a');
  relayB = await FakeUpstream.start('anthropic', 'relay-b');
  await writeConfig(home.home, 'claude', {
    'relay-a': { base_url: relayA.baseUrl, auth_token: 'sk-relay-a-aaaaaaaaaaaaaaaaaaaa', active: true },
    'relay-b': { base_url: relayB.baseUrl, auth_token: 'sk-relay-b-bbbbbbbbbbbbbbbbbbbb' },
  });
  ports = await freePorts();
  // The extension honours CLP_HOME and the port variables, as the CLI does; HOME holds ~/.claude and ~/.codex.
  Object.assign(process.env, {
    CLP_HOME: home.home,
    ...portEnv(ports),
    HOME: userHome.home,
  });
  delete process.env.ANTHROPIC_BASE_URL;
  delete process.env.ANTHROPIC_API_KEY;
  delete process.env.ANTHROPIC_AUTH_TOKEN;
  delete process.env.OPENAI_BASE_URL;
});

after(async () => {
  process.env = saved;
  await relayA.close();
  await relayB.close();
  await home.cleanup();
  await userHome.cleanup();
});

function window(): FakeVscode {
  const fake = createFakeVscode(root);
  // The one-time "install clp on PATH" offer is answered "Not now" unless a test says otherwise.
  fake.handlers.answer = (m) => (m.items.includes('Not now') ? 'Not now' : undefined);
  return fake;
}

const active: Array<{ deactivate(): Promise<void> }> = [];
async function activate(fake: FakeVscode) {
  const ext = loadExtension(fake);
  active.push(ext);
  await ext.activate(fake.context as never);
  return ext;
}

// A failed test must not leave its window owning the ports for the next one.
afterEach(async () => {
  for (const ext of active.splice(0)) await ext.deactivate();
});

const statusText = (fake: FakeVscode) => fake.statusItems[0]?.text ?? '';
const ask = () =>
  new Anthropic({ baseURL: `http://127.0.0.1:${ports.claude}`, apiKey: 'placeholder', maxRetries: 0 }).messages.create({
    model: 'claude-sonnet-5-5',
    max_tokens: 8,
    messages: [{ role: 'user', content: 'hi' }],
  });

test('two windows: one owns, the other attaches and switches config through it, then takes over when the owner stops', async () => {
  const a = window();
  const extA = await activate(a);
  assert.ok(await eventually(() => statusText(a) === '$(radio-tower) CLP claude:relay-a', 5000), statusText(a));
  assert.ok(a.output.some((l) => l.includes('ownership: owner')));
  assert.equal(((await ask()).content[0] as { text: string }).text, 'Hello from relay-a');

  const b = window();
  const extB = await activate(b);
  assert.ok(await eventually(() => b.output.some((l) => l.includes('ownership: attached')), 5000), b.output.join('\n'));
  assert.ok(await eventually(() => statusText(b).includes('claude:relay-a'), 5000));

  // The status bar's quick switch in the attached window changes the owner's active config.
  b.handlers.pick = (items) => (items as Array<{ name?: string }>).find((i) => i.name === 'relay-b');
  await b.commands.get('clp.activateConfig')!();
  assert.equal(((await ask()).content[0] as { text: string }).text, 'Hello from relay-b');
  assert.ok(await eventually(() => statusText(a).includes('claude:relay-b'), 5000), 'the owner window follows the change');

  // The tree shows both configs, the active one marked.
  const tree = b.trees.get('clp.configs')!;
  const [claude] = tree.getChildren() as unknown[];
  const items = (tree.getChildren(claude) as unknown[]).map((n) => tree.getTreeItem(n));
  assert.deepEqual(
    items.map((i) => [i.label, i.contextValue]),
    [
      ['relay-a', 'clp.config'],
      ['relay-b', 'clp.config.active'],
    ],
  );

  await extA.deactivate();
  assert.ok(await eventually(() => b.output.some((l) => l.includes('ownership: owner')), 10_000), b.output.join('\n'));
  assert.equal(((await ask()).content[0] as { text: string }).text, 'Hello from relay-b');
  await extB.deactivate();
});

test('the Sessions view lists each conversation with its config; "Keep This Session on a Config…" binds just that one', async () => {
  const w = window();
  const ext = await activate(w);
  assert.ok(await eventually(() => /claude:relay-[ab]/.test(statusText(w)), 5000), statusText(w));
  // Whichever is active after the tests before; the session goes to the other one.
  const active = statusText(w).includes('claude:relay-b') ? 'relay-b' : 'relay-a';
  const other = active === 'relay-a' ? 'relay-b' : 'relay-a';
  const session = (id: string) =>
    new Anthropic({ baseURL: `http://127.0.0.1:${ports.claude}`, apiKey: 'placeholder', maxRetries: 0, defaultHeaders: { 'x-claude-code-session-id': id } });
  const hi = (c: Anthropic) => c.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  await hi(session('view-sess-1111'));
  await hi(session('view-sess-2222'));
  const tree = w.trees.get('clp.sessions')!;
  const rows = () => (tree.getChildren() as unknown[]).map((n) => tree.getTreeItem(n));
  assert.ok(await eventually(() => rows().length === 2, 5000), JSON.stringify(rows().map((r) => r.label)));
  assert.deepEqual(
    rows().map((r) => [r.label, String(r.description).split(' · ')[0], r.contextValue]),
    [
      ['view-ses', active, 'clp.session'],
      ['view-ses', active, 'clp.session'],
    ],
  );
  const node = (tree.getChildren() as Array<{ session: { id: string } }>).find((n) => n.session.id === 'view-sess-1111')!;
  w.handlers.pick = (items) => (items as Array<{ name?: string | null }>).find((i) => i.name === other);
  await w.commands.get('clp.session.bind')!(node);
  assert.equal(((await hi(session('view-sess-1111'))).content[0] as { text: string }).text, `Hello from ${other}`);
  assert.equal(((await hi(session('view-sess-2222'))).content[0] as { text: string }).text, `Hello from ${active}`, 'only that session moved');
  assert.ok(
    await eventually(() => rows().some((r) => String(r.description).startsWith(`${other} (bound)`)), 5000),
    JSON.stringify(rows().map((r) => r.description)),
  );
  w.handlers.pick = (items) => (items as Array<{ name?: string | null }>).find((i) => i.name === null);
  await w.commands.get('clp.session.bind')!(node);
  assert.equal(((await hi(session('view-sess-1111'))).content[0] as { text: string }).text, `Hello from ${active}`);
  await ext.deactivate();
});

test('the webview bridge answers the page through the owner, and the page gets a strict CSP', async () => {
  const w = window();
  const ext = await activate(w);
  await eventually(() => w.output.some((l) => l.includes('ownership: owner')), 5000);
  await w.commands.get('clp.openDashboard')!();
  const panel = w.panels[0]!;
  assert.match(panel.html, /script-src 'nonce-[^']+'/);
  assert.doesNotMatch(panel.html, /unsafe-inline/);
  assert.match(panel.html, /<clp-app><\/clp-app>/);
  panel.receive({ kind: 'request', id: 7, method: 'status/get', params: {} });
  panel.receive({ kind: 'request', id: 8, method: 'configs/activate', params: { service: 'claude' } });
  assert.ok(await eventually(() => panel.posted.length >= 2, 3000));
  const byId = (id: number) =>
    panel.posted.find((m) => (m as { id?: number }).id === id) as {
      ok: boolean;
      result?: { status: { services: { claude: { active: string } } } };
      error?: { code: string };
    };
  assert.equal(byId(7).ok, true);
  assert.equal(byId(7).result!.status.services.claude.active, 'relay-b');
  assert.deepEqual([byId(8).ok, byId(8).error!.code], [false, 'bad_request']);
  await ask();
  assert.ok(await eventually(() => panel.posted.some((m) => (m as { method?: string }).method === 'request/didEnd'), 5000), 'live events reach the page');
  await ext.deactivate();
});

test('Set Up Claude Code: shows the change, merges the setting and ~/.claude/settings.json, keeps a backup, and undoes', async () => {
  const w = window();
  const ext = await activate(w);
  w.settings.set('claudeCode.environmentVariables', [{ name: 'HTTPS_PROXY', value: 'http://corp:8080' }]);
  const settingsFile = join(userHome.home, '.claude', 'settings.json');
  await mkdir(join(userHome.home, '.claude'), { recursive: true });
  const original = `${JSON.stringify({ model: 'opus', env: { FOO: '1' } }, null, 2)}\n`;
  await writeFile(settingsFile, original);
  w.handlers.answer = (m) => (m.items.includes('Apply') ? 'Apply' : m.items.includes('Not now') ? 'Not now' : undefined);
  await w.commands.get('clp.setupClaudeCode')!();
  const asked = w.messages.filter((m) => m.items.includes('Apply'));
  assert.equal(asked.length, 3);
  assert.match(asked[0]!.detail!, new RegExp(`add ANTHROPIC_BASE_URL=http://127.0.0.1:${ports.claude}`));
  assert.match(asked[2]!.text, /CLP's line in Claude Code's status line/);
  assert.deepEqual(w.settings.get('claudeCode.environmentVariables'), [
    { name: 'HTTPS_PROXY', value: 'http://corp:8080' },
    { name: 'ANTHROPIC_BASE_URL', value: `http://127.0.0.1:${ports.claude}` },
    { name: 'ANTHROPIC_AUTH_TOKEN', value: 'clp' },
    { name: 'CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY', value: '1' },
  ]);
  const env = {
    FOO: '1',
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${ports.claude}`,
    ANTHROPIC_AUTH_TOKEN: 'clp',
    CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1',
  };
  const written = JSON.parse(await readFile(settingsFile, 'utf8'));
  assert.deepEqual(written, { model: 'opus', env, statusLine: { type: 'command', command: `bash '${join(home.home, 'bin', 'statusline.sh')}'`, padding: 0 } });
  assert.match(await readFile(join(home.home, 'bin', 'statusline.sh'), 'utf8'), /^#!\/usr\/bin\/env bash\n/);

  await w.commands.get('clp.undoSetup')!();
  assert.deepEqual(JSON.parse(await readFile(settingsFile, 'utf8')), { model: 'opus', env }, 'undo takes the status line back first');
  await w.commands.get('clp.undoSetup')!();
  assert.equal(await readFile(settingsFile, 'utf8'), original);
  await w.commands.get('clp.undoSetup')!();
  assert.deepEqual(w.settings.get('claudeCode.environmentVariables'), [{ name: 'HTTPS_PROXY', value: 'http://corp:8080' }]);
  await ext.deactivate();
});

test("Set Up Claude Code explains the client's window settings for a config whose models are not Claude's, and writes neither", async () => {
  const configs = {
    'relay-a': { base_url: relayA.baseUrl, auth_token: 'sk-relay-a-aaaaaaaaaaaaaaaaaaaa', active: true },
    'relay-b': { base_url: relayB.baseUrl, auth_token: 'sk-relay-b-bbbbbbbbbbbbbbbbbbbb' },
  };
  await writeConfig(home.home, 'claude', {
    ...configs,
    智谱: { base_url: relayB.baseUrl, auth_token: 'sk-glm-cccccccccccccccccccc', models: ['glm-4.6'], context_window: 128_000 },
  });
  const w = window();
  const ext = await activate(w);
  try {
    w.handlers.answer = () => undefined; // look, apply nothing
    const shown = await eventually(async () => {
      w.messages.length = 0;
      await w.commands.get('clp.setupClaudeCode')!();
      return /智谱: glm-4\.6, 128,000 tokens/.test(w.messages[0]?.detail ?? '');
    }, 5000);
    assert.ok(shown, w.messages[0]?.detail);
    const detail = w.messages[0]!.detail!;
    assert.match(detail, /^• add ANTHROPIC_BASE_URL=/m, 'the changes come first');
    assert.match(detail, /Context windows \(not changed by this setup: Claude Code assumes 200K for models it does not know\):/);
    assert.match(detail, /When you work on 智谱, set CLAUDE_CODE_AUTO_COMPACT_WINDOW=128000 and CLAUDE_CODE_MAX_CONTEXT_TOKENS=128000/);
    assert.doesNotMatch(detail, /relay-a:/, 'configs serving Claude models need no advice');
    assert.equal(w.settings.get('claudeCode.environmentVariables'), undefined, 'nothing applied');
  } finally {
    await ext.deactivate();
    await writeConfig(home.home, 'claude', configs);
  }
});

test('the older Claude Code extension setting name is used when that is what the installed extension declares', async () => {
  const w = window();
  w.extensions.set('anthropic.claude-code', { packageJSON: { contributes: { configuration: { properties: { 'claude-code.environmentVariables': {} } } } } });
  const ext = await activate(w);
  w.handlers.answer = (m) => (m.text.includes('extension') && m.items.includes('Apply') ? 'Apply' : undefined);
  await w.commands.get('clp.setupClaudeCode')!();
  assert.ok(Array.isArray(w.settings.get('claude-code.environmentVariables')));
  assert.equal(w.settings.get('claudeCode.environmentVariables'), undefined);
  await ext.deactivate();
});

test('Set Up Codex adds and selects a CLP provider without touching the rest; the doctor finds a profile pointing elsewhere', async () => {
  const w = window();
  const ext = await activate(w);
  const file = join(userHome.home, '.codex', 'config.toml');
  await mkdir(join(userHome.home, '.codex'), { recursive: true });
  const original =
    '# my codex\nmodel = "gpt-5.4"\nmodel_provider = "openai"\nprofile = "work"\n\n[profiles.work]\nmodel_provider = "azure"\n\n[model_providers.azure]\nname = "Azure"\nbase_url = "https://x.openai.azure.com/openai"\n';
  await writeFile(file, original);
  w.handlers.answer = (m) => (m.items.includes('Apply') ? 'Apply' : undefined);
  await w.commands.get('clp.setupCodex')!();
  const text = await readFile(file, 'utf8');
  assert.match(text, /^# my codex\nmodel = "gpt-5.4"\nmodel_provider = "clp"\nprofile = "work"\n/);
  assert.match(text, /\[model_providers\.azure\]\nname = "Azure"/);
  assert.match(text, new RegExp(`\\[model_providers\\.clp\\]\\nname = "CLP"\\nbase_url = "http://127.0.0.1:${ports.codex}/v1"\\nwire_api = "responses"\\n$`));
  await w.commands.get('clp.doctor')!();
  const warning = [...w.messages].reverse().find((m) => m.text.startsWith('CLP doctor'))!;
  assert.match(warning.text, /profile "work" uses provider "azure"/);
  await w.commands.get('clp.undoSetup')!();
  assert.equal(await readFile(file, 'utf8'), original);
  await ext.deactivate();
});

test('a port held by another program: one clear notification with actions, and the status bar says so', async () => {
  const blocker = createServer();
  const port = await freePort();
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
  process.env.CLP_CLAUDE_PORT = String(port);
  try {
    const w = window();
    const ext = await activate(w);
    const error = w.messages.find((m) => m.level === 'error');
    assert.ok(error, w.output.join('\n'));
    assert.match(error.text, new RegExp(`port ${port} \\(claude proxy\\)`));
    assert.deepEqual(error.items, ['Change Port', 'Show Log', 'Retry']);
    assert.equal(w.messages.filter((m) => m.level === 'error').length, 1);
    assert.equal(statusText(w), '$(error) CLP');
    await ext.deactivate();
  } finally {
    process.env.CLP_CLAUDE_PORT = String(ports.claude);
    blocker.close();
  }
});

test('commands are contributed in category CLP and every one is registered', async () => {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const w = window();
  const ext = await activate(w);
  for (const c of pkg.contributes.commands) {
    assert.equal(c.category, 'CLP');
    assert.ok(w.commands.has(c.command), `${c.command} is not registered`);
  }
  for (const title of [
    'Activate Config',
    'Start Proxy',
    'Stop Proxy',
    'Restart Proxy',
    'Open Dashboard',
    'Open Dashboard in Browser',
    'Add Config',
    'Edit Config Files',
    'Show Log',
    'Set Up Claude Code',
    'Set Up Codex',
  ]) {
    assert.ok(
      pkg.contributes.commands.some((c: { title: string }) => c.title === title),
      title,
    );
  }
  await w.commands.get('clp.stop')!();
  assert.equal(statusText(w), '$(debug-stop) CLP: stopped');
  await w.commands.get('clp.start')!();
  assert.ok(await eventually(() => statusText(w).startsWith('$(radio-tower) CLP'), 5000));
  await w.commands.get('clp.openDashboardInBrowser')!();
  assert.match(w.opened.at(-1)!, new RegExp(`^http://127.0.0.1:${ports.ui}/#token=[0-9a-f]{64}$`));
  await ext.deactivate();
});

const CLAUDE_PKG = { contributes: { configuration: { properties: { 'claudeCode.environmentVariables': { type: 'array' } } } } };

test('first run: with the Claude Code extension installed, one offer; Set Up shows the change, writes the setting, runs the doctor; the clp offer comes after', async () => {
  const fresh = await tempHome();
  const savedHome = process.env.HOME;
  process.env.HOME = fresh.home;
  try {
    const w = window();
    w.extensions.set('anthropic.claude-code', { packageJSON: CLAUDE_PKG });
    w.settings.set('claudeCode.environmentVariables', [{ name: 'HTTPS_PROXY', value: 'http://corp:8080' }]);
    // Set Up; Apply for the extension's setting, not for the terminal CLI's file.
    w.handlers.answer = (m) =>
      m.items.includes('Set Up')
        ? 'Set Up'
        : m.items.includes('Apply') && m.text.includes('extension')
          ? 'Apply'
          : m.items.includes('Not now')
            ? 'Not now'
            : undefined;
    await activate(w);
    await eventually(() => w.messages.some((m) => m.items.includes('Install clp')), 10_000);
    const offer = w.messages.findIndex((m) => m.items.includes('Set Up'));
    assert.ok(offer >= 0, 'the offer was made');
    assert.deepEqual(w.messages[offer]!.items, ['Set Up', 'Not now', "Don't ask again"]);
    assert.match(w.messages[offer]!.text, /^Point Claude Code at CLP\?/);
    const confirm = w.messages.find((m) => m.items.includes('Apply'));
    assert.match(confirm!.detail!, new RegExp(`add ANTHROPIC_BASE_URL=http://127.0.0.1:${ports.claude}`), 'the exact change is shown first');
    assert.deepEqual(w.settings.get('claudeCode.environmentVariables'), [
      { name: 'HTTPS_PROXY', value: 'http://corp:8080' },
      { name: 'ANTHROPIC_BASE_URL', value: `http://127.0.0.1:${ports.claude}` },
      { name: 'ANTHROPIC_AUTH_TOKEN', value: 'clp' },
      { name: 'CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY', value: '1' },
    ]);
    assert.ok(
      w.output.some((l) => l === 'doctor:'),
      'the doctor ran after the setup',
    );
    assert.ok(w.messages.findIndex((m) => m.items.includes('Install clp')) > offer, 'the shim is offered after the setup');
    // Undo restores the setting as it was.
    await w.commands.get('clp.undoSetup')!();
    assert.deepEqual(w.settings.get('claudeCode.environmentVariables'), [{ name: 'HTTPS_PROXY', value: 'http://corp:8080' }]);
  } finally {
    process.env.HOME = savedHome;
    await fresh.cleanup();
  }
});

test('first run: "Don\'t ask again" is remembered; an extension installed later is offered then; one already pointing at CLP is not', async () => {
  const fresh = await tempHome();
  const savedHome = process.env.HOME;
  process.env.HOME = fresh.home;
  try {
    const w = window();
    await activate(w);
    await eventually(() => w.messages.some((m) => m.items.includes('Install clp')), 10_000);
    assert.equal(w.messages.filter((m) => m.items.includes('Set Up')).length, 0, 'nothing to set up: no client here');
    // Installed while the window runs.
    w.handlers.answer = (m) => (m.items.includes('Set Up') ? "Don't ask again" : undefined);
    w.installExtension('anthropic.claude-code', CLAUDE_PKG);
    await eventually(() => w.messages.some((m) => m.items.includes('Set Up')), 5000);
    await eventually(() => w.globalState.get('clp.setupOffer.claude') === true, 5000);
    for (const ext of active.splice(0)) await ext.deactivate();

    // The next window, with the same remembered state: no offer.
    const next = window();
    for (const [k, v] of w.globalState) next.globalState.set(k, v);
    next.extensions.set('anthropic.claude-code', { packageJSON: CLAUDE_PKG });
    await activate(next);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(next.messages.filter((m) => m.items.includes('Set Up')).length, 0);

    // Codex: offered when ~/.codex exists, not once its config points at CLP.
    await mkdir(join(fresh.home, '.codex'), { recursive: true });
    for (const ext of active.splice(0)) await ext.deactivate();
    const third = window();
    third.handlers.answer = (m) =>
      m.items.includes('Set Up') ? 'Set Up' : m.items.includes('Apply') ? 'Apply' : m.items.includes('Not now') ? 'Not now' : undefined;
    await activate(third);
    await eventually(() => third.messages.some((m) => m.items.includes('Install clp')), 10_000);
    assert.match(third.messages.find((m) => m.items.includes('Set Up'))!.text, /^Point Codex at CLP\?/);
    assert.match(await readFile(join(fresh.home, '.codex', 'config.toml'), 'utf8'), new RegExp(`127\\.0\\.0\\.1:${ports.codex}`));
    for (const ext of active.splice(0)) await ext.deactivate();
    const fourth = window();
    await activate(fourth);
    await eventually(() => fourth.messages.some((m) => m.items.includes('Install clp')), 10_000);
    assert.equal(fourth.messages.filter((m) => m.items.includes('Set Up')).length, 0, 'Codex points at CLP now');
  } finally {
    process.env.HOME = savedHome;
    await fresh.cleanup();
  }
});

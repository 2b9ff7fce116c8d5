import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { artifactPath, CHROMIUM, CHROMIUM_ARGS } from '../helpers/browser.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, freePort, portEnv } from '../helpers/home.ts';
import { noPorts } from '../../src/shared/services.ts';

/**
 * The extension in a real VS Code: code-server 4.139 (VS Code 1.139) on Node 24, driven by Debian's
 * Chromium. The .vsix is installed, and the proxy must run inside that extension host.
 */
const root = join(__dirname, '..', '..');
const N24 = join(root, '.vscode-test', 'node24', 'node_modules', 'node', 'bin');
const CS = join(root, '.vscode-test', 'cs', 'node_modules', '.bin', 'code-server');

let run: string;
let server: ChildProcess;
let browser: BrowserContext;
let page: Page;
let relayA: FakeUpstream;
let relayB: FakeUpstream;
const ports = { ...noPorts(), cs: 0 };

before(async () => {
  const setup = spawnSync('bash', [join(root, 'test', 'e2e', 'vscode', 'setup.sh')], { stdio: 'inherit', timeout: 15 * 60_000 });
  assert.equal(setup.status, 0, 'code-server setup failed');
  run = await mkdtemp('/tmp/clp-cs-');
  const vsix = join(run, 'clp.vsix');
  const pack = spawnSync(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', vsix], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(pack.status, 0, pack.stderr);
  for (const key of Object.keys(ports) as Array<keyof typeof ports>) ports[key] = await freePort();
  relayA = await FakeUpstream.start('anthropic', 'relay-a');
  relayB = await FakeUpstream.start('anthropic', 'relay-b');
  const clpHome = join(run, 'clp');
  await mkdir(clpHome, { recursive: true });
  await writeFile(
    join(clpHome, 'claude.json'),
    JSON.stringify({
      'relay-a': { base_url: relayA.baseUrl, auth_token: 'sk-a-aaaaaaaaaaaaaaaaaaaaaaaa', active: true },
      'relay-b': { base_url: relayB.baseUrl, auth_token: 'sk-b-bbbbbbbbbbbbbbbbbbbbbbbb' },
    }),
  );
  for (const d of ['home', 'tmp', 'ext', 'ws', 'ud/User']) await mkdir(join(run, d), { recursive: true });
  await writeFile(join(run, 'config.yaml'), `bind-addr: 127.0.0.1:${ports.cs}\nauth: none\ncert: false\n`);
  await writeFile(
    join(run, 'ud', 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'chat.disableAIFeatures': true,
      'git.enabled': false,
      'remote.autoForwardPorts': false,
      'workbench.tips.enabled': false,
    }),
  );
  const env = {
    ...process.env,
    PATH: `${N24}:${process.env.PATH}`,
    HOME: join(run, 'home'),
    TMPDIR: join(run, 'tmp'),
    CLP_HOME: clpHome,
    ...portEnv(ports),
  };
  const args = ['--config', join(run, 'config.yaml'), '--user-data-dir', join(run, 'ud'), '--extensions-dir', join(run, 'ext')];
  const install = spawnSync(CS, [...args, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(install.status, 0, install.stderr);
  // A stand-in for the Claude Code extension: it declares the setting CLP's first run offers to write.
  const fake = join(run, 'fake-claude-code');
  await mkdir(fake, { recursive: true });
  await writeFile(
    join(fake, 'package.json'),
    JSON.stringify({
      name: 'claude-code',
      publisher: 'anthropic',
      displayName: 'Claude Code (test double)',
      description: 'declares claudeCode.environmentVariables, as the real one does',
      version: '9.9.9',
      engines: { vscode: '^1.90.0' },
      categories: ['Other'],
      contributes: {
        configuration: {
          title: 'Claude Code',
          properties: { 'claudeCode.environmentVariables': { type: 'array', default: [], items: { type: 'object' } } },
        },
      },
    }),
  );
  await writeFile(join(fake, 'README.md'), '# test double\n');
  const fakePack = spawnSync(
    join(root, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', join(run, 'fake-cc.vsix')],
    {
      cwd: fake,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  assert.equal(fakePack.status, 0, fakePack.stderr);
  const fakeInstall = spawnSync(CS, [...args, '--install-extension', join(run, 'fake-cc.vsix')], { env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(fakeInstall.status, 0, fakeInstall.stderr);
  server = spawn(
    CS,
    [
      ...args,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--reconnection-grace-time',
      '5',
      join(run, 'ws'),
    ],
    { env, detached: true, stdio: 'ignore' },
  );
  assert.ok(
    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.cs}/healthz`).catch(() => null))?.ok === true, 30_000, 200),
    'code-server did not start',
  );
  browser = await chromium.launchPersistentContext(join(run, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: CHROMIUM_ARGS,
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(`http://127.0.0.1:${ports.cs}/`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
});

after(async () => {
  if (page) await page.screenshot({ path: artifactPath('vscode-final.png') }).catch(() => undefined);
  await browser?.close();
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await relayA?.close();
  await relayB?.close();
  if (run) await rm(run, { recursive: true, force: true });
});

const ask = async () => {
  const client = new Anthropic({ baseURL: `http://127.0.0.1:${ports.claude}`, apiKey: 'placeholder', maxRetries: 0 });
  const reply = await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  return (reply.content[0] as { text: string }).text;
};

async function palette(command: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill(`>${command}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: command }).first().waitFor();
  await page.keyboard.press('Enter');
}

test('the status bar shows CLP, and a request to the proxy port is served by the proxy inside the extension host', async () => {
  await page.locator('.statusbar-item', { hasText: 'CLP claude:relay-a' }).waitFor({ timeout: 60_000 });
  const health = (await (await fetch(`http://127.0.0.1:${ports.claude}/health`)).json()) as { owner: string; pid: number };
  assert.equal(health.owner, 'vscode');
  // The extension host is a child of code-server, never code-server itself nor this test.
  assert.notEqual(health.pid, server.pid);
  assert.notEqual(health.pid, process.pid);
  const cmdline = (await readFile(`/proc/${health.pid}/cmdline`, 'utf8')).split('\0').join(' ');
  assert.match(cmdline, /extensionHost/, `pid ${health.pid} is not an extension host: ${cmdline}`);
  assert.equal(await ask(), 'Hello from relay-a');
  await page.screenshot({ path: artifactPath('vscode-statusbar.png') });
});

test('first start with Claude Code installed: CLP offers to set it up; Set Up shows the change and writes the setting; Undo restores it', async () => {
  const toast = page.locator('.notification-toast', { hasText: 'Point Claude Code at CLP?' });
  if (!(await toast.isVisible().catch(() => false))) await palette('Notifications: Show Notifications');
  const offer = page.locator('.notification-list-item', { hasText: 'Point Claude Code at CLP?' }).first();
  await offer.waitFor({ timeout: 30_000 });
  await page.screenshot({ path: artifactPath('vscode-first-run-offer.png') });
  await offer.locator('.monaco-button', { hasText: 'Set Up' }).click();
  // The exact change, then the terminal CLI's file (declined here).
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 15_000 });
  assert.match(await dialog.innerText(), new RegExp(`ANTHROPIC_BASE_URL=http://127\\.0\\.0\\.1:${ports.claude}`));
  await page.screenshot({ path: artifactPath('vscode-first-run-confirm.png') });
  await dialog.locator('.monaco-button', { hasText: 'Apply' }).click();
  await page.locator('.monaco-dialog-box', { hasText: 'Also point the Claude Code CLI' }).waitFor({ timeout: 15_000 });
  await page.keyboard.press('Escape');
  // Then the status line offer (declined too).
  await page.locator('.monaco-dialog-box', { hasText: "CLP's line in Claude Code's status line" }).waitFor({ timeout: 15_000 });
  await page.keyboard.press('Escape');
  const userSettings = join(run, 'ud', 'User', 'settings.json');
  // VS Code rewrites the file in place: a read in the middle of a write is read again.
  const env = async (): Promise<unknown> => {
    for (let i = 0; ; i++) {
      try {
        return (JSON.parse(await readFile(userSettings, 'utf8')) as Record<string, unknown>)['claudeCode.environmentVariables'];
      } catch (err) {
        if (i >= 50) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  assert.ok(await eventually(async () => JSON.stringify(await env()).includes(`http://127.0.0.1:${ports.claude}`), 15_000), JSON.stringify(await env()));
  assert.deepEqual(await env(), [
    { name: 'ANTHROPIC_BASE_URL', value: `http://127.0.0.1:${ports.claude}` },
    { name: 'ANTHROPIC_AUTH_TOKEN', value: 'clp' },
    { name: 'CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY', value: '1' },
  ]);
  await palette('CLP: Undo Last Setup Change');
  assert.ok(await eventually(async () => (await env()) === undefined, 15_000), `after undo: ${JSON.stringify(await env())}`);
});

test('"CLP: Activate Config" from the command palette switches the config for the next request', async () => {
  await palette('CLP: Activate Config');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'relay-b' }).first().click();
  assert.ok(await eventually(async () => JSON.parse(await readFile(join(run, 'clp', 'claude.json'), 'utf8'))['relay-b'].active === true, 10_000));
  // The status bar turns once the owner serves with the new config (the file is written just before).
  await page.locator('.statusbar-item', { hasText: 'CLP claude:relay-b' }).waitFor({ timeout: 15_000 });
  assert.equal(await ask(), 'Hello from relay-b');
});

test('the CLP activity bar container lists the configs, the active one marked', async () => {
  await page.locator('.activitybar .action-item a[aria-label^="CLP"]').first().click();
  const rows = page.locator('.pane', { hasText: 'Configs' }).locator('.monaco-list-row');
  await rows.filter({ hasText: 'relay-a' }).first().waitFor({ timeout: 15_000 });
  const text = await rows.allInnerTexts();
  assert.ok(
    text.some((row) => row.includes('relay-b')),
    text.join(' | '),
  );
  await page.screenshot({ path: artifactPath('vscode-tree.png') });
});

test('"CLP: Open Dashboard" opens the webview with the dashboard', async () => {
  await palette('CLP: Open Dashboard');
  const view = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  await view.locator('article.card[data-service="claude"]').waitFor({ timeout: 30_000 });
  assert.match(await view.locator('article.card[data-service="claude"]').innerText(), /relay-b/);
  // The chart library is a file of its own that the page imports when a chart draws: under the
  // webview's CSP (a nonce, no source list) that import must still be allowed.
  await view.locator('clp-chart.live-chart canvas').waitFor({ timeout: 15_000 });
  await page.screenshot({ path: artifactPath('vscode-dashboard.png') });
});

test('the webview follows the VS Code theme: light, high contrast and dark, in the theme colours', async () => {
  const view = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  const background = () =>
    view
      .locator('body')
      .evaluate((b) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(b).backgroundColor);
  const seen = new Set<string>();
  for (const [theme, bodyClass, file] of [
    ['Light Modern', 'vscode-light', 'light'],
    ['Dark High Contrast', 'vscode-high-contrast', 'high-contrast'],
    ['Dark Modern', 'vscode-dark', 'dark'],
  ] as const) {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>Preferences: Color Theme');
    await page.locator('.quick-input-widget .monaco-list-row').getByText('Preferences: Color Theme', { exact: true }).first().click();
    await page.locator('.quick-input-widget input').fill(theme);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: theme }).first().waitFor();
    await page.keyboard.press('Enter');
    await view.locator(`body.${bodyClass}`).waitFor({ timeout: 15_000 });
    await view.locator('article.card[data-service="claude"] p.health').waitFor();
    seen.add(await background());
    await page.screenshot({ path: artifactPath(`vscode-dashboard-${file}.png`) });
  }
  assert.equal(seen.size, 3, `the page took each theme's background: ${[...seen].join(', ')}`);
});

test('VS Code reports how long the extension took to activate (reported, not asserted: speed lives in the bench)', async () => {
  await palette('Developer: Show Running Extensions');
  const list = page.locator('.runtime-extensions-editor .monaco-list').first();
  const row = list.locator('.monaco-list-row', { hasText: 'CLP: CLI Proxy' }).first();
  const time = row.locator('.activation-time').filter({ hasText: /\d+ms/ });
  await list.waitFor({ timeout: 30_000 });
  // The list is sorted by activation time and draws only the rows in view: with more built-in
  // extensions active (or slower ones), CLP's row is below the fold and not in the page at all, so
  // scroll down until it is drawn.
  for (let step = 0; step < 60 && !(await time.isVisible()); step++) {
    await list.hover({ position: { x: 40, y: 40 } });
    await page.mouse.wheel(0, 200);
    await page.waitForTimeout(250);
  }
  await time.waitFor({ timeout: 5_000 });
  await row.scrollIntoViewIfNeeded();
  const text = await time.innerText();
  // VS Code's own figure: loading the extension's code plus the synchronous part of activate().
  const ms = Number(/(\d+)ms/.exec(text)?.[1]);
  assert.ok(Number.isFinite(ms), `no activation time in "${text}"`);
  await writeFile(artifactPath('vscode-activation.json'), JSON.stringify({ activationMs: ms, text }));
  console.log(`# extension activation, as VS Code reports it: ${text}`);
  await page.screenshot({ path: artifactPath('vscode-running-extensions.png') });
});

import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, launchChromium } from '../helpers/browser.ts';
import { clp, isolatedEnv } from '../helpers/cli.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';
import { dashboardToken } from '../helpers/rpc.ts';

/**
 * The dashboard as a user meets it, against a real `clp` daemon: it never says what is not true
 * (health colours, a stopped CLP, a broken file), its layout holds at 1400 and 800 px, its money is
 * the CLI's, and every page is photographed in both themes and both widths.
 */

const KEY_A = 'sk-ant-api03-truthAAAAAAAAAAAAAAAAAAAA-1111';
const KEY_B = 'sk-relay-truthBBBBBBBBBBBBBBBBBBBBBBB-2222';

let home: Awaited<ReturnType<typeof tempHome>>;
let env: NodeJS.ProcessEnv;
let relayA: FakeUpstream;
let relayB: FakeUpstream;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const claudeUrl = () => `http://127.0.0.1:${env.CLP_CLAUDE_PORT}`;
const client = () => new Anthropic({ baseURL: claudeUrl(), apiKey: 'placeholder', maxRetries: 0 });
const ask = (model: string, content = 'hello') => client().messages.create({ model, max_tokens: 16, messages: [{ role: 'user', content }] });

async function run(args: string[]) {
  const r = await clp(args, env);
  assert.equal(r.code, 0, `clp ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function openDashboard(): Promise<void> {
  const url = (await run(['ui', '--no-open'])).trim();
  await page.goto(url);
  await page.locator('article.card[data-service="claude"]').waitFor();
}

const tab = (name: string) => page.locator(`button.tab[data-page="${name}"]`).click();
const level = (service: string) => page.locator(`article.card[data-service="${service}"] p.health`).getAttribute('data-level');

before(async () => {
  home = await tempHome();
  env = await isolatedEnv(home.home);
  relayA = await FakeUpstream.start('anthropic', 'relay-a');
  relayB = await FakeUpstream.start('anthropic', 'relay-b');
  await run(['start']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // A stopped CLP is expected to refuse the page's calls: that is what the banner is for.
    if (m.type() === 'error' && !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(m.text())) pageErrors.push(m.text());
  });
});

after(async () => {
  await browser?.close();
  await clp(['stop'], env);
  await relayA.close();
  await relayB.close();
  await home.cleanup();
});

test('health: yellow with no config, green once a config serves, yellow with a broken file, red when every config is out', async () => {
  await openDashboard();
  assert.equal(await level('claude'), 'warn', 'placeholder mode is yellow, never green');
  assert.match(await page.locator('article.card[data-service="claude"] p.health').innerText(), /no config yet/);
  await page.screenshot({ path: artifactPath('truth-overview-placeholder.png'), fullPage: true });
  // Every empty page says what it is for and offers the first step.
  for (const [width, scheme] of [
    [1400, 'light'],
    [800, 'dark'],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    for (const name of ['configs', 'requests', 'sessions', 'usage', 'filters', 'routes', 'pool']) {
      await tab(name);
      await page.locator('.empty').first().waitFor();
      await page.screenshot({ path: artifactPath(`empty-${name}-${width}-${scheme}.png`), fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await tab('overview');

  await writeConfig(home.home, 'claude', {
    'relay-a': { base_url: relayA.baseUrl, api_key: KEY_A, weight: 10, active: true },
    'relay-b': { base_url: relayB.baseUrl, auth_token: KEY_B, weight: 5 },
  });
  await page.locator('article.card[data-service="claude"] p.health[data-level="ok"]').waitFor({ timeout: 5000 });
  // A switch says what changed and when it applies.
  await page.locator('select.switch[data-service="claude"]').selectOption('relay-b');
  await page.locator('.toast', { hasText: 'relay-b' }).waitFor();
  assert.match(await page.locator('.toast').innerText(), /Claude Code now uses "relay-b" instead of "relay-a": the next request goes there/);
  await page.locator('select.switch[data-service="claude"]').selectOption('relay-a');
  await page.locator('.toast', { hasText: 'now uses "relay-a"' }).waitFor();

  // A broken file: the last good version serves, the card is yellow and says why.
  const file = join(home.home, 'claude.json');
  const good = await readFile(file, 'utf8');
  await writeFile(file, good.replace('"weight": 5', '"weight": 5,,'));
  await page.locator('article.card[data-service="claude"] p.health[data-level="warn"]').waitFor({ timeout: 5000 });
  assert.match(await page.locator('article.card[data-service="claude"] p.health').innerText(), /claude\.json is broken: the last good version serves/);
  await writeFile(file, good);
  await page.locator('article.card[data-service="claude"] p.health[data-level="ok"]').waitFor({ timeout: 5000 });

  // Every config cooling down (pool mode, both relays answer 429 with a retry-after): red, and the Pool page warns.
  await run(['pool', 'claude', 'mode', 'pool']);
  const limited = {
    kind: 'status' as const,
    status: 429,
    body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
    headers: { 'retry-after': '120' },
  };
  relayA.behaviour = limited;
  relayB.behaviour = limited;
  await assert.rejects(ask('claude-sonnet-4-5'));
  relayA.behaviour = { kind: 'ok' };
  relayB.behaviour = { kind: 'ok' };
  await page.reload();
  await page.locator('article.card[data-service="claude"] p.health[data-level="bad"]').waitFor({ timeout: 5000 });
  assert.match(await page.locator('article.card[data-service="claude"] p.health').innerText(), /no config can serve: all 2 are cooling down/);
  assert.match(await page.locator('article.card[data-service="claude"] tr[data-name="relay-b"]').innerText(), /cooling down/);
  await page.screenshot({ path: artifactPath('truth-overview-all-cooling.png'), fullPage: true });
  await tab('pool');
  await page.locator('section.pool[data-service="claude"] .all-unavailable').waitFor();
  await page.screenshot({ path: artifactPath('truth-pool-all-out.png'), fullPage: true });
  await page.locator('section.pool[data-service="claude"] button.reset-all').click();
  await page.locator('section.pool[data-service="claude"] .all-unavailable').waitFor({ state: 'detached' });
  // A daily disable, taken back from the page with Enable.
  await page.locator('section.pool[data-service="claude"] tr[data-name="relay-a"] button.disable').click();
  await page.locator('section.pool[data-service="claude"] tr[data-name="relay-a"] button.enable').click();
  await page.locator('section.pool[data-service="claude"] tr[data-name="relay-a"] button.disable').waitFor();
  assert.match(await page.locator('section.pool[data-service="claude"] tr[data-name="relay-a"] td.state').innerText(), /available/);
  await run(['pool', 'claude', 'mode', 'active']);
});

test('a broken config file is shown on the Configs page with its place, opened as written (keys masked) and fixed from the page', async () => {
  const file = join(home.home, 'claude.json');
  const good = await readFile(file, 'utf8');
  const broken = good.replace('"weight": 5', '"weight": 5,,');
  await writeFile(file, broken);
  await tab('configs');
  const banner = page.locator('.banner.file-broken');
  await banner.waitFor({ timeout: 5000 });
  const text = await banner.innerText();
  assert.match(text, /line \d+, column \d+/);
  assert.ok(text.includes(file), `the banner names the file: ${text}`);
  await page.locator('button.repair').click();
  const editor = page.locator('textarea.raw');
  await editor.waitFor();
  const shown = await editor.inputValue();
  assert.ok(shown.includes(',,'), 'the editor holds the broken text as written');
  assert.ok(!shown.includes(KEY_A) && !shown.includes(KEY_B), 'and no key');
  await editor.fill(shown.replace(',,', ''));
  await page.locator('button.save-raw').click();
  await banner.waitFor({ state: 'detached', timeout: 5000 });
  const saved = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(saved['relay-a'].api_key, KEY_A, 'the keys came back from their masks');
  assert.equal(saved['relay-b'].auth_token, KEY_B);
  assert.equal(await page.locator('.banner.error').count(), 0, 'no stale error stays behind');
});

test('money on the page is the CLI’s for the same records, and an unpriced model says unknown, never $0', async () => {
  await ask('claude-opus-4-1');
  await ask('claude-opus-4-1');
  await ask('claude-opus-4-1');
  await ask('my-custom-model');
  await tab('usage');
  const row = (model: string) => page.locator('table.usage-table[data-table="models"] tr', { hasText: model }).first();
  await row('my-custom-model').waitFor();
  const cli = await run(['usage', '--by', 'model']);
  // The page puts what a cost leaves out on a line of its own under the amount; the CLI puts it in
  // brackets after it.
  const costOf = async (r: ReturnType<typeof row>) => {
    const [amount, note] = (await r.locator('td.cost').innerText()).trim().split('\n');
    return note ? `${amount} (${note.trim()})` : amount!;
  };
  for (const model of ['claude-opus-4-1', 'my-custom-model']) {
    const cell = await costOf(row(model));
    const line = cli.split('\n').find((l) => l.includes(model));
    assert.ok(line?.includes(cell), `${model}: page "${cell}", CLI "${line}"`);
  }
  assert.equal(await costOf(row('my-custom-model')), 'unknown (1 request without a price)');
  assert.doesNotMatch(await row('claude-opus-4-1').locator('td.cost').innerText(), /^\$0\.0[0-9]$/, 'not rounded to cents');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button.csv[data-table="models"]').click()]);
  const csv = await readFile((await download.path())!, 'utf8');
  assert.match(
    csv.split('\r\n')[0]!,
    /^service,model,requests,errors,input,cache write,cache read,output,reasoning,total,cost_usd,requests_without_price,requests_estimated$/,
  );
  assert.match(csv, /\r\nclaude,my-custom-model,1,0,/);
  const total = page.locator('table.usage-table[data-table="models"] tr.total').first();
  assert.match(await costOf(total), /^at least \$[\d.]+ \(1 request without a price\)$/);
});

test('the usage chart spans exactly the chosen window, its bars start at zero', async () => {
  await tab('usage');
  const chart = page.locator('clp-chart.usage-chart');
  for (const [since, days] of [
    ['7d', 7],
    ['30d', 30],
  ] as const) {
    await page.locator('select.since').selectOption(since);
    await eventually(async () => (await chart.getAttribute('data-x-min')) !== null);
    await page.waitForTimeout(300);
    const xMin = Number(await chart.getAttribute('data-x-min')) * 1000;
    const xMax = Number(await chart.getAttribute('data-x-max')) * 1000;
    const noon = new Date();
    noon.setHours(12, 0, 0, 0);
    const first = noon.getTime() - (days - 1) * 86_400_000;
    assert.ok(Math.abs(xMin - (first - 43_200_000)) < 2 * 3_600_000, `${since}: the axis starts ${new Date(xMin).toISOString()}`);
    assert.ok(Math.abs(xMax - (noon.getTime() + 43_200_000)) < 2 * 3_600_000, `${since}: the axis ends ${new Date(xMax).toISOString()}`);
    assert.equal(Number(await chart.getAttribute('data-y-min')), 0);
  }
  // The overview's live chart has room to read.
  await tab('overview');
  const live = page.locator('clp-chart.live-chart');
  await eventually(async () => Number(await live.getAttribute('data-plot-height')) > 0, 5000);
  assert.ok(Number(await live.getAttribute('data-plot-height')) >= 160, `plot ${await live.getAttribute('data-plot-height')} px tall`);
  assert.match(await page.locator('.legend-requests').innerText(), /^\d/, 'the legend shows values without hovering');
});

test('the request detail never covers the list: side by side at 1400 px, in its place with a way back at 800 px', async () => {
  for (let i = 0; i < 40; i++) await ask('claude-sonnet-4-5', `row ${i}`);
  relayA.behaviour = { kind: 'status', status: 500, body: { type: 'error', error: { type: 'api_error', message: 'down' } } };
  await assert.rejects(ask('claude-sonnet-4-5', 'this one fails'));
  relayA.behaviour = { kind: 'ok' };
  await tab('requests');
  await page.locator('tr.record').nth(30).waitFor();
  const far = page.locator('tr.record').nth(30);
  await far.scrollIntoViewIfNeeded();
  await far.click();
  const detail = page.locator('aside.detail');
  await detail.waitFor();
  const list = await page.locator('.list').boundingBox();
  const box = await detail.boundingBox();
  assert.ok(list && box && list.x + list.width <= box.x + 1, `list ${JSON.stringify(list)} and detail ${JSON.stringify(box)} overlap`);
  const viewport = page.viewportSize()!;
  assert.ok(box);
  // Bounding boxes are relative to the viewport: the detail is on screen after the click.
  const inView = box.y < viewport.height && box.y + box.height > 0;
  assert.ok(inView, `the detail stays in view after a click far down (${viewport.height} px window)`);
  // Another row can be clicked while the detail is open.
  await page.locator('tr.record').nth(2).click();
  await page.screenshot({ path: artifactPath('truth-requests-detail-1400.png') });

  await page.setViewportSize({ width: 800, height: 900 });
  assert.equal(await page.locator('.list').isVisible(), false, 'at 800 px the detail takes the list’s place');
  const back = detail.locator('button.back');
  assert.ok(await back.isVisible());
  await page.screenshot({ path: artifactPath('truth-requests-detail-800.png') });
  await back.click();
  await page.locator('.list').waitFor({ state: 'visible' });
  assert.equal(await detail.count(), 0);
  await page.setViewportSize({ width: 1400, height: 900 });

  // Filters reach the whole stored log: the one 500 among 40 successes.
  await page.locator('select.status-filter').selectOption('5xx');
  await eventually(async () => (await page.locator('tr.record').count()) === 1, 5000);
  assert.match(await page.locator('tr.record').first().innerText(), /500/);
  await page.locator('select.status-filter').selectOption('');

  // The overview's last errors link to their request.
  await tab('overview');
  await page.locator('a.open-request').first().click();
  await page.locator('aside.detail').waitFor();
  assert.match(await page.locator('aside.detail').innerText(), /500/);
  assert.equal(await page.locator('button.tab.on').getAttribute('data-page'), 'requests');
});

test('sessions: each conversation listed with what it used; "keep this session on" binds just that one', async () => {
  const inSession = (id: string) =>
    new Anthropic({ baseURL: claudeUrl(), apiKey: 'placeholder', maxRetries: 0, defaultHeaders: { 'x-claude-code-session-id': id } });
  const talk = (c: Anthropic) => c.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  await talk(inSession('browser-session-aaaa'));
  await talk(inSession('browser-session-bbbb'));
  await tab('sessions');
  const row = page.locator('table.sessions tr[data-id="browser-session-aaaa"]');
  await row.waitFor({ timeout: 5000 });
  await row.click();
  const detail = page.locator('aside.session-detail');
  await detail.waitFor();
  await detail.locator('select.bind').selectOption('relay-b');
  await page.locator('.toast', { hasText: 'This session now stays on "relay-b"' }).waitFor();
  const before = [relayA.requests.length, relayB.requests.length];
  await talk(inSession('browser-session-aaaa'));
  await talk(inSession('browser-session-bbbb'));
  assert.deepEqual([relayA.requests.length - before[0]!, relayB.requests.length - before[1]!], [1, 1], 'only the bound session moved');
  await page.locator('table.sessions tr[data-id="browser-session-aaaa"] .tag', { hasText: 'bound' }).waitFor({ timeout: 5000 });
  await page.screenshot({ path: artifactPath('truth-sessions-bound.png') });
  await detail.locator('select.bind').selectOption('');
  await page.locator('.toast', { hasText: 'follows the active config again' }).waitFor();
});

test('every page in both themes at every width (down to a 600 px split), and no script error on any of them', async () => {
  for (const width of [1920, 1400, 800, 600]) {
    for (const scheme of width === 1920 ? (['dark'] as const) : (['light', 'dark'] as const)) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      for (const name of ['overview', 'configs', 'requests', 'sessions', 'usage', 'filters', 'routes', 'pool']) {
        await tab(name);
        await page.waitForTimeout(250);
        await page.screenshot({ path: artifactPath(`page-${name}-${width}-${scheme}.png`), fullPage: true });
        const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
        assert.ok(overflow <= 1, `${name} at ${width} px is ${overflow} px wider than the window`);
        // A table may scroll sideways inside its box, but not from the start: its last column
        // (Cost, on the Requests page) is in view without scrolling.
        const cut = String(
          await page.evaluate(`[...document.querySelectorAll('table.grid thead th:last-child')]
            .filter((th) => th.getBoundingClientRect().width > 0 && th.getBoundingClientRect().right > window.innerWidth + 1)
            .map((th) => th.closest('table').className + ' ' + (th.closest('table').dataset.table ?? '') + ' "' + th.textContent.trim() + '" ends at ' + Math.round(th.getBoundingClientRect().right)).join(', ')`),
        );
        assert.equal(cut, '', `${name} at ${width} px: a table's last column is out of view: ${cut}`);
      }
    }
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  // Usage's session table shows an id as the Sessions page does, the whole id in its title.
  await tab('usage');
  const session = page.locator('table.usage-table[data-table="sessions"] code[title="browser-session-aaaa"]');
  assert.equal(await session.innerText(), 'browser-…aaaa');
  assert.deepEqual(pageErrors, []);
});

test('a page that loses CLP says so and comes back by itself; after `clp stop` it says CLP is not reachable within 3 s', async () => {
  await tab('overview');
  // The network to CLP fails for a moment: the banner, then "reachable again" with fresh figures.
  await page.route('**/api/**', (route) => route.abort('connectionrefused'));
  await page.locator('.banner.offline').waitFor({ timeout: 3000 });
  assert.match(await page.locator('.banner.offline').innerText(), /not reachable/);
  assert.equal(await page.locator('main.stale').count(), 1, 'the old figures are shown as old');
  await page.screenshot({ path: artifactPath('truth-offline.png') });
  await page.unroute('**/api/**');
  await page.locator('.banner.back').waitFor({ timeout: 5000 });
  assert.equal(await page.locator('.banner.offline').count(), 0);

  await run(['stop']);
  // From the moment CLP is gone (`clp stop` returns once its process has exited).
  const t0 = Date.now();
  await page.locator('.banner.offline').waitFor({ timeout: 3000 });
  const took = Date.now() - t0;
  assert.ok(took <= 3000, `the page said so after ${took} ms`);
  assert.equal(await page.locator('article.card .dot.ok').count(), 0, 'no green dot while CLP is away');
  // While CLP is down, a program takes its port and answers like CLP: the page sends it no key.
  const seen: Array<{ url: string; headers: Record<string, unknown>; body: string }> = [];
  const squatter = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      res.writeHead(req.url === '/api/auth' ? 200 : 401, { 'content-type': 'application/json' });
      res.end(req.url === '/api/auth' ? JSON.stringify({ proof: 'ab'.repeat(32) }) : JSON.stringify({ code: 'unauthorized', message: 'no' }));
    });
  });
  await new Promise<void>((r) => squatter.listen(Number(env.CLP_UI_PORT), '127.0.0.1', r));
  await eventually(() => seen.some((s) => s.url === '/api/rekey'), 8000);
  await new Promise<void>((r) => squatter.close(() => r()));
  squatter.closeAllConnections();
  const token = await dashboardToken(home.home);
  for (const s of seen) {
    assert.ok(!JSON.stringify(s).includes(token), `the page sent its key to the squatter: ${s.url}`);
    assert.equal(s.headers['x-clp-token'], undefined, s.url);
  }
  await page.locator('.banner.offline').waitFor();
  // CLP back, with a new token of its own: the page trades the old one for it and comes back by itself.
  await run(['start']);
  await page.locator('.banner.back').waitFor({ timeout: 8000 });
  assert.equal(await page.locator('.banner.offline').count(), 0);
  assert.equal(await page.locator('main.stale').count(), 0);
  assert.notEqual(await dashboardToken(home.home), token, 'the new owner has a token of its own');
  await tab('requests');
  await page.locator('tr.record').first().waitFor({ timeout: 5000 });
});

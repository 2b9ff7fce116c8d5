import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, launchChromium, photograph } from '../helpers/browser.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';
import { dashboardToken } from '../helpers/rpc.ts';

const KEY_A = 'sk-ant-api03-browserAAAAAAAAAAAAAAAA-1111';
const KEY_B = 'sk-relay-browserBBBBBBBBBBBBBBBBBBB-2222';

let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let relayA: FakeUpstream;
let relayB: FakeUpstream;
let browser: Browser;
let page: Page;
let client: Anthropic;
/** Every response body the page received: none may hold a key. */
const seen: string[] = [];
const pageErrors: string[] = [];

before(async () => {
  home = await tempHome();
  relayA = await FakeUpstream.start('anthropic', 'relay-a');
  relayB = await FakeUpstream.start('anthropic', 'relay-b');
  await writeConfig(home.home, 'claude', {
    'relay-a': { base_url: relayA.baseUrl, api_key: KEY_A, active: true },
    'relay-b': { base_url: relayB.baseUrl, auth_token: KEY_B },
  });
  core = await startCore(home.home);
  client = new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  page.on('response', async (r) => {
    if (r.url().includes('/api/rpc/')) seen.push(await r.text().catch(() => ''));
  });
  await page.goto(`${core.urls.ui}/#token=${await dashboardToken(home.home)}`);
});

after(async () => {
  await browser?.close();
  await core.stop();
  await relayA.close();
  await relayB.close();
  await home.cleanup();
});

const ask = (content: string) => client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 16, messages: [{ role: 'user', content }] });

test('the overview shows both services; switching the active config sends the next request to the new upstream', async () => {
  await page.locator('article.card[data-service="claude"]').waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the token is dropped from the address bar');
  await ask('first');
  assert.equal(relayA.requests.length, 1);
  await page.locator('select.switch[data-service="claude"]').selectOption('relay-b');
  await eventually(() => core.stores.claude.snapshot().active?.name === 'relay-b');
  const reply = await ask('second');
  assert.equal((reply.content[0] as { text: string }).text, 'Hello from relay-b');
  assert.equal(relayB.requests.length, 1);
  await page.locator('.today-requests').first().filter({ hasText: '2' }).waitFor();
  await page.screenshot({ path: artifactPath('overview.png'), fullPage: true });
});

test('a request made through the proxy appears live in the list, and its detail renders the response', async () => {
  await page.locator('button.tab[data-page="requests"]').click();
  await page.locator('.list table.requests, .list .empty').first().waitFor();
  const before = await page.locator('tr.record').count();
  await ask('watch me arrive');
  assert.ok(await eventually(async () => (await page.locator('tr.record').count()) === before + 1, 5000), 'the new request did not appear in the list');
  await page.locator('tr.record').first().click();
  const detail = page.locator('aside.detail');
  await detail.locator('.block.text').waitFor();
  assert.match(await detail.locator('.block.text').innerText(), /Hello from relay-b/);
  assert.match(await detail.innerText(), /relay-b/);
  // What the turn asked, above the answer: the request's shape and its last message.
  assert.equal((await detail.locator('details.asked summary').innerText()).trim(), 'Request claude-sonnet-5-5, 1 message (1 user)');
  assert.equal(await detail.locator('pre.last-message').innerText(), 'watch me arrive');
  await detail.locator('summary', { hasText: 'Request headers' }).click();
  assert.ok(!(await detail.innerText()).includes(KEY_B));
  await page.screenshot({ path: artifactPath('request-detail.png'), fullPage: true });
});

test('a request that ends while the Requests page reads its list shows in it all the same', async () => {
  await page.locator('button.tab[data-page="overview"]').click();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let served!: () => void;
  const read = new Promise<void>((resolve) => (served = resolve));
  // The owner reads its log at once; the page gets the list only when it is released.
  await page.route('**/api/rpc/logs/list', async (route) => {
    const response = await route.fetch();
    served();
    await held;
    await route.fulfill({ response });
  });
  try {
    await page.locator('button.tab[data-page="requests"]').click();
    await read;
    const { response } = await client.messages
      .create({ model: 'claude-sonnet-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'late' }] })
      .withResponse();
    const id = response.headers.get('x-clp-request-id')!;
    // Its record reaches the page's live feed while the list, read before it ended, is held.
    // (Polled from here: a string predicate that has to wait is evaluated in the page, which its CSP refuses.)
    const reached = () =>
      page.locator('clp-requests').evaluate((el, rid) => (el as unknown as { records: { id: string }[] }).records.some((r) => r.id === rid), id);
    assert.ok(await eventually(reached, 5000), "the request's record never reached the page's live feed");
    release();
    await page.locator(`tr.record[data-id="${id}"]`).waitFor({ timeout: 5000 });
  } finally {
    release();
    await page.unroute('**/api/rpc/logs/list');
  }
});

test('a filter added on the page applies to the next proxied request', async () => {
  await page.locator('button.tab[data-page="filters"]').click();
  await page.locator('button.add-rule').click();
  await page.locator('input.rule-source').last().fill('project-moonshot');
  await page.locator('input.rule-target').last().fill('[codename]');
  await page.locator('button.save-filters').click();
  await page.locator('.saved').waitFor();
  await ask('tell me about project-moonshot');
  assert.match(relayB.requests.at(-1)!.body, /tell me about \[codename\]/);
  await page.locator('textarea.sample').fill('the project-moonshot plan');
  await page.locator('button.try').click();
  assert.equal(await page.locator('pre.tried').innerText(), 'the [codename] plan');
  await page.screenshot({ path: artifactPath('filters.png'), fullPage: true });
});

test('the usage page draws its chart', async () => {
  await page.locator('button.tab[data-page="usage"]').click();
  await page.locator('.usage-chart canvas').waitFor();
  const box = await page.locator('.usage-chart canvas').boundingBox();
  assert.ok(box && box.width > 200 && box.height > 100);
  assert.ok((await page.locator('table.usage-table tbody tr').count()) >= 1);
  await page.screenshot({ path: artifactPath('usage.png'), fullPage: true });
});

test('configs: a new config added on the page is saved with its key, and the page only ever sees it masked', async () => {
  await page.locator('button.tab[data-page="configs"]').click();
  await page.locator('button.add-config').click();
  const form = page.locator('form.config-form');
  await form.locator('input[name="name"]').fill('relay-c');
  await form.locator('input[name="base_url"]').fill(relayA.baseUrl);
  await form.locator('input[name="key"]').fill('sk-brand-new-cccccccccccccccccccc-3333');
  await form.locator('button[type="submit"]').click();
  await page.locator('tr[data-name="relay-c"]').waitFor();
  assert.equal(core.stores.claude.snapshot().get('relay-c')?.apiKey, 'sk-brand-new-cccccccccccccccccccc-3333');
  assert.match(await page.locator('tr[data-name="relay-c"] code.key').innerText(), /…3333$/);
  await page.locator('tr[data-name="relay-a"] button.test').click();
  await page.locator('button.run-test').click();
  await page.locator('.test-result').waitFor();
  assert.match(await page.locator('.test-result').innerText(), /Works/);
  await page.screenshot({ path: artifactPath('configs.png'), fullPage: true });
  for (const text of seen)
    for (const key of [KEY_A, KEY_B, 'sk-brand-new-cccccccccccccccccccc-3333']) assert.ok(!text.includes(key), `a response held a key: ${text.slice(0, 120)}`);
  assert.ok(seen.length > 10);
});

test('the pool and routes pages render, and the page raised no script error (CSP included)', async () => {
  await page.locator('button.tab[data-page="pool"]').click();
  await page.locator('section.pool[data-service="claude"] tr[data-name="relay-a"]').waitFor();
  await page.locator('button.tab[data-page="routes"]').click();
  await page.locator('input.probe-model').fill('claude-3-opus');
  await page.locator('button.try-route').click();
  assert.match(await page.locator('div.decision').innerText(), /No rule matched/);
  assert.deepEqual(pageErrors, []);
});

test('a browser without the token gets the instructions, and no data', async () => {
  const fresh = await browser.newPage();
  await fresh.goto(core.urls.ui);
  assert.match(await fresh.locator('main.locked').innerText(), /clp ui/);
  await fresh.close();
});

test('a failover request shows its decisions in words, at both widths and in both themes', async () => {
  const token = await dashboardToken(home.home);
  await fetch(`${core.urls.ui}/api/rpc/pool/action`, {
    method: 'POST',
    headers: { 'x-clp-token': token },
    body: JSON.stringify({ service: 'claude', action: { action: 'mode', mode: 'pool' } }),
  });
  relayA.behaviour = { kind: 'status', status: 500, body: { type: 'error', error: { type: 'api_error', message: 'down' } } };
  try {
    await page.locator('button.tab[data-page="requests"]').click();
    await ask('fail over, please');
    // The row is found by what it says, not by a count taken while the tab (re)reads its list.
    const row = page.locator('tr.record', { has: page.locator('.warn-tag', { hasText: 'failover' }) });
    await row.first().waitFor({ timeout: 5000 });
    assert.equal(await row.count(), 1);
    await row.first().click();
    const trace = page.locator('aside.detail ol.trace');
    await trace.waitFor();
    const lines = await trace.locator('li').allInnerTexts();
    assert.match(lines[0]!, /^Plan \(pool mode\): relay-a → relay-b/);
    assert.ok(
      lines.some((l) => /^Tried relay-a: HTTP 500 \(\d+ ms\)$/.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /^Tried relay-b: HTTP 200/.test(l)),
      lines.join('\n'),
    );
    for (const [width, scheme] of [
      [1400, 'light'],
      [800, 'dark'],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: artifactPath(`request-trace-${width}-${scheme}.png`), fullPage: true });
    }
  } finally {
    relayA.behaviour = { kind: 'ok' };
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  }
});

test('the request list lays out its newest 100 rows and pages back over the whole stored log', async () => {
  for (let i = 0; i < 11; i++) await Promise.all(Array.from({ length: 10 }, (_, j) => ask(`many ${i}-${j}`)));
  await page.reload();
  await page.locator('button.tab[data-page="requests"]').click();
  const more = page.locator('button.more');
  await more.waitFor();
  assert.equal(await page.locator('tr.record').count(), 100);
  const store = core.requests()!;
  await store.flush();
  const total = (await store.logs({ limit: 1000 })).length;
  assert.ok(total > 110, `${total} records stored`);
  assert.match(await page.locator('.toolbar .count').innerText(), /^100\+ shown/);
  await photograph(page, 'requests-more', [
    [1400, 'dark'],
    [800, 'light'],
  ]);
  // Each click adds the next page, never the same one twice.
  while ((await page.locator('tr.record').count()) < total) {
    const n = await page.locator('tr.record').count();
    // Two clicks in one go, as an impatient user makes them.
    await more.evaluate((b) => {
      const button = b as unknown as { click(): void };
      button.click();
      button.click();
    });
    await eventually(async () => (await page.locator('tr.record').count()) > n, 5000);
  }
  await eventually(async () => !(await more.isVisible()), 5000);
  assert.equal(await page.locator('tr.record').count(), total);
  const ids = await page.locator('tr.record').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { id: string } }).dataset.id));
  assert.equal(new Set(ids).size, total, 'no row twice');
});

test('a session the active config cannot hold: the Overview says so before its next request, at both widths and in both themes', async () => {
  const long = new Anthropic({
    baseURL: core.urls.claude,
    apiKey: 'placeholder',
    maxRetries: 0,
    defaultHeaders: { 'x-claude-code-session-id': 'bigctx-0001-aaaa' },
  });
  relayA.usage = { input_tokens: 1_000, cache_creation_input_tokens: 4_000, cache_read_input_tokens: 175_000, output_tokens: 300 };
  try {
    await core.activate('claude', 'relay-a');
    await long.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'long' }] });
    await writeConfig(home.home, 'claude', {
      'relay-a': { base_url: relayA.baseUrl, api_key: KEY_A },
      'relay-b': { base_url: relayB.baseUrl, auth_token: KEY_B, context_window: 128_000, active: true },
    });
    await core.stores.claude.reload();
    await page.reload();
    await page.locator('button.tab[data-page="overview"]').click();
    const banner = page.locator('.banner.context-warning');
    await banner.waitFor({ timeout: 10_000 });
    assert.match(
      await banner.innerText(),
      /^Session bigctx-0 \(claude\) uses 180,000 tokens of context; claude-sonnet-5-5 on relay-b holds 128,000\. Its next request will overflow/i,
    );
    for (const [width, scheme] of [
      [1400, 'light'],
      [1400, 'dark'],
      [800, 'light'],
      [800, 'dark'],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: artifactPath(`overview-context-warning-${width}-${scheme}.png`) });
    }
  } finally {
    relayA.usage = { input_tokens: 3, cache_creation_input_tokens: 2849, cache_read_input_tokens: 9493, output_tokens: 527 };
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  }
});

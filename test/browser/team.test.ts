import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, photograph } from '../helpers/browser.ts';
import { clp, envFor } from '../helpers/cli.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';
import { TestPostgres } from '../helpers/postgres.ts';

/** The dashboard in team mode: the Usage page's team scope and the Overview's shared accounts, against a real PostgreSQL. */
let db: TestPostgres;
let browser: Browser;
before(async () => {
  db = await TestPostgres.start();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await db?.close();
});

const ask = (url: string) =>
  new Anthropic({ baseURL: url, apiKey: 'placeholder', maxRetries: 0 }).messages.create({
    model: 'claude-opus-5-5',
    max_tokens: 8,
    messages: [{ role: 'user', content: 'hi' }],
  });

test('team scope on the Usage page sums every member; the Overview lists shared accounts with a cool-down another member saw', async () => {
  const shared = await FakeUpstream.start('anthropic', 'shared');
  const own = await FakeUpstream.start('anthropic', 'own');
  const homeA = await tempHome();
  const homeB = await tempHome();
  const sharedEntry = { base_url: shared.baseUrl, auth_token: 'sk-team-shared-eeeeeeeeeeeeeeeeeeee', weight: 10, active: true };
  await writeConfig(homeA.home, 'claude', {
    团队账号: sharedEntry,
    'own-a': { base_url: own.baseUrl, auth_token: 'sk-own-a-ffffffffffffffffffff', weight: 1 },
  });
  await writeConfig(homeB.home, 'claude', { team: sharedEntry, 'own-b': { base_url: own.baseUrl, auth_token: 'sk-own-b-gggggggggggggggggggg', weight: 1 } });
  const a = await startCore(homeA.home, { team: { url: db.url, member: 'alice', machine: 'laptop' } });
  const b = await startCore(homeB.home, { team: { url: db.url, member: 'bob', machine: 'devbox' } });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    for (const core of [a, b]) core.pool.setMode('claude', 'pool', 'priority');
    for (let i = 0; i < 3; i++) await ask(a.urls.claude);
    for (let i = 0; i < 2; i++) await ask(b.urls.claude);
    // Bob's next request meets a 429: his CLP fails over to his own account and tells the team.
    shared.behaviour = {
      kind: 'status',
      status: 429,
      body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow' } },
      headers: { 'retry-after': '120' },
    };
    await ask(b.urls.claude);
    shared.behaviour = { kind: 'ok' };
    assert.ok(await eventually(() => (a.status().team?.applied ?? 0) === 1, 8_000), "alice's CLP applied bob's cool-down");
    assert.ok(await eventually(async () => Number((await db.query('SELECT count(*) n FROM clp.requests')).rows[0]!.n) === 6, 8_000));

    const url = (await clp(['ui', '--no-open'], envFor(homeA.home, a.ports()))).stdout.trim();
    await page.goto(url);
    const row = page.locator('clp-team-accounts tr', { hasText: '团队账号' });
    await row.waitFor();
    assert.match(await row.innerText(), /alice, bob/);
    assert.match(
      await row.innerText(),
      /^claude\t团队账号\talice, bob\t5\t0\t cooling down until [\d:]+( [AP]M)?: HTTP 429, retry after 120 s \(seen by bob on devbox\)$/,
    );
    assert.match(await page.locator('clp-team-accounts h2').innerText(), /linked as alice on laptop/);
    await photograph(page, 'team-overview');

    await page.locator('button.tab[data-page="usage"]').click();
    await page.locator('select.scope').selectOption('team');
    const members = page.locator('table.usage-table[data-table="members"]');
    await members.waitFor();
    const line = async (name: string) => (await members.locator('tr', { hasText: name }).first().innerText()).split('\t');
    assert.equal((await line('alice'))[2], '3');
    assert.equal((await line('bob'))[2], '3');
    assert.match((await members.locator('tr.total').innerText()).split('\t')[2]!, /^6$/);
    assert.ok(await page.locator('table.usage-table[data-table="machines"] tr', { hasText: 'devbox' }).count());
    await photograph(page, 'team-usage');
    // Back to this machine: only alice's requests.
    await page.locator('select.scope').selectOption('machine');
    await page.locator('table.usage-table[data-table="configs"]').waitFor();
    assert.match((await page.locator('table.usage-table[data-table="configs"] tr.total').innerText()).split('\t')[2]!, /^3$/);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await a.stop();
    await b.stop();
    await shared.close();
    await own.close();
    await homeA.cleanup();
    await homeB.cleanup();
  }
});

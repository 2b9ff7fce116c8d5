import { GoogleGenAI } from '@google/genai';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchChromium, photograph } from '../helpers/browser.ts';
import { clp, envFor } from '../helpers/cli.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';

test('the dashboard shows Gemini like the others: its card and switch, its configs, its requests read in the detail view', async () => {
  const home = await tempHome();
  const a = await FakeUpstream.start('gemini', 'gem-a');
  const b = await FakeUpstream.start('gemini', 'gem-b');
  await writeConfig(home.home, 'gemini', {
    'gem-a': { base_url: a.baseUrl, api_key: 'AIza-key-aaaaaaaaaaaaaaaa', active: true },
    谷歌中转: { base_url: b.baseUrl, api_key: 'AIza-key-bbbbbbbbbbbbbbbb' },
  });
  const core = await startCore(home.home);
  const browser = await launchChromium();
  try {
    const ai = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: core.urls.gemini } });
    for await (const _ of await ai.models.generateContentStream({ model: 'gemini-3.5-flash', contents: 'use a tool please' })) {
      // drained
    }
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto((await clp(['ui', '--no-open'], envFor(home.home, core.ports()))).stdout.trim());
    const card = page.locator('article.card[data-service="gemini"]');
    await card.waitFor();
    assert.match(await card.innerText(), /Gemini CLI/);
    assert.match(await card.innerText(), /Requests today\s*1/);
    await photograph(page, 'gemini-overview');
    // One click switches it, like the others.
    await card.locator('select.switch').selectOption('谷歌中转');
    assert.ok(await eventually(() => core.stores.gemini.snapshot().active?.name === '谷歌中转'), 'switched');
    const res = await ai.models.generateContent({ model: 'gemini-3.5-flash', contents: 'hi' });
    assert.equal(res.text, 'Hello from gem-b');

    await page.locator('button.tab[data-page="configs"]').click();
    await page.locator('button.tab', { hasText: 'gemini' }).click();
    await page.getByText('谷歌中转').first().waitFor();
    assert.ok(!(await page.content()).includes('AIza-key-bbbbbbbbbbbbbbbb'), 'keys are masked');

    await page.locator('button.tab[data-page="requests"]').click();
    const rows = page.locator('tr.record');
    await rows.nth(1).waitFor();
    await rows.nth(1).click();
    const detail = page.locator('aside.detail');
    await detail.locator('.block.tool').waitFor();
    assert.match(await detail.locator('.block.tool').innerText(), /list_directory[\s\S]*dir_path/);
    await photograph(page, 'gemini-request');
  } finally {
    await browser.close();
    await core.stop();
    await a.close();
    await b.close();
    await home.cleanup();
  }
});

import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchChromium, photograph } from '../helpers/browser.ts';
import { clp, envFor } from '../helpers/cli.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';

test('the Filters page lists the filter modules with what they changed and their last error', async () => {
  const home = await tempHome();
  const up = await FakeUpstream.start('anthropic', 'up');
  await writeConfig(home.home, 'claude', { relay: { base_url: up.baseUrl, auth_token: 'sk-relay-mmmmmmmmmmmmmmmmmmmm', active: true } });
  await mkdir(join(home.home, 'filters'), { recursive: true });
  await writeFile(join(home.home, 'filters', '10-tag.mjs'), "export default (b) => ({ ...b, metadata: { user_id: 'tagged' } });");
  await writeFile(join(home.home, 'filters', '20-odd.mjs'), 'export default () => null;');
  // A budget no loaded machine misses (the budget itself is the integration tests' business): on a
  // busy two-core CI run the worker was once preempted past the default 50 ms on this tiny module.
  const core = await startCore(home.home, { filters: { failOpen: ['20-odd.mjs'], codeBudgetMs: 2000 } });
  const browser = await launchChromium();
  try {
    await new Anthropic({ baseURL: core.urls.claude, apiKey: 'x', maxRetries: 0 }).messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto((await clp(['ui', '--no-open'], envFor(home.home, core.ports()))).stdout.trim());
    await page.locator('button.tab[data-page="filters"]').click();
    const tag = page.locator('section.filter-modules tr[data-module="10-tag.mjs"]');
    await tag.waitFor();
    assert.match(await tag.innerText(), /^10-tag\.mjs\t1\t1\trequest stopped\t–$/);
    assert.match(
      await page.locator('section.filter-modules tr[data-module="20-odd.mjs"]').innerText(),
      /skipped \(fail-open\)\t.*returned null \(expected the request body, an object\)/,
    );
    await photograph(page, 'filter-modules');
    await page.locator('button.tab[data-page="requests"]').click();
    await page.locator('tr.record').first().click();
    await page.getByText('Filter modules: changed by 10-tag.mjs; 20-odd.mjs returned null').first().waitFor();
  } finally {
    await browser.close();
    await core.stop();
    await up.close();
    await home.cleanup();
  }
});

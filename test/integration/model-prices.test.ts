import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCore } from '../helpers/core.ts';
import { clp, envFor } from '../helpers/cli.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';

/**
 * Costs as users see them: Claude Code's default model priced from the catalogue, a relay's
 * `price_multiplier` applied, an unseen minor version estimated by its family (and said so).
 */
test('prices: the default models are priced; a relay multiplier scales the cost; an unseen version is an estimate, marked', async () => {
  const home = await tempHome();
  const a = await FakeUpstream.start('anthropic', 'a');
  await writeConfig(home.home, 'claude', {
    official: { base_url: a.baseUrl, auth_token: 'sk-a-aaaaaaaaaaaaaaaaaaaa', active: true },
    中转: { base_url: a.baseUrl, auth_token: 'sk-b-bbbbbbbbbbbbbbbbbbbb', price_multiplier: 0.3 },
  });
  const core = await startCore(home.home);
  try {
    const client = new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0 });
    const ask = (model: string) => client.messages.create({ model, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    await ask('claude-opus-5-5');
    await ask('claude-opus-5-7');
    await core.activate('claude', '中转');
    await ask('claude-opus-5-5');
    await core.requests()!.flush();
    const [relayed, estimated, listed] = await core.requests()!.logs({ limit: 3 });
    // The fake's usage: 3 input, 2849 1-hour cache writes, 9493 cache reads, 527 output; Opus 5.5 is $4 / $8 / $0.20 / $20.
    const list = (3 * 4 + 2849 * 8 + 9493 * 0.2 + 527 * 20) / 1e6;
    assert.ok(Math.abs(listed!.cost_usd! - list) < 1e-9, `${listed!.cost_usd} != ${list}`);
    assert.equal(listed!.cost_estimated, undefined);
    assert.ok(Math.abs(relayed!.cost_usd! - list * 0.3) < 1e-9, 'the relay bills 0.3 x list price');
    assert.equal(estimated!.cost_estimated, true);
    assert.ok(Math.abs(estimated!.cost_usd! - list) < 1e-9, "priced as its family's newest");
    const p = core.ports();
    const env = envFor(home.home, p);
    const shown = await clp(['logs', 'show', estimated!.id], env);
    assert.match(shown.stdout, /cost: ~\$0\.0\d+ \(estimated: priced by its model family\)/);
    // The day totals know which of their costs are estimates, and every view of them says so.
    const models = (await core.requests()!.usage({ by: 'model' })).services.claude.models!;
    assert.equal(models['claude-opus-5-7']!.estimated, 1);
    assert.equal(models['claude-opus-5-5']!.estimated, 0);
    const byModel = await clp(['usage', '--by', 'model'], env);
    assert.match(byModel.stdout, /claude-opus-5-7 .*~\$0\.0\d+ \(1 estimated\)/);
    assert.doesNotMatch(byModel.stdout.split('\n').find((l) => l.includes('claude-opus-5-5'))!, /~/);
  } finally {
    await core.stop();
    await a.close();
    await home.cleanup();
  }
});

test('prices change: costs already recorded are recomputed from their tokens, per request and in the day totals, while CLP runs and across a restart', async () => {
  const home = await tempHome();
  const a = await FakeUpstream.start('anthropic', 'a');
  await writeConfig(home.home, 'claude', { relay: { base_url: a.baseUrl, auth_token: 'sk-a-aaaaaaaaaaaaaaaaaaaa', active: true } });
  let core = await startCore(home.home);
  try {
    const client = () => new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0 });
    const ask = (model: string) => client().messages.create({ model, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    await ask('relay-special-1');
    await ask('relay-special-1');
    await core.requests()!.flush();
    assert.equal((await core.requests()!.logs({ limit: 1 }))[0]!.cost_usd, null, 'unknown before');
    // A price for the relay's model: 1M tokens of each kind at $1 (the fake sends 3 + 2849 + 9493 + 527 tokens).
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    await writeFile(
      join(home.home, 'prices.json'),
      JSON.stringify({ 'relay-special-*': { input: 1, output: 1, cache_write_5m: 1, cache_write_1h: 1, cache_read: 1 } }),
    );
    const one = (3 + 2849 + 9493 + 527) / 1e6;
    const usageCost = async () => (await core.requests()!.usage({ by: 'model' })).services.claude.models!['relay-special-1']!;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      await ask('claude-opus-5-5'); // a request makes Pricing look at prices.json again
      if ((await usageCost()).cost_usd > 0) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const relayed = (await core.requests()!.logs({ limit: 50 })).filter((r) => r.model_sent === 'relay-special-1');
    assert.equal(relayed.length, 2);
    for (const r of relayed) assert.ok(Math.abs(r.cost_usd! - one) < 1e-12, `per request: ${r.cost_usd}`);
    const day = await usageCost();
    assert.ok(Math.abs(day.cost_usd - 2 * one) < 1e-9, `day totals: ${day.cost_usd}`);
    assert.equal(day.unpriced, 0);
    // Across a restart, with the price changed again while CLP was down.
    await core.stop();
    await writeFile(
      join(home.home, 'prices.json'),
      JSON.stringify({ 'relay-special-*': { input: 2, output: 2, cache_write_5m: 2, cache_write_1h: 2, cache_read: 2 } }),
    );
    core = await startCore(home.home);
    const again = await core.requests()!.usage({ by: 'model' });
    assert.ok(
      Math.abs(again.services.claude.models!['relay-special-1']!.cost_usd - 4 * one) < 1e-9,
      String(again.services.claude.models!['relay-special-1']!.cost_usd),
    );
    assert.ok(
      (await core.requests()!.logs({ limit: 50 })).filter((r) => r.model_sent === 'relay-special-1').every((r) => Math.abs(r.cost_usd! - 2 * one) < 1e-12),
    );
  } finally {
    await core.stop();
    await a.close();
    await home.cleanup();
  }
});

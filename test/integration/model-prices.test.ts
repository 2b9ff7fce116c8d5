import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCore } from '../helpers/core.ts';
import { clp } from '../helpers/cli.ts';
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
    const env = {
      PATH: process.env.PATH,
      HOME: home.home,
      CLP_HOME: home.home,
      CLP_CLAUDE_PORT: String(p.claude),
      CLP_CODEX_PORT: String(p.codex),
      CLP_UI_PORT: String(p.ui),
    };
    const shown = await clp(['logs', 'show', estimated!.id], env);
    assert.match(shown.stdout, /cost: ~\$0\.0\d+ \(estimated: priced by its model family\)/);
  } finally {
    await core.stop();
    await a.close();
    await home.cleanup();
  }
});

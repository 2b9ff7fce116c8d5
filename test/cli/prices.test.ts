import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { clp, isolatedEnv } from '../helpers/cli.ts';
import { tempHome } from '../helpers/home.ts';

/** The shape of LiteLLM's file: per-token costs, a provider, and entries CLP leaves out. */
const litellm = {
  sample_spec: { input_cost_per_token: 0, output_cost_per_token: 0, litellm_provider: 'one of https://docs.litellm.ai/docs/providers', mode: 'chat' },
  'claude-opus-4-1': {
    input_cost_per_token: 1.4e-5,
    output_cost_per_token: 7e-5,
    cache_creation_input_token_cost: 1.75e-5,
    cache_read_input_token_cost: 1.4e-6,
    max_input_tokens: 200000,
    litellm_provider: 'anthropic',
    mode: 'chat',
  },
  'anthropic/claude-relay-special': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, litellm_provider: 'anthropic', mode: 'chat' },
  'gemini-2.5-pro': { input_cost_per_token: 1.25e-6, output_cost_per_token: 1e-5, litellm_provider: 'vertex_ai-language-models', mode: 'chat' },
  'text-embedding-3-small': { input_cost_per_token: 2e-8, output_cost_per_token: 0, litellm_provider: 'openai', mode: 'embedding' },
};

/** The shape of models.dev's api.json: providers with models, costs per million. */
const modelsDev = {
  openai: {
    id: 'openai',
    models: { 'gpt-9-test': { id: 'gpt-9-test', cost: { input: 3, output: 12, cache_read: 0.3 }, limit: { context: 500000, output: 64000 } } },
  },
  google: { id: 'google', models: { 'gemini-3': { id: 'gemini-3', cost: { input: 1, output: 2 } } } },
};

test('clp prices: the effective table with sources; import merges LiteLLM and models.dev entries into prices.json; a broken prices.json is not overwritten', async () => {
  const home = await tempHome();
  const env = await isolatedEnv(home.home);
  try {
    const before = await clp(['prices', '--model', 'opus-5-5'], env);
    assert.equal(before.code, 0, before.stderr);
    assert.match(before.stdout, /^claude-opus-5-5 +\$4 +\$20 +\$5 +\$8 +\$0\.2 +1M +catalogue, checked 2026-12-03$/m);
    const lite = join(home.home, 'model_prices_and_context_window.json');
    await writeFile(lite, JSON.stringify(litellm));
    const imported = await clp(['prices', 'import', lite], env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /prices\.json: 2 models from LiteLLM/);
    const dev = join(home.home, 'api.json');
    await writeFile(dev, JSON.stringify(modelsDev));
    assert.match((await clp(['prices', 'import', dev], env)).stdout, /1 models from models\.dev/);
    const file = JSON.parse(await readFile(join(home.home, 'prices.json'), 'utf8'));
    assert.deepEqual(Object.keys(file).sort(), ['claude-opus-4-1', 'claude-relay-special', 'gpt-9-test']);
    assert.deepEqual(file['claude-opus-4-1'], { input: 14, output: 70, cache_write_5m: 17.5, cache_read: 1.4, window: 200000, source: 'LiteLLM' });
    const rows = JSON.parse((await clp(['prices', '--model', 'claude-opus-4-1', '--json'], env)).stdout);
    assert.equal(rows.length, 1, 'the imported entry replaces the catalogue row');
    assert.equal(rows[0].from, 'prices.json (from LiteLLM)');
    // Garbage in, and a broken prices.json: one line each, nothing written.
    await writeFile(join(home.home, 'junk.json'), '{"a": [1, 2]}');
    const junk = await clp(['prices', 'import', join(home.home, 'junk.json')], env);
    assert.equal(junk.code, 2);
    assert.match(junk.stderr, /expected LiteLLM's model_prices_and_context_window\.json or models\.dev's api\.json/);
    await writeFile(join(home.home, 'prices.json'), '{"broken": ');
    const broken = await clp(['prices', 'import', dev], env);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^clp: prices\.json: /m);
    assert.equal(await readFile(join(home.home, 'prices.json'), 'utf8'), '{"broken": ', 'never overwritten');
  } finally {
    await home.cleanup();
  }
});

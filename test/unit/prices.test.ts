import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { costOf, createPriceBook, loadUserPrices } from '../../src/core/usage/prices.ts';
import type { Usage } from '../../src/shared/usage.ts';
import { tempHome } from '../helpers/home.ts';

const usage = (u: Partial<Usage>): Usage => ({
  input: 0,
  cached_create: 0,
  cached_read: 0,
  output: 0,
  reasoning: 0,
  total: 0,
  cache_5m: null,
  cache_1h: null,
  ...u,
});
const M = 1_000_000;
const near = (actual: number | null, expected: number) => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);

test('Anthropic: 1-hour cache writes cost 2x input, 5-minute 1.25x, reads 0.1x', () => {
  const price = { input: 3, output: 15 };
  assert.equal(costOf(usage({ input: M }), price), 3);
  assert.equal(costOf(usage({ output: M }), price), 15);
  assert.equal(costOf(usage({ cached_create: M, cache_5m: 0, cache_1h: M }), price), 6);
  assert.equal(costOf(usage({ cached_create: M, cache_5m: M, cache_1h: 0 }), price), 3.75);
  assert.equal(costOf(usage({ cached_create: M }), price), 3.75, 'an unsplit write is priced at the 5-minute rate');
  assert.equal(costOf(usage({ cached_read: M }), price), 0.3);
  near(
    costOf(usage({ input: 3, cached_create: 2849, cache_5m: 0, cache_1h: 2849, cached_read: 9493, output: 527 }), price),
    (3 * 3 + 2849 * 6 + 9493 * 0.3 + 527 * 15) / M,
  );
});

test('OpenAI: cached input at the cached rate, reasoning inside output', () => {
  const price = { input: 1.25, output: 10, cache_read: 0.125 };
  near(costOf(usage({ input: 316, cached_read: 3456, output: 157, reasoning: 64 }), price), (316 * 1.25 + 3456 * 0.125 + 157 * 10) / M);
});

test('a model without a price costs "unknown" (null), never zero', () => {
  const book = createPriceBook();
  assert.equal(book('some-new-model-9'), null);
  assert.equal(costOf(usage({ input: 10 }), book('some-new-model-9')?.price ?? null), null);
  assert.equal(book(null), null);
  assert.equal(book('llama-4-maverick'), null, 'a family the catalogue has no line for stays unknown');
});

test('user entries win; exact beats pattern; dated ids and variants resolve to their entry', () => {
  const book = createPriceBook({ 'claude-sonnet-4-5-20250929': { input: 1, output: 1 }, 'my-*': { input: 9, output: 9 } });
  assert.deepEqual(book('claude-sonnet-4-5-20250929'), { price: { input: 1, output: 1 }, estimated: false, from: 'prices.json' });
  assert.equal(book('claude-sonnet-4-5-20260101')?.price.input, 3);
  assert.equal(book('claude-haiku-4-5-20251001')?.estimated, false);
  assert.equal(book('claude-opus-4-8[1m]')?.price.input, 5);
  assert.equal(book('anthropic/claude-opus-5-5')?.price.cache_read, 0.2);
  assert.deepEqual(book('my-model')?.price, { input: 9, output: 9 });
});

/** The cost of the same fixed usage for every catalogue entry: 1M input, 100K 1-hour write, 1M read, 100K output. */
test('catalogue: each entry prices a fixed usage as its page says', () => {
  const book = createPriceBook();
  const u = usage({ input: M, cached_create: M / 10, cache_5m: 0, cache_1h: M / 10, cached_read: M, output: M / 10 });
  // Below every long-context line: the prompt is given as small.
  const cost = (model: string) => costOf(u, book(model, 1000)!.price);
  const expected: Array<[string, number]> = [
    ['claude-fable-5-2', 8 + 1.6 + 0.2 + 4],
    ['claude-fable-5-1', 10 + 2 + 0.25 + 5],
    ['claude-fable-5', 10 + 2 + 1 + 5],
    ['claude-opus-5-5', 4 + 0.8 + 0.2 + 2],
    ['claude-opus-5', 5 + 1 + 0.5 + 2.5],
    ['claude-opus-4-8', 5 + 1 + 0.5 + 2.5],
    ['claude-opus-4-1', 15 + 3 + 1.5 + 7.5],
    ['claude-sonnet-5-5', 2 + 0.4 + 0.1 + 1],
    ['claude-sonnet-4-6', 3 + 0.6 + 0.3 + 1.5],
    ['claude-haiku-5-5', 0.1 + 0.02 + 0.01 + 0.05],
    ['claude-haiku-4-5', 1 + 0.2 + 0.1 + 0.5],
    ['claude-3-5-haiku', 0.8 + 0.16 + 0.08 + 0.4],
    ['gpt-5.5', 5 + 0.5 + 0.5 + 3],
    ['gpt-5.4', 2.5 + 0.25 + 0.25 + 1.5],
    ['gpt-5.4-mini', 0.75 + 0.075 + 0.075 + 0.45],
    ['gpt-5.1-codex-max', 1.25 + 0.125 + 0.125 + 1],
    ['gpt-4o', 2.5 + 0.25 + 1.25 + 1],
    ['gpt-6.2-sol', 2 + 0.25 + 0.1 + 1],
    ['gpt-6-luna', 0.1 + 0.0125 + 0.01 + 0.05],
  ];
  for (const [model, dollars] of expected) near(cost(model), dollars);
  // What Claude Code 2.1.332 and Codex 0.171 send by default, and the defaults the issue named.
  for (const model of ['claude-opus-5-5', 'claude-opus-4-8', 'gpt-5.5', 'gpt-6.2-sol']) assert.equal(book(model)?.estimated, false, model);
});

test('long-context rates apply to the whole request once its prompt is over the line', () => {
  const book = createPriceBook();
  assert.equal(book('claude-haiku-5-5', 100_000)?.price.input, 0.1);
  assert.equal(book('claude-haiku-5-5', 100_001)?.price.input, 0.5);
  assert.equal(book('claude-haiku-5-5', 100_001)?.price.cache_read, 0.05);
  assert.equal(book('gpt-5.5', 300_000)?.price.output, 45);
  assert.deepEqual(book('gpt-6.2-sol', 272_001)?.price, { input: 4, output: 15, cache_write_5m: 5, cache_write_1h: 5, cache_read: 0.2 });
  assert.equal(book('claude-sonnet-4-5', 250_000)?.price.output, 22.5);
  assert.equal(book('claude-opus-4-8', 900_000)?.price.input, 5, 'no tier: the same rate');
});

test('an unseen snapshot or minor version of a known family is priced by the family, marked estimated', () => {
  const book = createPriceBook();
  assert.deepEqual(book('claude-opus-5-7'), { price: book('claude-opus-5-5')!.price, estimated: true, from: 'catalogue' });
  assert.equal(book('claude-sonnet-6')?.estimated, true);
  assert.equal(book('claude-sonnet-6')?.price.input, 2, "the family's newest entry");
  assert.deepEqual(book('gpt-5.5-codex')?.price, book('gpt-5.5')!.price, 'a variant of a listed model: that model');
  assert.equal(book('gpt-5.5-codex')?.estimated, true);
  assert.equal(book('gpt-5.6')?.price.input, 5);
  assert.equal(book('gpt-5-codex-unknown-variant')?.estimated, true);
  assert.equal(book('claude-opus-4-1-20250805')?.estimated, false, 'a dated id of a listed model is its own price');
});

test('prices.json is validated with `prices.json: path: message`', async () => {
  const { home, cleanup } = await tempHome();
  const file = join(home, 'prices.json');
  assert.deepEqual(await loadUserPrices(file), {});
  await writeFile(file, '{"m": {"input": 1, "output": 2, "cache_read": 0.1}}');
  assert.deepEqual(await loadUserPrices(file), { m: { input: 1, output: 2, cache_read: 0.1 } });
  await writeFile(file, '{"m": {"input": -1, "output": 2}}');
  await assert.rejects(loadUserPrices(file), /prices\.json: m\.input: /);
  await cleanup();
});

test('the catalogue holds every provider’s models, Gemini’s among them', async () => {
  const { MODELS } = await import('../../src/core/providers/catalogues.ts');
  const { PROVIDERS } = await import('../../src/core/providers/registry.ts');
  assert.deepEqual(
    MODELS,
    Object.values(PROVIDERS).flatMap((p) => p.models),
  );
  assert.ok(MODELS.some((m) => m.id === 'gemini-3.5-flash'));
});

test('windows: the config says, or the catalogue; a model list as people read it', async () => {
  const { windowsLine, windowOf } = await import('../../src/core/usage/context-fit.ts');
  assert.equal(windowOf({ contextWindow: null }, 'claude-opus-4-8'), 1_000_000);
  assert.equal(windowOf({ contextWindow: null }, 'claude-haiku-4-5-20251001'), 200_000);
  assert.equal(windowOf({ contextWindow: 64_000 }, 'claude-opus-4-8'), 64_000);
  assert.equal(windowOf({ contextWindow: null }, 'glm-4.6'), null);
  assert.equal(windowsLine({ contextWindow: null, models: ['claude-opus-4-8', 'glm-4.6'] }), 'models: claude-opus-4-8 (1M), glm-4.6');
  assert.equal(windowsLine({ contextWindow: null, models: [] }), null);
});

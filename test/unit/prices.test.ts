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
  assert.equal(costOf(usage({ input: 10 }), book('some-new-model-9')), null);
  assert.equal(book(null), null);
});

test('defaults match dated model ids by pattern; user entries win; exact beats pattern', () => {
  const book = createPriceBook({ 'claude-sonnet-4-5-20250929': { input: 1, output: 1 }, 'my-*': { input: 9, output: 9 } });
  assert.deepEqual(book('claude-sonnet-4-5-20250929'), { input: 1, output: 1 });
  assert.deepEqual(book('claude-sonnet-4-5-20260101'), { input: 3, output: 15 });
  assert.deepEqual(book('claude-haiku-4-5-20251001'), { input: 1, output: 5 });
  assert.deepEqual(book('gpt-5-codex'), { input: 1.25, output: 10, cache_read: 0.125 });
  assert.deepEqual(book('my-model'), { input: 9, output: 9 });
  assert.equal(book('gpt-5-codex-unknown-variant'), null);
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

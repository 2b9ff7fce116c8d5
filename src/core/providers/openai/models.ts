import { type CatalogueEntry, entryMaker, type ModelPrice } from '../catalogue.ts';

/**
 * OpenAI's models, newest of each line first: standard-tier prices in USD per million tokens
 * (`cache_read` is the cached-input rate; before GPT-6 there is no cache-write charge), context window and
 * max output. Checked 2026-12-03: GPT-6.2 Sol from its model page; the rest from summaries of
 * developers.openai.com/api/docs/pricing dated 2026-06-04 to 2026-11-05 (the page itself is not in
 * the stored copies).
 */
const CHECKED = '2026-12-03';
const PRICING = 'https://developers.openai.com/api/docs/pricing';
const K = 1000;

const p = (input: number, output: number, cache_read?: number): ModelPrice => ({
  input,
  output,
  cache_write_5m: input,
  cache_write_1h: input,
  ...(cache_read !== undefined ? { cache_read } : {}),
});

const entry = entryMaker(CHECKED, PRICING);

/** GPT-6 rates carry a cache-write charge (30-minute retention). */
const p6 = (input: number, output: number, cache_read: number, write: number): ModelPrice => ({
  input,
  output,
  cache_write_5m: write,
  cache_write_1h: write,
  cache_read,
});
/** Over 272K input tokens the whole request pays 2 x input and cache, 1.5 x output. */
const long6 = (input: number, output: number, cache_read: number, write: number) => ({
  above: 272 * K,
  price: p6(input * 2, output * 1.5, cache_read * 2, write * 2),
});

export const OPENAI_MODELS: readonly CatalogueEntry[] = [
  // Codex 0.171's default model.
  entry('gpt-6.2-sol', 'gpt-6', p6(2, 10, 0.1, 2.5), 1_050 * K, 128 * K, {
    longContext: long6(2, 10, 0.1, 2.5),
    source: 'https://developers.openai.com/api/docs/models/gpt-6.2-sol',
  }),
  entry('gpt-6.1-sol', 'gpt-6', p6(2, 10, 0.1, 2.5), 1_050 * K, 128 * K, { longContext: long6(2, 10, 0.1, 2.5) }),
  entry('gpt-6-sol', 'gpt-6', p6(2, 10, 0.2, 2.5), 1_050 * K, 128 * K, { longContext: long6(2, 10, 0.2, 2.5) }),
  entry('gpt-6-luna', 'gpt-6', p6(0.1, 0.5, 0.01, 0.125), 1_050 * K, 128 * K, { longContext: long6(0.1, 0.5, 0.01, 0.125) }),
  // A prompt over 272K tokens is billed at 2 x input and 1.5 x output, whole.
  entry('gpt-5.5', 'gpt-5', p(5, 30, 0.5), 1_050 * K, 128 * K, { longContext: { above: 272 * K, price: p(10, 45, 1) } }),
  entry('gpt-5.5-pro', 'gpt-5', p(30, 180), 1_050 * K, 128 * K),
  entry('gpt-5.4', 'gpt-5', p(2.5, 15, 0.25), 1_050 * K, 128 * K, { longContext: { above: 272 * K, price: p(5, 22.5, 0.5) } }),
  entry('gpt-5.4-mini', 'gpt-5', p(0.75, 4.5, 0.075), 400 * K, 128 * K),
  entry('gpt-5.4-nano', 'gpt-5', p(0.2, 1.25, 0.02), 400 * K, 128 * K),
  entry('gpt-5.3-codex', 'gpt-5', p(1.75, 14, 0.175), 400 * K, 128 * K),
  entry('gpt-5.2', 'gpt-5', p(1.75, 14, 0.175), 400 * K, 128 * K),
  entry('gpt-5.1-codex-max', 'gpt-5', p(1.25, 10, 0.125), 400 * K, 128 * K),
  entry('gpt-5.1-codex-mini', 'gpt-5', p(0.25, 2, 0.025), 400 * K, 128 * K),
  entry('gpt-5.1-codex', 'gpt-5', p(1.25, 10, 0.125), 400 * K, 128 * K),
  entry('gpt-5.1', 'gpt-5', p(1.25, 10, 0.125), 400 * K, 128 * K),
  entry('gpt-5-codex', 'gpt-5', p(1.25, 10, 0.125), 400 * K, 128 * K),
  entry('gpt-5-mini', 'gpt-5', p(0.25, 2, 0.025), 400 * K, 128 * K),
  entry('gpt-5-nano', 'gpt-5', p(0.05, 0.4, 0.005), 400 * K, 128 * K),
  entry('gpt-5', 'gpt-5', p(1.25, 10, 0.125), 400 * K, 128 * K),
  entry('gpt-4.1-mini', 'gpt-4.1', p(0.4, 1.6, 0.1), 1_047_576, 32_768),
  entry('gpt-4.1', 'gpt-4.1', p(2, 8, 0.5), 1_047_576, 32_768),
  entry('gpt-4o-mini', 'gpt-4o', p(0.15, 0.6, 0.075), 128 * K, 16_384),
  entry('gpt-4o', 'gpt-4o', p(2.5, 10, 1.25), 128 * K, 16_384),
  entry('o4-mini', 'o4', p(1.1, 4.4, 0.275), 200 * K, 100 * K),
  entry('o3', 'o3', p(2, 8, 0.5), 200 * K, 100 * K),
];

import { type CatalogueEntry, entryMaker, type ModelPrice } from '../catalogue.ts';

/**
 * Anthropic's models, newest of each line first: list prices in USD per million tokens, context
 * window and max output. Checked 2026-12-03 against platform.claude.com (the pricing page and each
 * model's overview page); Fable 5.2 and Mythos 5.2 from a tracker's notes of the same page
 * (2026-12-01), as the stored copy of the page predates them.
 */
const CHECKED = '2026-12-03';
const PRICING = 'https://platform.claude.com/docs/en/about-claude/pricing';
const K = 1000;
const M = 1_000_000;

/** The usual cache rates: 5-minute write 1.25 x input, 1-hour write 2 x input, read 0.1 x input. */
const std = (input: number, output: number, read = input * 0.1): ModelPrice => ({
  input,
  output,
  cache_write_5m: input * 1.25,
  cache_write_1h: input * 2,
  cache_read: read,
});

const entry = entryMaker(CHECKED, PRICING);

export const ANTHROPIC_MODELS: readonly CatalogueEntry[] = [
  entry('claude-fable-5-2', 'claude-fable', std(8, 40, 0.2), M, 128 * K, { source: 'github.com/phuryn/claude-usage v1.5.7 (platform.claude.com, 2026-12-01)' }),
  entry('claude-fable-5-1', 'claude-fable', std(10, 50, 0.25), M, 128 * K),
  entry('claude-fable-5', 'claude-fable', std(10, 50, 1), M, 128 * K),
  entry('claude-mythos-5-2', 'claude-mythos', std(8, 40, 0.2), M, 128 * K, {
    source: 'github.com/phuryn/claude-usage v1.5.7 (platform.claude.com, 2026-12-01)',
  }),
  entry('claude-mythos-5-1', 'claude-mythos', std(10, 50, 0.25), M, 128 * K),
  entry('claude-mythos-5', 'claude-mythos', std(10, 50, 1), M, 128 * K),
  // Opus 5.5 reads its cache at 0.05 x input.
  entry('claude-opus-5-5', 'claude-opus', std(4, 20, 0.2), M, 128 * K, { source: 'https://platform.claude.com/docs/en/models/opus-5-5/overview' }),
  entry('claude-opus-5', 'claude-opus', std(5, 25), M, 128 * K),
  entry('claude-opus-4-8', 'claude-opus', std(5, 25), M, 128 * K),
  entry('claude-opus-4-7', 'claude-opus', std(5, 25), M, 128 * K),
  entry('claude-opus-4-6', 'claude-opus', std(5, 25), M, 128 * K),
  entry('claude-opus-4-5', 'claude-opus', std(5, 25), 200 * K, 64 * K),
  entry('claude-opus-4-1', 'claude-opus', std(15, 75), 200 * K, 32 * K),
  entry('claude-opus-4-0', 'claude-opus', std(15, 75), 200 * K, 32 * K, { aliases: ['claude-opus-4'] }),
  entry('claude-3-opus', 'claude-3-opus', std(15, 75), 200 * K, 4096, { aliases: ['claude-3-opus-latest'] }),
  entry('claude-sonnet-5-5', 'claude-sonnet', std(2, 10, 0.1), M, 128 * K),
  entry('claude-sonnet-5', 'claude-sonnet', std(2, 10), M, 128 * K),
  entry('claude-sonnet-4-6', 'claude-sonnet', std(3, 15), M, 64 * K),
  // Sonnet 4.5 and 4 bill a prompt over 200K tokens (the 1M beta) at 2 x input, 1.5 x output.
  entry('claude-sonnet-4-5', 'claude-sonnet', std(3, 15), 200 * K, 64 * K, { longContext: { above: 200 * K, price: std(6, 22.5) } }),
  entry('claude-sonnet-4-0', 'claude-sonnet', std(3, 15), 200 * K, 64 * K, {
    aliases: ['claude-sonnet-4'],
    longContext: { above: 200 * K, price: std(6, 22.5) },
  }),
  entry('claude-3-7-sonnet', 'claude-3-7-sonnet', std(3, 15), 200 * K, 64 * K, { aliases: ['claude-3-7-sonnet-latest'] }),
  // Haiku 5.5 bills a prompt over 100K tokens at 5 x every rate.
  entry('claude-haiku-5-5', 'claude-haiku', std(0.1, 0.5, 0.01), M, 128 * K, {
    longContext: { above: 100 * K, price: std(0.5, 2.5, 0.05) },
    source: 'https://platform.claude.com/docs/en/models/haiku-5-5/overview',
  }),
  entry('claude-haiku-4-5', 'claude-haiku', std(1, 5), 200 * K, 64 * K),
  entry('claude-3-5-haiku', 'claude-3-5-haiku', { input: 0.8, output: 4, cache_write_5m: 1, cache_write_1h: 1.6, cache_read: 0.08 }, 200 * K, 8192, {
    aliases: ['claude-3-5-haiku-latest'],
  }),
  entry('claude-3-haiku', 'claude-3-haiku', { input: 0.25, output: 1.25, cache_write_5m: 0.3, cache_write_1h: 0.5, cache_read: 0.03 }, 200 * K, 4096),
];

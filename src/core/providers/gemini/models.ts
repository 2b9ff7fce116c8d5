import { type CatalogueEntry, entryMaker, type ModelPrice } from '../catalogue.ts';

/**
 * Google's Gemini models, newest of each line first: paid-tier standard prices for text in USD per
 * million tokens (`output` includes thinking; `cache_read` is the context-caching rate; there is no
 * per-request cache write), context window and max output. Checked 2026-12-03 against summaries of
 * ai.google.dev/gemini-api/docs/pricing (the page itself is not in the stored copies): Gemini 3.5
 * Flash from its launch coverage (May 2026), 3.1 Pro from a guide rechecked against the page on
 * 2026-03-28, 3 Flash from a copy of the page of 2026-07-04, 3.1 Flash-Lite from a price tracker.
 * Gemini CLI 0.61's own defaults, `gemini-3.8-flash` and `gemini-3.5-flash-lite`, are not in any
 * stored source yet: they are priced as their line's newest entry, marked estimated.
 */
const CHECKED = '2026-12-03';
const PRICING = 'https://ai.google.dev/gemini-api/docs/pricing';
const K = 1000;
const WINDOW = 1_048_576;
const OUT = 65_536;

const p = (input: number, output: number, cache_read: number): ModelPrice => ({ input, output, cache_write_5m: input, cache_write_1h: input, cache_read });

const entry = entryMaker(CHECKED, PRICING);

// Families are written with `*` for the version in the middle of the id (`gemini-3.8-flash`).
export const GEMINI_MODELS: readonly CatalogueEntry[] = [
  entry('gemini-3.5-flash', 'gemini-*-flash', p(1.5, 9, 0.15), WINDOW, OUT, { source: 'simonwillison.net via mech.app, 2026-05 (Google launch pricing)' }),
  entry('gemini-3-flash-preview', 'gemini-*-flash', p(0.5, 3, 0.05), WINDOW, OUT, { aliases: ['gemini-3-flash'] }),
  entry('gemini-2.5-flash', 'gemini-*-flash', p(0.3, 2.5, 0.03), WINDOW, OUT),
  entry('gemini-2.0-flash', 'gemini-*-flash', p(0.1, 0.4, 0.025), WINDOW, 8192),
  // A prompt over 200K tokens is billed at the higher rate, whole.
  entry('gemini-3.1-pro-preview', 'gemini-*-pro', p(2, 12, 0.2), WINDOW, OUT, {
    aliases: ['gemini-3.1-pro', 'gemini-3.1-pro-preview-customtools', 'gemini-3-pro-preview', 'gemini-3-pro'],
    longContext: { above: 200 * K, price: p(4, 18, 0.4) },
  }),
  entry('gemini-2.5-pro', 'gemini-*-pro', p(1.25, 10, 0.125), WINDOW, OUT, { longContext: { above: 200 * K, price: p(2.5, 15, 0.25) } }),
  entry('gemini-3.1-flash-lite', 'gemini-*-flash-lite', p(0.25, 1.5, 0.025), WINDOW, OUT, {
    aliases: ['gemini-3.1-flash-lite-preview'],
    source: 'tokenrate.dev, 2026 (OpenRouter list rates)',
  }),
  entry('gemini-2.5-flash-lite', 'gemini-*-flash-lite', p(0.1, 0.4, 0.01), WINDOW, OUT),
  entry('gemini-2.0-flash-lite', 'gemini-*-flash-lite', p(0.075, 0.3, 0.01875), WINDOW, 8192),
];

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { ClpError } from '../../shared/errors.ts';
import type { Usage } from '../../shared/usage.ts';
import { formatIssue, parseJsonText } from '../config/issues.ts';
import { globRegExp } from '../glob.ts';

/** Dollars per million tokens. Cache rates are optional: unset ones are derived as the API bills them. */
export const priceSchema = z.object({
  input: z.number().min(0),
  output: z.number().min(0),
  /** 5-minute cache write; Anthropic bills 1.25 x input. */
  cache_write_5m: z.number().min(0).optional(),
  /** 1-hour cache write; Anthropic bills 2 x input. */
  cache_write_1h: z.number().min(0).optional(),
  /** Cache read; Anthropic bills 0.1 x input. OpenAI's cached-input rate goes here. */
  cache_read: z.number().min(0).optional(),
});
export type Price = z.infer<typeof priceSchema>;

/** `prices.json`: model name or pattern (`*` wildcards) -> price. Entries win over the defaults. */
export const priceFileSchema = z.record(z.string().min(1), priceSchema);
export type PriceTable = Record<string, Price>;

/**
 * Shipped list prices (USD per million tokens) for models whose prices were published when this table
 * was written. Models not listed here show tokens and an "unknown" cost, never a guessed or zero one;
 * add them in `$CLP_HOME/prices.json`.
 */
export const DEFAULT_PRICES: PriceTable = {
  'claude-opus-4-5*': { input: 5, output: 25 },
  'claude-opus-4-1*': { input: 15, output: 75 },
  'claude-opus-4-0*': { input: 15, output: 75 },
  'claude-opus-4-2025*': { input: 15, output: 75 },
  'claude-sonnet-4-5*': { input: 3, output: 15 },
  'claude-sonnet-4-0*': { input: 3, output: 15 },
  'claude-sonnet-4-2025*': { input: 3, output: 15 },
  'claude-3-7-sonnet*': { input: 3, output: 15 },
  'claude-haiku-4-5*': { input: 1, output: 5 },
  'claude-3-5-haiku*': { input: 0.8, output: 4 },
  'claude-3-haiku*': { input: 0.25, output: 1.25 },
  'gpt-5': { input: 1.25, output: 10, cache_read: 0.125 },
  'gpt-5-2025*': { input: 1.25, output: 10, cache_read: 0.125 },
  'gpt-5-codex': { input: 1.25, output: 10, cache_read: 0.125 },
  'gpt-5.1': { input: 1.25, output: 10, cache_read: 0.125 },
  'gpt-5.1-codex': { input: 1.25, output: 10, cache_read: 0.125 },
  'gpt-5.1-codex-max': { input: 1.25, output: 10, cache_read: 0.125 },
  'gpt-5-mini*': { input: 0.25, output: 2, cache_read: 0.025 },
  'gpt-5.1-codex-mini': { input: 0.25, output: 2, cache_read: 0.025 },
  'gpt-5-nano*': { input: 0.05, output: 0.4, cache_read: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cache_read: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cache_read: 0.1 },
  'gpt-4o': { input: 2.5, output: 10, cache_read: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cache_read: 0.075 },
  o3: { input: 2, output: 8, cache_read: 0.5 },
  'o4-mini': { input: 1.1, output: 4.4, cache_read: 0.275 },
};

/** A price lookup over user entries (first) and defaults; exact names beat patterns, longer patterns beat shorter. */
export function createPriceBook(user: PriceTable = {}): (model: string | null) => Price | null {
  const compile = (table: PriceTable) =>
    Object.entries(table)
      .map(([pattern, price]) => ({ pattern, price, re: globRegExp(pattern, 'i'), exact: !pattern.includes('*') }))
      .sort((a, b) => Number(b.exact) - Number(a.exact) || b.pattern.length - a.pattern.length);
  const tiers = [compile(user), compile(DEFAULT_PRICES)];
  const cache = new Map<string, Price | null>();
  return (model) => {
    if (!model) return null;
    const key = model.replace(/^(anthropic|openai)\//i, '');
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let found: Price | null = null;
    for (const tier of tiers) {
      const m = tier.find((e) => e.re.test(key));
      if (m) {
        found = m.price;
        break;
      }
    }
    if (cache.size > 1000) cache.clear();
    cache.set(key, found);
    return found;
  };
}

/**
 * The cost of one request in dollars, or null when the model has no price. Cache writes are priced
 * by TTL where the response split them; an unsplit write is priced at the 5-minute rate, the API's
 * default TTL.
 */
export function costOf(usage: Usage, price: Price | null): number | null {
  if (!price) return null;
  const w5 = price.cache_write_5m ?? price.input * 1.25;
  const w1h = price.cache_write_1h ?? price.input * 2;
  const read = price.cache_read ?? price.input * 0.1;
  const h1 = usage.cache_1h ?? 0;
  const m5 = usage.cache_5m ?? usage.cached_create - h1;
  const dollars = usage.input * price.input + m5 * w5 + h1 * w1h + usage.cached_read * read + usage.output * price.output;
  return Math.round(dollars * 1e4) / 1e10; // rates are per million tokens; the rounding only drops float noise
}

/** Reads `$CLP_HOME/prices.json` (missing is fine). A broken file is reported as `prices.json: path: message`. */
export async function loadUserPrices(file: string): Promise<PriceTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  const label = basename(file);
  const json = parseJsonText(label, text);
  if (!json.ok) throw new ClpError('config_invalid', json.error);
  const parsed = priceFileSchema.safeParse(json.value);
  if (!parsed.success) throw new ClpError('config_invalid', formatIssue(label, parsed.error));
  return parsed.data;
}

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as z from 'zod';
import { ClpError } from '../../shared/errors.ts';
import type { Usage } from '../../shared/usage.ts';
import { formatIssue, parseJsonText } from '../config/issues.ts';
import { globRegExp } from '../glob.ts';
import { type CatalogueEntry, findModel, priceFor } from '../providers/catalogue.ts';
import { MODELS } from '../providers/catalogues.ts';

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
  /** Where the entry came from (`LiteLLM`, `models.dev` for imported ones). */
  source: z.string().max(200).optional(),
  /** The model's context window in tokens, when the entry says. */
  window: z.number().int().positive().optional(),
});
export type Price = z.infer<typeof priceSchema>;

/** `prices.json`: model name or pattern (`*` wildcards) -> price. Entries win over the defaults. */
export const priceFileSchema = z.record(z.string().min(1), priceSchema);
export type PriceTable = Record<string, Price>;

/** A model's price as found: from `prices.json`, or the catalogue (its own entry, or its family's: estimated). */
export interface PriceHit {
  price: Price;
  estimated: boolean;
  from: 'prices.json' | 'catalogue';
}

/**
 * A price lookup: `prices.json` entries first (exact names beat patterns, longer patterns beat
 * shorter), then the providers' catalogues (with their long-context rates); a model neither knows
 * has no price (shown as "unknown", never zero).
 */
export function createPriceBook(
  user: PriceTable = {},
  catalogue: readonly CatalogueEntry[] = MODELS,
): (model: string | null, promptTokens?: number) => PriceHit | null {
  const entries = Object.entries(user)
    .map(([pattern, price]) => ({ pattern, price, re: globRegExp(pattern, 'i'), exact: !pattern.includes('*') }))
    .sort((a, b) => Number(b.exact) - Number(a.exact) || b.pattern.length - a.pattern.length);
  const cache = new Map<string, { price: Price; estimated: boolean; from: PriceHit['from']; entry: CatalogueEntry | null } | null>();
  return (model, promptTokens = 0) => {
    if (!model) return null;
    const key = model.replace(/^(anthropic|openai)\//i, '');
    let found = cache.get(key);
    if (found === undefined) {
      const mine = entries.find((e) => e.re.test(key));
      const hit = mine ? null : findModel(catalogue, key);
      found = mine
        ? { price: mine.price, estimated: false, from: 'prices.json', entry: null }
        : hit
          ? { price: hit.entry.price, estimated: hit.estimated, from: 'catalogue', entry: hit.entry }
          : null;
      if (cache.size > 1000) cache.clear();
      cache.set(key, found);
    }
    if (!found) return null;
    return { price: found.entry ? priceFor(found.entry, promptTokens) : found.price, estimated: found.estimated, from: found.from };
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

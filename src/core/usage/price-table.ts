import { readFile } from 'node:fs/promises';
import { ClpError } from '../../shared/errors.ts';
import { parseJsonText } from '../config/issues.ts';
import { withFileLock, writeFileAtomic } from '../fs/atomic.ts';
import { MODELS } from '../providers/catalogues.ts';
import { importPriceFile } from './price-import.ts';
import { loadUserPrices, type Price } from './prices.ts';

/** One row of `clp prices`: a model (or pattern), its rates and window, and where they came from. */
export interface PriceRow {
  model: string;
  price: Price;
  window: number | null;
  /** `prices.json` (with the import it came from), or the catalogue with its check date and source. */
  from: string;
}

/** The effective table: `prices.json` entries first (they win), then the catalogue's. */
export async function priceRows(pricesFile: string): Promise<PriceRow[]> {
  const user = await loadUserPrices(pricesFile);
  const rows: PriceRow[] = Object.entries(user).map(([model, price]) => ({
    model,
    price,
    window: price.window ?? null,
    from: `prices.json${price.source ? ` (from ${price.source})` : ''}`,
  }));
  for (const e of MODELS) {
    if (user[e.id]) continue;
    rows.push({ model: e.id, price: e.price, window: e.window, from: `catalogue, checked ${e.checked} (${e.source})` });
  }
  return rows;
}

/**
 * `clp prices import FILE`: LiteLLM's or models.dev's price file into `prices.json`, merged (an
 * imported model replaces its entry, the rest stay). A broken `prices.json` is never overwritten.
 */
export async function importPrices(pricesFile: string, from: string): Promise<{ format: string; models: number }> {
  const text = await readFile(from, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ClpError('not_found', `${from}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  });
  const json = parseJsonText(from, text);
  if (!json.ok) throw new ClpError('config_invalid', json.error);
  const found = importPriceFile(json.value);
  if (!found) throw new ClpError('bad_request', `${from}: expected LiteLLM's model_prices_and_context_window.json or models.dev's api.json`);
  if (!Object.keys(found.table).length) throw new ClpError('bad_request', `${from}: no Anthropic or OpenAI model with a price in it`);
  await withFileLock(pricesFile, async () => {
    const current = await loadUserPrices(pricesFile);
    await writeFileAtomic(pricesFile, `${JSON.stringify({ ...current, ...found.table }, null, 2)}\n`);
  });
  return { format: found.format, models: Object.keys(found.table).length };
}

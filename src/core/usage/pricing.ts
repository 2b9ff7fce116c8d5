import { stat } from 'node:fs/promises';
import type { RequestRecord } from '../../shared/records.ts';
import type { Logger } from '../log.ts';
import { costOf, createPriceBook, loadUserPrices } from './prices.ts';

/**
 * Prices finished requests with the shipped table plus `$CLP_HOME/prices.json`. The file is checked
 * for changes at most every two seconds, off the request path; a broken file keeps the previous
 * prices and is reported as `prices.json: path: message`.
 */
export class Pricing {
  private priceOf = createPriceBook();
  private stamp = '';
  private lastCheck = 0;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    /** A config's `price_multiplier` (relays that bill a multiple of list price); 1 without one. */
    private readonly multiplier: (record: RequestRecord) => number = () => 1,
  ) {}

  refresh(): Promise<void> {
    this.lastCheck = this.now();
    this.checking ??= (async () => {
      try {
        const stamp = await stat(this.file).then(
          (s) => `${s.mtimeMs}:${s.size}`,
          () => 'missing',
        );
        if (stamp === this.stamp) return;
        this.stamp = stamp;
        this.priceOf = createPriceBook(await loadUserPrices(this.file));
      } catch (err) {
        this.log.warn(`${(err as Error).message} (keeping the previous prices)`);
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }

  price(record: RequestRecord): RequestRecord {
    if (this.now() - this.lastCheck > 2000) void this.refresh();
    if (!record.usage) return record;
    const model = record.model_sent ?? record.model_answered ?? record.model_requested;
    const u = record.usage;
    const hit = this.priceOf(model, u.input + u.cached_create + u.cached_read);
    const cost = costOf(u, hit?.price ?? null);
    const priced: RequestRecord = { ...record, cost_usd: cost === null ? null : Math.round(cost * this.multiplier(record) * 1e10) / 1e10 };
    if (hit?.estimated) priced.cost_estimated = true;
    else delete priced.cost_estimated;
    return priced;
  }
}

import { stat } from 'node:fs/promises';
import type { RequestRecord } from '../../shared/records.ts';
import type { Logger } from '../log.ts';
import { createHash } from 'node:crypto';
import { MODELS } from '../providers/catalogues.ts';
import { costOf, createPriceBook, loadUserPrices } from './prices.ts';

/** Names a price table: the catalogue shipped with this CLP and the user's entries. */
const tableStamp = (user: unknown) =>
  createHash('sha256')
    .update(JSON.stringify([MODELS, user]))
    .digest('hex')
    .slice(0, 16);

/**
 * Prices finished requests with the shipped table plus `$CLP_HOME/prices.json`. The file is checked
 * for changes at most every two seconds, off the request path; a broken file keeps the previous
 * prices and is reported as `prices.json: path: message`.
 */
export class Pricing {
  private priceOf = createPriceBook();
  private stamp = '';
  private table = tableStamp({});
  /** Called when the table changes while CLP runs (a new prices.json), after the first load. */
  onChange: (() => void) | null = null;
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
        const first = this.stamp === '';
        this.stamp = stamp;
        const user = await loadUserPrices(this.file);
        const table = tableStamp(user);
        this.priceOf = createPriceBook(user);
        if (table !== this.table) {
          this.table = table;
          if (!first) this.onChange?.();
        }
      } catch (err) {
        this.log.warn(`${(err as Error).message} (keeping the previous prices)`);
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }

  /** Names the table in force (the request log sums its costs anew when it changes). */
  tableStamp(): string {
    return this.table;
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

import type { RequestRecord } from '../../shared/records.ts';
import { dailyOf, dailyRow, foldDaily, type DailyAdd, type Totals } from './db.ts';

/**
 * The daily totals' costs summed anew from the request lines, after the price table changed: for
 * every day the log holds whole (its oldest day too, unless retention has ever cut the log), each (day,
 * service, config, model) row's cost, unpriced and estimated counts become the sum over its requests at the new
 * prices. Tokens and counts stay. Days older than the log keep the costs they had (their requests
 * are gone). Idempotent. Returns the rows updated.
 */
export function repriceDaily(totals: Totals, lines: Iterable<{ record: RequestRecord; day: string }>, trimmed: boolean): number {
  const all = [...lines];
  if (!all.length) return 0;
  let oldest = all[0]!.day; // days are YYYY-MM-DD strings, compared as text
  for (const l of all) if (l.day < oldest) oldest = l.day;
  const sums = new Map<string, DailyAdd>();
  for (const l of all) if (!trimmed || l.day > oldest) foldDaily(sums, dailyOf(l.record, l.day));
  for (const d of sums.values()) {
    const row = dailyRow(totals, d);
    if (!row) continue;
    row.cost_usd = Math.round(d.cost_usd * 1e10) / 1e10;
    row.unpriced = d.unpriced;
    row.estimated = d.estimated;
  }
  return sums.size;
}

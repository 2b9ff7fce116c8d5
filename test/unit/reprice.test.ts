import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDaily, dailyOf, newTotals } from '../../src/core/store/db.ts';
import { repriceDaily } from '../../src/core/store/reprice.ts';
import { finished } from '../helpers/records.ts';

const usage = { input: 1000, cached_create: 0, cached_read: 0, output: 0, reasoning: 0, total: 1000, cache_5m: null, cache_1h: null };

test("repriceDaily: each day's costs become the sum of its requests at the new prices; tokens stay; with the log trimmed, its oldest day keeps its cost; twice is once", () => {
  for (const trimmed of [false, true]) {
    const totals = newTotals();
    const lines = [
      { day: '2026-12-01', record: { ...finished({ usage, cost_usd: 0.5 }).record } },
      { day: '2026-12-02', record: { ...finished({ usage, cost_usd: 0.5 }).record } },
      { day: '2026-12-02', record: { ...finished({ usage, cost_usd: null }).record } },
    ];
    // As logged (old prices; one request had none), plus a request retention already removed from the first day.
    for (const l of lines) addDaily(totals, dailyOf(l.record, l.day));
    addDaily(totals, dailyOf(finished({ usage, cost_usd: 0.25 }).record, '2026-12-01'));
    // The new table prices the second day's requests by their family only (estimates).
    const repriced = lines.map((l) => ({ ...l, record: { ...l.record, cost_usd: 2, ...(l.day === '2026-12-02' ? { cost_estimated: true as const } : {}) } }));
    repriceDaily(totals, repriced, trimmed);
    repriceDaily(totals, repriced, trimmed);
    const rows = [...totals.daily.values()]
      .sort((a, b) => (a.day < b.day ? -1 : 1))
      .map((d) => [d.day, d.cost_usd, d.unpriced, d.estimated, d.input, d.requests]);
    assert.deepEqual(rows, [
      ['2026-12-01', trimmed ? 0.75 : 2, 0, 0, 2000, 2],
      ['2026-12-02', 4, 0, 2, 2000, 2],
    ]);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import initSqlJs from 'sql.js/dist/sql-wasm-inline.js';
import { addDaily, dailyOf, SCHEMA } from '../../src/core/store/db.ts';
import { repriceDaily } from '../../src/core/store/reprice.ts';
import { finished } from '../helpers/records.ts';

const usage = { input: 1000, cached_create: 0, cached_read: 0, output: 0, reasoning: 0, total: 1000, cache_5m: null, cache_1h: null };

test("repriceDaily: each day's costs become the sum of its requests at the new prices; tokens stay; with the log trimmed, its oldest day keeps its cost; twice is once", async () => {
  const SQL = await initSqlJs();
  for (const trimmed of [false, true]) {
    const db = new SQL.Database();
    db.run(SCHEMA);
    const lines = [
      { day: '2026-12-01', record: { ...finished({ usage, cost_usd: 0.5 }).record } },
      { day: '2026-12-02', record: { ...finished({ usage, cost_usd: 0.5 }).record } },
      { day: '2026-12-02', record: { ...finished({ usage, cost_usd: null }).record } },
    ];
    // As logged (old prices; one request had none), plus a request retention already removed from the first day.
    for (const l of lines) addDaily(db, dailyOf(l.record, l.day));
    addDaily(db, dailyOf(finished({ usage, cost_usd: 0.25 }).record, '2026-12-01'));
    const repriced = lines.map((l) => ({ ...l, record: { ...l.record, cost_usd: 2 } }));
    repriceDaily(db, repriced, trimmed);
    repriceDaily(db, repriced, trimmed);
    const rows = db.exec('SELECT day, cost_usd, unpriced, input, requests FROM daily ORDER BY day')[0]!.values;
    assert.deepEqual(rows, [
      ['2026-12-01', trimmed ? 0.75 : 2, 0, 2000, 2],
      ['2026-12-02', 4, 0, 2000, 2],
    ]);
    db.close();
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import initSqlJs from 'sql.js/dist/sql-wasm-inline.js';
import { addDaily, dailyOf, getMeta, migrate, SCHEMA, setMeta } from '../../src/core/store/db.ts';
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
    // The new table prices the second day's requests by their family only (estimates).
    const repriced = lines.map((l) => ({ ...l, record: { ...l.record, cost_usd: 2, ...(l.day === '2026-12-02' ? { cost_estimated: true as const } : {}) } }));
    repriceDaily(db, repriced, trimmed);
    repriceDaily(db, repriced, trimmed);
    const rows = db.exec('SELECT day, cost_usd, unpriced, estimated, input, requests FROM daily ORDER BY day')[0]!.values;
    assert.deepEqual(rows, [
      ['2026-12-01', trimmed ? 0.75 : 2, 0, 0, 2000, 2],
      ['2026-12-02', 4, 0, 2, 2000, 2],
    ]);
    db.close();
  }
});

test('migrate: a schema-2 totals file gains the estimated column with its rows kept, and forgets its price stamp so the next start counts the estimates', async () => {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  // The schema-2 table as CLP wrote it before the estimated column.
  db.run(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE daily (day TEXT NOT NULL, service TEXT NOT NULL, config TEXT NOT NULL, model TEXT NOT NULL,
      requests INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0, input INTEGER NOT NULL DEFAULT 0,
      cached_create INTEGER NOT NULL DEFAULT 0, cached_read INTEGER NOT NULL DEFAULT 0, output INTEGER NOT NULL DEFAULT 0,
      reasoning INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0, cost_usd REAL NOT NULL DEFAULT 0,
      unpriced INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, service, config, model));
    INSERT INTO meta VALUES ('schema', '2');
    INSERT INTO daily (day, service, config, model, requests, cost_usd) VALUES ('2026-12-01', 'claude', 'relay', 'm', 3, 1.5);`);
  setMeta(db, 'prices_stamp', 'old');
  db.run(SCHEMA);
  migrate(db);
  assert.deepEqual(db.exec('SELECT requests, cost_usd, estimated FROM daily')[0]!.values, [[3, 1.5, 0]]);
  assert.equal(getMeta(db, 'prices_stamp'), null);
  assert.equal(getMeta(db, 'schema'), '3');
  addDaily(db, dailyOf(finished({ usage, cost_usd: 0.5, cost_estimated: true, config: 'relay', model_sent: 'm' }).record, '2026-12-01'));
  assert.deepEqual(db.exec('SELECT requests, estimated FROM daily')[0]!.values, [[4, 1]]);
  // Twice is once: a file already at schema 3 keeps its stamp.
  setMeta(db, 'prices_stamp', 'new');
  migrate(db);
  assert.equal(getMeta(db, 'prices_stamp'), 'new');
  db.close();
});

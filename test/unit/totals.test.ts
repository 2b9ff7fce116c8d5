import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import initSqlJs from 'sql.js/dist/sql-wasm.js';
import { createMemoryLogger } from '../../src/core/log.ts';
import { addDaily, type DailyAdd, dailyOf, decodeTotals, encodeTotals, foldDaily, METRICS, newTotals, setMeta } from '../../src/core/store/db.ts';
import { RequestStore } from '../../src/core/store/request-store.ts';
import { tempHome } from '../helpers/home.ts';
import { finished } from '../helpers/records.ts';

const usage = { input: 1000, cached_create: 10, cached_read: 20, output: 30, reasoning: 5, total: 1060, cache_5m: null, cache_1h: null };

function open(dataDir: string) {
  const log = createMemoryLogger();
  return { log, store: RequestStore.open({ dataDir, retentionDays: 3650, maxBytes: 64 * 1024 * 1024, bodyBytes: 4096, log }) };
}

test('the daily totals file: every metric and marker round-trips; a damaged or newer file is refused, never read as empty', () => {
  const t = newTotals();
  addDaily(t, dailyOf(finished({ usage, cost_usd: 0.123456789, config: '中转 🚀', model_sent: 'claude-sonnet-4-5' }).record, '2026-12-01'));
  addDaily(t, dailyOf(finished({ usage, cost_usd: null, error: 'http_500', config: '中转 🚀', model_sent: 'claude-sonnet-4-5' }).record, '2026-12-01'));
  setMeta(t, 'log_position', '{"segment":3,"offset":42}');
  const back = decodeTotals(encodeTotals(t));
  assert.deepEqual([...back.daily.values()], [...t.daily.values()]);
  assert.deepEqual(back.meta, t.meta);
  const row = [...back.daily.values()][0]!;
  assert.deepEqual([row.requests, row.errors, row.unpriced, row.input, row.cost_usd], [2, 1, 1, 2000, 0.123456789]);
  for (const bad of [
    '',
    '{"format":3}',
    '[1,2]',
    '{"format":9,"meta":{},"daily":[]}',
    '{"format":3,"meta":{},"daily":[["d","s","c","m",1]]}',
    '{"format":3,"meta":{},"daily":[["d","s","c","m",1,0,0,0,0,0,0,0,"x",0,0]]}',
  ]) {
    assert.throws(() => decodeTotals(bad), Error, bad);
  }
});

test('a damaged totals.json is kept aside, and the totals are summed again from the log', async () => {
  const { home, cleanup } = await tempHome();
  let store = await open(home).store;
  for (let i = 0; i < 3; i++) store.add(finished({ usage, cost_usd: 0.5 }));
  await store.close();
  await writeFile(join(home, 'totals.json'), '{"format":3,"meta":{},"da');
  const again = open(home);
  store = await again.store;
  const report = await store.usage({ by: 'config' });
  assert.equal(report.services.claude.total.requests, 3);
  assert.equal(report.services.claude.total.cost_usd, 1.5);
  assert.ok(
    (await readdir(home)).some((f) => f.startsWith('totals.json.unreadable-')),
    'the damaged file is kept',
  );
  assert.match(again.log.lines.join('\n'), /totals\.json could not be read/);
  await store.close();
  await cleanup();
});

test("an older CLP's clp.sqlite (schema 2 and 3) is read once into totals.json and moved aside; its totals outlive its log", async () => {
  const SQL = await initSqlJs();
  for (const schema of [2, 3]) {
    const { home, cleanup } = await tempHome();
    const db = new SQL.Database();
    db.run(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
      CREATE TABLE daily (day TEXT NOT NULL, service TEXT NOT NULL, config TEXT NOT NULL, model TEXT NOT NULL,
        requests INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0, input INTEGER NOT NULL DEFAULT 0,
        cached_create INTEGER NOT NULL DEFAULT 0, cached_read INTEGER NOT NULL DEFAULT 0, output INTEGER NOT NULL DEFAULT 0,
        reasoning INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0, cost_usd REAL NOT NULL DEFAULT 0,
        unpriced INTEGER NOT NULL DEFAULT 0, ${schema === 3 ? 'estimated INTEGER NOT NULL DEFAULT 0,' : ''}
        PRIMARY KEY (day, service, config, model));
      INSERT INTO meta VALUES ('schema', '${schema}'), ('prices_stamp', 'old'), ('original_import', '2026-01-01T00:00:00Z');
      INSERT INTO daily (day, service, config, model, requests, errors, input, output, total, cost_usd, unpriced)
        VALUES ('2025-01-15', 'claude', '中转 🚀', 'claude-sonnet-4-5', 40, 2, 4000, 900, 4900, 1.25, 1),
               ('2025-01-16', 'codex', 'relay', 'gpt-5', 7, 0, 700, 70, 770, 0.5, 0);`);
    await mkdir(home, { recursive: true });
    await writeFile(join(home, 'clp.sqlite'), db.export());
    db.close();
    const first = open(home);
    let store = await first.store;
    const report = await store.usage({ by: 'config' });
    assert.deepEqual(
      [report.services.claude.total.requests, report.services.claude.total.errors, report.services.claude.configs!['中转 🚀']!.cost_usd],
      [40, 2, 1.25],
    );
    assert.equal(report.services.codex.total.output, 70);
    assert.equal(await store.meta('original_import'), '2026-01-01T00:00:00Z', 'markers come along (the original import is not repeated)');
    // Schema 2 had no estimated counts: its price stamp goes, so the next reprice counts them.
    assert.equal(await store.meta('prices_stamp'), schema === 3 ? 'old' : null);
    store.add(finished({ usage, cost_usd: 0.5, config: '中转 🚀', model_sent: 'claude-sonnet-4-5' }));
    await store.close();
    const files = await readdir(home);
    assert.ok(files.includes('totals.json') && files.includes('clp.sqlite.moved') && !files.includes('clp.sqlite'), files.join(', '));
    assert.match(first.log.lines.join('\n'), /moved from clp\.sqlite to totals\.json/);
    store = await open(home).store;
    assert.equal((await store.usage({ by: 'config' })).services.claude.total.requests, 41, 'read once: not added again on the next start');
    assert.ok(!(await readFile(join(home, 'totals.json'), 'utf8')).includes('"schema"'));
    await store.close();
    await cleanup();
  }
});

test('usage by session and by project over whole days comes from the session rows, equal to summing the log; totals saved before them get them once', async () => {
  const { home, cleanup } = await tempHome();
  let store = await open(home).store;
  const day1 = Date.parse('2026-12-01T10:00:00');
  const day2 = Date.parse('2026-12-02T10:00:00');
  const rows = [
    finished({ started_at: day1, session_id: 'sess-a', usage, cost_usd: 0.5 }),
    finished({ started_at: day1 + 1000, session_id: 'sess-b', usage, cost_usd: 0.25, error: 'http_500' }),
    finished({ started_at: day2, session_id: 'sess-a', usage, cost_usd: 0.5 }),
    finished({ started_at: day2 + 1000, session_id: null, usage, cost_usd: 1 }),
  ];
  for (const r of rows) store.add(r);
  const projectOf = (_s: string, id: string | null) => (id === 'sess-a' ? '/work/app' : null);
  const fromRows = async (s: RequestStore, sinceDay: string) => [
    await s.usage({ by: 'session', sinceDay }),
    await s.usage({ by: 'project', sinceDay, projectOf }),
  ];
  // The log summed line by line (a window of epoch ms) is the reference.
  const fromLog = [await store.usage({ by: 'session', sinceMs: 0 }), await store.usage({ by: 'project', sinceMs: 0, projectOf })];
  const whole = await fromRows(store, '2026-11-01');
  assert.deepEqual(whole, fromLog);
  assert.equal(whole[0]!.services.claude.sessions!['sess-a']!.requests, 2);
  assert.equal(whole[1]!.services.claude.projects!['/work/app']!.cost_usd, 1);
  assert.equal((await store.usage({ by: 'session', sinceDay: '2026-12-02' })).services.claude.sessions!['sess-b'], undefined);
  await store.close();
  // A totals.json from before the session rows: they are summed from the log once, never twice.
  const file = join(home, 'totals.json');
  const saved = JSON.parse(await readFile(file, 'utf8'));
  delete saved.sessions;
  delete saved.meta.session_rows;
  await writeFile(file, JSON.stringify(saved));
  for (let i = 0; i < 2; i++) {
    store = await open(home).store;
    assert.deepEqual(await fromRows(store, '2026-11-01'), fromLog);
    await store.close();
  }
  await cleanup();
});

test('folding two requests of one day, config and model into a row sums every metric', () => {
  const sums = new Map<string, DailyAdd>();
  const one = (k: number): DailyAdd =>
    ({ day: '2026-12-06', service: 'claude', config: 'a', model: 'm', ...Object.fromEntries(METRICS.map((m, i) => [m, (i + 1) * k])) }) as DailyAdd;
  foldDaily(sums, one(1));
  foldDaily(sums, one(10));
  assert.equal(sums.size, 1);
  const row = [...sums.values()][0]!;
  for (const [i, m] of METRICS.entries()) assert.equal(row[m], (i + 1) * 11, m);
});

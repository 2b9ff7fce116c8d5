import type { Database, SqlValue, Statement } from 'sql.js';
import { SERVICES, type ServiceName } from '../../shared/services.ts';
import { type RequestRecord, USAGE_GROUP_KEY, type UsageReport } from '../../shared/records.ts';
import { NO_SESSION } from '../../shared/sessions.ts';
import { emptyTotals, type UsageTotals } from '../../shared/usage.ts';
import type { DailyImport, UsageQuery } from './protocol.ts';

/**
 * The totals database (sql.js, saved whole to `clp.sqlite`). Request lines and bodies live in the
 * segment log on disk (`segments.ts`); this file keeps what must be summed fast and kept forever:
 *
 * - `daily`: totals per day, service, config and model, added to per batch and never trimmed, so
 *   totals outlive retention;
 * - `meta`: one-off markers (schema version, the original tool's import, the log position the totals
 *   include).
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS daily (
  day TEXT NOT NULL, service TEXT NOT NULL, config TEXT NOT NULL, model TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
  input INTEGER NOT NULL DEFAULT 0, cached_create INTEGER NOT NULL DEFAULT 0, cached_read INTEGER NOT NULL DEFAULT 0,
  output INTEGER NOT NULL DEFAULT 0, reasoning INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0, unpriced INTEGER NOT NULL DEFAULT 0, estimated INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, service, config, model));
INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '3');
`;

/**
 * Brings a totals database written by an older CLP up to `SCHEMA`: schema 3 added `daily.estimated`
 * (requests priced by their model's family). Columns are only ever added, so an older CLP still reads
 * the file.
 */
export function migrate(db: Database): void {
  const columns = all(db, 'PRAGMA table_info(daily)').map((c) => String(c.name));
  if (!columns.includes('estimated')) {
    db.run('ALTER TABLE daily ADD COLUMN estimated INTEGER NOT NULL DEFAULT 0');
    // The counts start at 0: forgetting the price stamp makes the next start sum them from the log.
    db.run("DELETE FROM meta WHERE key = 'prices_stamp'");
  }
  setMeta(db, 'schema', '3');
}

const statements = new WeakMap<Database, Map<string, Statement>>();

/** A prepared statement, kept for reuse: preparing costs more than running for these small inserts. */
function prepared(db: Database, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}

/** sql.js frees every statement when it exports the database; forget them before that. */
export function forgetStatements(db: Database): void {
  for (const stmt of statements.get(db)?.values() ?? []) stmt.free();
  statements.delete(db);
}

export type DailyAdd = Omit<DailyImport, 'service'> & {
  service: string;
  requests: number;
  errors: number;
  cost_usd: number;
  unpriced: number;
  estimated: number;
};

/** What one request adds to its day's totals. */
export function dailyOf(r: RequestRecord, day: string): DailyAdd {
  const u = r.usage;
  return {
    day,
    service: r.service,
    config: r.config ?? '',
    model: r.model_sent ?? r.model_requested ?? '',
    requests: 1,
    errors: r.error ? 1 : 0,
    input: u?.input ?? 0,
    cached_create: u?.cached_create ?? 0,
    cached_read: u?.cached_read ?? 0,
    output: u?.output ?? 0,
    reasoning: u?.reasoning ?? 0,
    total: u?.total ?? 0,
    cost_usd: r.cost_usd ?? 0,
    unpriced: u && u.total > 0 && r.cost_usd === null ? 1 : 0,
    estimated: r.cost_estimated && r.cost_usd !== null ? 1 : 0,
  };
}

const METRICS = ['requests', 'errors', 'input', 'cached_create', 'cached_read', 'output', 'reasoning', 'total', 'cost_usd', 'unpriced', 'estimated'] as const;

/** Adds one request's share to a set of sums, keyed by (day, service, config, model). */
export function foldDaily(sums: Map<string, DailyAdd>, d: DailyAdd): void {
  const key = `${d.day}\u0000${d.service}\u0000${d.config}\u0000${d.model}`;
  const into = sums.get(key);
  if (!into) sums.set(key, d);
  else for (const m of METRICS) into[m] += d[m];
}

/** Adds a batch of requests to the daily totals: one statement per (day, service, config, model). */
export function addRequests(db: Database, rows: Array<{ record: RequestRecord; day: string }>): void {
  const sums = new Map<string, DailyAdd>();
  for (const { record, day } of rows) foldDaily(sums, dailyOf(record, day));
  for (const d of sums.values()) addDaily(db, d);
}

export function addDaily(db: Database, d: DailyAdd): void {
  prepared(
    db,
    `INSERT INTO daily (day, service, config, model, requests, errors, input, cached_create, cached_read, output, reasoning, total, cost_usd, unpriced, estimated)
     VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
     ON CONFLICT(day, service, config, model) DO UPDATE SET
       requests = requests + excluded.requests, errors = errors + excluded.errors, input = input + excluded.input,
       cached_create = cached_create + excluded.cached_create, cached_read = cached_read + excluded.cached_read,
       output = output + excluded.output, reasoning = reasoning + excluded.reasoning, total = total + excluded.total,
       cost_usd = cost_usd + excluded.cost_usd, unpriced = unpriced + excluded.unpriced, estimated = estimated + excluded.estimated`,
  ).run([
    d.day,
    d.service,
    d.config,
    d.model,
    d.requests,
    d.errors,
    d.input,
    d.cached_create,
    d.cached_read,
    d.output,
    d.reasoning,
    d.total,
    d.cost_usd,
    d.unpriced,
    d.estimated,
  ]);
}

function all(db: Database, sql: string, params: SqlValue[] = []): Array<Record<string, SqlValue>> {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const rows: Array<Record<string, SqlValue>> = [];
    while (stmt.step()) rows.push(stmt.getAsObject());
    return rows;
  } finally {
    stmt.free();
  }
}

export function getMeta(db: Database, key: string): string | null {
  const row = all(db, 'SELECT value FROM meta WHERE key = ?', [key])[0];
  return row ? String(row.value) : null;
}

export function setMeta(db: Database, key: string, value: string): void {
  db.run('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)', [key, value]);
}

const DAILY_SUMS = `sum(requests) AS requests, sum(errors) AS errors, sum(input) AS input, sum(cached_create) AS cached_create,
  sum(cached_read) AS cached_read, sum(output) AS output, sum(reasoning) AS reasoning, sum(total) AS total,
  sum(cost_usd) AS cost_usd, sum(unpriced) AS unpriced, sum(estimated) AS estimated`;

function rounded(t: UsageTotals): UsageTotals {
  t.cost_usd = Math.round(t.cost_usd * 1e6) / 1e6;
  return t;
}

function totalsOf(row: Record<string, SqlValue>): UsageTotals {
  const t = emptyTotals();
  for (const key of Object.keys(t) as Array<keyof UsageTotals>) t[key] = Number(row[key] ?? 0);
  return rounded(t);
}

const groupKey = (by: UsageQuery['by']) => USAGE_GROUP_KEY[by];

/** Totals per service, and per config, model or day, over whole days: read from the daily totals. */
export function usageReport(db: Database, q: UsageQuery): UsageReport {
  const group = q.by === 'day' ? 'day' : q.by === 'model' ? 'model' : 'config';
  const filter = q.sinceDay ? 'AND day >= ?' : '';
  const params: SqlValue[] = q.sinceDay ? [q.sinceDay] : [];
  const services = {} as UsageReport['services'];
  for (const service of SERVICES as readonly ServiceName[]) {
    if (q.service && q.service !== service) continue;
    const total = all(db, `SELECT ${DAILY_SUMS} FROM daily WHERE service = ? ${filter}`, [service, ...params])[0]!;
    const groups: Record<string, UsageTotals> = {};
    for (const row of all(db, `SELECT ${group} AS k, ${DAILY_SUMS} FROM daily WHERE service = ? ${filter} GROUP BY k ORDER BY k`, [service, ...params])) {
      groups[String(row.k) || '(none)'] = totalsOf(row);
    }
    services[service] = { total: totalsOf(total), [groupKey(q.by)]: groups };
  }
  return { since: null, by: q.by, services };
}

/** The group a request falls in. */
function groupOf(q: UsageQuery, r: RequestRecord, d: { day: string; model: string; config: string }): string {
  switch (q.by) {
    case 'day':
      return d.day;
    case 'model':
      return d.model;
    case 'session':
      return r.session_id ?? NO_SESSION;
    case 'project':
      return q.projectOf?.(r.service, r.session_id) ?? '(unknown project)';
    default:
      return d.config;
  }
}

/** The same report over a window shorter than a day: summed from the request lines themselves. */
export function windowReport(lines: Iterable<{ record: RequestRecord; day: string }>, q: UsageQuery): UsageReport {
  const services = {} as UsageReport['services'];
  for (const service of SERVICES as readonly ServiceName[]) {
    if (q.service && q.service !== service) continue;
    services[service] = { total: emptyTotals(), [groupKey(q.by)]: {} };
  }
  for (const { record, day } of lines) {
    if (q.sinceMs !== undefined && record.started_at < q.sinceMs) continue;
    const into = services[record.service];
    if (!into) continue;
    const d = dailyOf(record, day);
    const k = groupOf(q, record, d) || '(none)';
    const groups = into[groupKey(q.by)]!;
    const g = (groups[k] ??= emptyTotals());
    for (const t of [into.total, g]) for (const m of METRICS) t[m] += d[m];
  }
  for (const s of Object.values(services)) {
    rounded(s.total);
    const groups = s[groupKey(q.by)]!;
    for (const k of Object.keys(groups)) rounded(groups[k]!);
    s[groupKey(q.by)] = Object.fromEntries(Object.entries(groups).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return { since: null, by: q.by, services };
}

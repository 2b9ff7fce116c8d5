import type { Database, SqlValue, Statement } from 'sql.js';
import { inflateRawSync } from 'node:zlib';
import { SERVICES, type ServiceName } from '../../shared/services.ts';
import type { RequestDetail, RequestRecord, UsageReport } from '../../shared/records.ts';
import { emptyTotals, type UsageTotals } from '../../shared/usage.ts';
import type { DailyImport, LogsQuery, UsageQuery } from './protocol.ts';

/**
 * The request log's tables and every statement on them, over an open sql.js database. Pure SQL:
 * files, journal and threads are the worker's business.
 *
 * - `requests`: one row per request, usage in columns (so totals are sums, not JSON walks);
 * - `bodies`: capped, deflate-compressed bodies and headers, dropped first when space runs out;
 * - `daily`: totals per day, service, config and model, added to on insert and never trimmed, so
 *   totals outlive retention;
 * - `meta`: one-off markers (schema version, the original tool's import).
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS requests (
  id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, day TEXT NOT NULL, service TEXT NOT NULL, config TEXT,
  model_requested TEXT, model_sent TEXT, model_answered TEXT, method TEXT, path TEXT, status INTEGER, error TEXT,
  duration_ms REAL, ttfb_ms REAL, bytes_in INTEGER, bytes_out INTEGER, stream INTEGER, session_id TEXT,
  has_usage INTEGER, input INTEGER, cached_create INTEGER, cached_read INTEGER, output INTEGER, reasoning INTEGER,
  total INTEGER, cache_5m INTEGER, cache_1h INTEGER, cost_usd REAL, trace TEXT);
CREATE INDEX IF NOT EXISTS requests_started ON requests(started_at);
CREATE TABLE IF NOT EXISTS bodies (
  id TEXT PRIMARY KEY, request_headers TEXT, response_headers TEXT, request_body BLOB, request_truncated INTEGER,
  upstream_body BLOB, response_body BLOB, response_truncated INTEGER);
CREATE TABLE IF NOT EXISTS daily (
  day TEXT NOT NULL, service TEXT NOT NULL, config TEXT NOT NULL, model TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
  input INTEGER NOT NULL DEFAULT 0, cached_create INTEGER NOT NULL DEFAULT 0, cached_read INTEGER NOT NULL DEFAULT 0,
  output INTEGER NOT NULL DEFAULT 0, reasoning INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0, unpriced INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, service, config, model));
INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '1');
`;

/** Bodies as they are kept: `encodeBody` bytes (the worker encodes them once, before journaling). */
export interface StoredBodies {
  request_headers: string;
  response_headers: string;
  request_body: Uint8Array | null;
  request_truncated: boolean;
  upstream_body: Uint8Array | null;
  response_body: Uint8Array | null;
  response_truncated: boolean;
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

/**
 * Bodies are stored with a one-byte marker: 0 raw, 1 deflate-raw. Small bodies are kept raw, since
 * compressing them costs more time than the few bytes it saves.
 */
export function encodeBody(bytes: Uint8Array | null, deflate: (b: Uint8Array) => Uint8Array): Uint8Array | null {
  if (!bytes || !bytes.length) return null;
  const raw = bytes.length < 2048;
  const payload = raw ? bytes : deflate(bytes);
  const out = new Uint8Array(payload.length + 1);
  out[0] = raw ? 0 : 1;
  out.set(payload, 1);
  return out;
}

function decodeBody(blob: SqlValue): string | null {
  if (!(blob instanceof Uint8Array) || !blob.length) return null;
  const payload = blob.subarray(1);
  return (blob[0] === 0 ? Buffer.from(payload) : inflateRawSync(payload)).toString('utf8');
}

const RECORD_COLUMNS =
  'id, started_at, service, config, model_requested, model_sent, model_answered, method, path, status, error, duration_ms, ttfb_ms, bytes_in, bytes_out, stream, session_id, has_usage, input, cached_create, cached_read, output, reasoning, total, cache_5m, cache_1h, cost_usd, trace';

/**
 * Inserts one request unless a row with its id is already there (journal replay after a crash
 * re-inserts rows the last snapshot may hold), and adds it to the daily totals only when it was new.
 */
export function insertRow(db: Database, r: RequestRecord, day: string, bodies: StoredBodies | null): boolean {
  const u = r.usage;
  prepared(db, `INSERT OR IGNORE INTO requests (${RECORD_COLUMNS}, day) VALUES (${Array(29).fill('?').join(',')})`).run(
    [
      r.id, r.started_at, r.service, r.config, r.model_requested, r.model_sent, r.model_answered, r.method, r.path, r.status, r.error,
      r.duration_ms, r.ttfb_ms, r.bytes_in, r.bytes_out, r.stream ? 1 : 0, r.session_id, u ? 1 : 0,
      u?.input ?? 0, u?.cached_create ?? 0, u?.cached_read ?? 0, u?.output ?? 0, u?.reasoning ?? 0, u?.total ?? 0,
      u?.cache_5m ?? null, u?.cache_1h ?? null, r.cost_usd, r.trace == null ? null : JSON.stringify(r.trace), day,
    ],
  );
  if (db.getRowsModified() !== 1) return false;
  addDaily(db, {
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
  });
  if (bodies) {
    prepared(db, 'INSERT OR REPLACE INTO bodies VALUES (?,?,?,?,?,?,?,?)').run([
      r.id, bodies.request_headers, bodies.response_headers, bodies.request_body, bodies.request_truncated ? 1 : 0,
      bodies.upstream_body, bodies.response_body, bodies.response_truncated ? 1 : 0,
    ]);
  }
  return true;
}

type DailyAdd = Omit<DailyImport, 'service'> & { service: string; requests: number; errors: number; cost_usd: number; unpriced: number };

export function addDaily(db: Database, d: DailyAdd): void {
  prepared(db, 
    `INSERT INTO daily (day, service, config, model, requests, errors, input, cached_create, cached_read, output, reasoning, total, cost_usd, unpriced)
     VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
     ON CONFLICT(day, service, config, model) DO UPDATE SET
       requests = requests + excluded.requests, errors = errors + excluded.errors, input = input + excluded.input,
       cached_create = cached_create + excluded.cached_create, cached_read = cached_read + excluded.cached_read,
       output = output + excluded.output, reasoning = reasoning + excluded.reasoning, total = total + excluded.total,
       cost_usd = cost_usd + excluded.cost_usd, unpriced = unpriced + excluded.unpriced`,
  ).run([d.day, d.service, d.config, d.model, d.requests, d.errors, d.input, d.cached_create, d.cached_read, d.output, d.reasoning, d.total, d.cost_usd, d.unpriced],
  );
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

export function countRows(db: Database): number {
  return Number(all(db, 'SELECT count(*) AS n FROM requests')[0]!.n);
}

const SUMS = `count(*) AS requests, sum(error IS NOT NULL) AS errors, sum(input) AS input, sum(cached_create) AS cached_create,
  sum(cached_read) AS cached_read, sum(output) AS output, sum(reasoning) AS reasoning, sum(total) AS total,
  coalesce(sum(cost_usd), 0) AS cost_usd, sum(has_usage = 1 AND total > 0 AND cost_usd IS NULL) AS unpriced`;
const DAILY_SUMS = `sum(requests) AS requests, sum(errors) AS errors, sum(input) AS input, sum(cached_create) AS cached_create,
  sum(cached_read) AS cached_read, sum(output) AS output, sum(reasoning) AS reasoning, sum(total) AS total,
  sum(cost_usd) AS cost_usd, sum(unpriced) AS unpriced`;

function totalsOf(row: Record<string, SqlValue>): UsageTotals {
  const t = emptyTotals();
  for (const key of Object.keys(t) as Array<keyof UsageTotals>) t[key] = Number(row[key] ?? 0);
  t.cost_usd = Math.round(t.cost_usd * 1e6) / 1e6;
  return t;
}

/**
 * Totals per service, and per config, model or day. Windows of whole days read the daily totals (which
 * outlive retention); shorter windows read the request rows.
 */
export function usageReport(db: Database, q: UsageQuery): UsageReport {
  const useRows = q.sinceMs !== undefined;
  const table = useRows ? 'requests' : 'daily';
  const sums = useRows ? SUMS : DAILY_SUMS;
  const group = q.by === 'day' ? 'day' : q.by === 'model' ? (useRows ? "coalesce(model_sent, model_requested, '')" : 'model') : useRows ? "coalesce(config, '')" : 'config';
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (useRows) {
    where.push('started_at >= ?');
    params.push(q.sinceMs!);
  } else if (q.sinceDay) {
    where.push('day >= ?');
    params.push(q.sinceDay);
  }
  const filter = where.length ? `AND ${where.join(' AND ')}` : '';
  const key = q.by === 'day' ? 'days' : q.by === 'model' ? 'models' : 'configs';
  const services = {} as UsageReport['services'];
  for (const service of SERVICES as readonly ServiceName[]) {
    if (q.service && q.service !== service) continue;
    const total = all(db, `SELECT ${sums} FROM ${table} WHERE service = ? ${filter}`, [service, ...params])[0]!;
    const groups: Record<string, UsageTotals> = {};
    for (const row of all(db, `SELECT ${group} AS k, ${sums} FROM ${table} WHERE service = ? ${filter} GROUP BY k ORDER BY k`, [service, ...params])) {
      groups[String(row.k) || '(none)'] = totalsOf(row);
    }
    services[service] = { total: totalsOf(total), [key]: groups };
  }
  return { since: null, by: q.by, services };
}

function recordOf(row: Record<string, SqlValue>): RequestRecord {
  const hasUsage = row.has_usage === 1;
  return {
    id: String(row.id),
    started_at: Number(row.started_at),
    service: row.service as ServiceName,
    config: (row.config as string | null) ?? null,
    model_requested: (row.model_requested as string | null) ?? null,
    model_sent: (row.model_sent as string | null) ?? null,
    model_answered: (row.model_answered as string | null) ?? null,
    method: String(row.method),
    path: String(row.path),
    status: row.status === null ? null : Number(row.status),
    error: (row.error as string | null) ?? null,
    duration_ms: Number(row.duration_ms),
    ttfb_ms: row.ttfb_ms === null ? null : Number(row.ttfb_ms),
    bytes_in: Number(row.bytes_in),
    bytes_out: Number(row.bytes_out),
    stream: row.stream === 1,
    session_id: (row.session_id as string | null) ?? null,
    usage: hasUsage
      ? {
          input: Number(row.input),
          cached_create: Number(row.cached_create),
          cached_read: Number(row.cached_read),
          output: Number(row.output),
          reasoning: Number(row.reasoning),
          total: Number(row.total),
          cache_5m: row.cache_5m === null ? null : Number(row.cache_5m),
          cache_1h: row.cache_1h === null ? null : Number(row.cache_1h),
        }
      : null,
    cost_usd: row.cost_usd === null ? null : Number(row.cost_usd),
    trace: row.trace === null ? null : JSON.parse(String(row.trace)),
  };
}

export function listLogs(db: Database, q: LogsQuery): RequestRecord[] {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  if (q.service) clauses.push('service = ?') && params.push(q.service);
  if (q.sinceMs !== undefined) clauses.push('started_at >= ?') && params.push(q.sinceMs);
  const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  return all(db, `SELECT ${RECORD_COLUMNS} FROM requests ${where} ORDER BY started_at DESC, id DESC LIMIT ?`, [...params, q.limit]).map(recordOf);
}

/** One request with its bodies, found by its full id or a unique prefix of at least 6 characters. */
export function getLog(db: Database, id: string): RequestDetail | null {
  const rows =
    id.length >= 36
      ? all(db, `SELECT ${RECORD_COLUMNS} FROM requests WHERE id = ?`, [id])
      : id.length >= 6
        ? all(db, `SELECT ${RECORD_COLUMNS} FROM requests WHERE id LIKE ? ESCAPE '\\' LIMIT 2`, [`${id.replace(/[\\%_]/g, '\\$&')}%`])
        : [];
  if (rows.length !== 1) return null;
  const record = recordOf(rows[0]!);
  const b = all(db, 'SELECT * FROM bodies WHERE id = ?', [record.id])[0];
  return {
    ...record,
    request_headers: b ? JSON.parse(String(b.request_headers)) : {},
    response_headers: b ? JSON.parse(String(b.response_headers)) : {},
    request_body: b ? decodeBody(b.request_body!) : null,
    request_body_truncated: b?.request_truncated === 1,
    upstream_body: b ? decodeBody(b.upstream_body!) : null,
    response_body: b ? decodeBody(b.response_body!) : null,
    response_body_truncated: b?.response_truncated === 1,
  };
}

/** Bytes the database holds in live pages (freed pages are not counted: they are reused). */
export function liveBytes(db: Database): number {
  const n = (sql: string) => Number(db.exec(sql)[0]!.values[0]![0]);
  return (n('PRAGMA page_count') - n('PRAGMA freelist_count')) * n('PRAGMA page_size');
}

export function freeBytes(db: Database): number {
  const n = (sql: string) => Number(db.exec(sql)[0]!.values[0]![0]);
  return n('PRAGMA freelist_count') * n('PRAGMA page_size');
}

/**
 * Enforces retention: rows older than the cutoff go; then, while the database is over its byte budget,
 * the oldest bodies go (they are most of the bytes), then the oldest rows. Daily totals are untouched.
 * Returns how many rows and bodies were removed.
 */
export function enforceRetention(db: Database, cutoffMs: number, maxBytes: number): { rows: number; bodies: number } {
  let rows = 0;
  let bodies = 0;
  db.run('DELETE FROM bodies WHERE id IN (SELECT id FROM requests WHERE started_at < ?)', [cutoffMs]);
  bodies += db.getRowsModified();
  db.run('DELETE FROM requests WHERE started_at < ?', [cutoffMs]);
  rows += db.getRowsModified();
  for (let guard = 0; guard < 1000 && liveBytes(db) > maxBytes; guard++) {
    const haveBodies = Number(db.exec('SELECT count(*) FROM bodies')[0]!.values[0]![0]);
    if (haveBodies > 0) {
      const batch = Math.max(1, Math.ceil(haveBodies / 10));
      db.run('DELETE FROM bodies WHERE id IN (SELECT b.id FROM bodies b JOIN requests r ON r.id = b.id ORDER BY r.started_at LIMIT ?)', [batch]);
      const n = db.getRowsModified();
      if (n === 0) db.run('DELETE FROM bodies WHERE id NOT IN (SELECT id FROM requests)');
      bodies += n;
      continue;
    }
    const total = countRows(db);
    if (total === 0) break;
    db.run('DELETE FROM requests WHERE id IN (SELECT id FROM requests ORDER BY started_at LIMIT ?)', [Math.max(1, Math.ceil(total / 10))]);
    rows += db.getRowsModified();
  }
  return { rows, bodies };
}

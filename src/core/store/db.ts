import { SERVICES, type ServiceName } from '../../shared/services.ts';
import { type RequestRecord, USAGE_GROUP_KEY, type UsageReport } from '../../shared/records.ts';
import { NO_SESSION } from '../../shared/sessions.ts';
import { emptyTotals, type UsageTotals } from '../../shared/usage.ts';
import type { DailyImport, UsageQuery } from './protocol.ts';

/**
 * The daily totals (`totals.json`, saved whole). Request lines and bodies live in the segment log on
 * disk (`segments.ts`); this keeps what must be summed fast and kept forever:
 *
 * - `daily`: totals per day, service, config and model, added to per batch and never trimmed, so
 *   totals outlive retention (a few hundred rows for a month of heavy use);
 * - `sessions`: the same sums per day, service and session (the session id in the `config` slot, the
 *   `model` slot empty), for the usage by session and by project; kept as long as the log's retention,
 *   like the sessions themselves;
 * - `meta`: one-off markers (the original tool's import, the log position the totals include, the
 *   price table their costs were summed at).
 *
 * Plain maps in memory, written as JSON with each snapshot. They were a sql.js database until the
 * performance work of issue 16: its wasm heap cost the owner ~25 MB of memory and its compile ~250 ms
 * of every start, for a table this small. An older CLP's `clp.sqlite` is read once (`legacy-totals.ts`).
 */
export interface Totals {
  daily: Map<string, DailyAdd>;
  sessions: Map<string, DailyAdd>;
  meta: Map<string, string>;
}

export const newTotals = (): Totals => ({ daily: new Map(), sessions: new Map(), meta: new Map() });

/** The file's version: 3, as the sql.js schema it replaced (3 added the estimated counts). */
const FORMAT = 3;

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

export const METRICS = [
  'requests',
  'errors',
  'input',
  'cached_create',
  'cached_read',
  'output',
  'reasoning',
  'total',
  'cost_usd',
  'unpriced',
  'estimated',
] as const;

const keyOf = (d: { day: string; service: string; config: string; model: string }) => `${d.day}\u0000${d.service}\u0000${d.config}\u0000${d.model}`;

/** Adds one request's share to a set of sums, keyed by (day, service, config, model). */
export function foldDaily(sums: Map<string, DailyAdd>, d: DailyAdd): void {
  const key = keyOf(d);
  const into = sums.get(key);
  if (!into) sums.set(key, d);
  else addInto(into, d);
}

/**
 * Field by field, not a loop over METRICS: a loop indexes the row by a different key each turn,
 * which V8 handles as a lookup by name (megamorphic) on every request's two folds.
 */
function addInto(into: DailyAdd, d: DailyAdd): void {
  into.requests += d.requests;
  into.errors += d.errors;
  into.input += d.input;
  into.cached_create += d.cached_create;
  into.cached_read += d.cached_read;
  into.output += d.output;
  into.reasoning += d.reasoning;
  into.total += d.total;
  into.cost_usd += d.cost_usd;
  into.unpriced += d.unpriced;
  into.estimated += d.estimated;
}

/** What one request adds to its session's day (`sessions`: the session id in the `config` slot). */
export function sessionDayOf(r: RequestRecord, day: string): DailyAdd {
  const d = dailyOf(r, day);
  d.config = r.session_id ?? NO_SESSION;
  d.model = '';
  return d;
}

/** Adds a batch of requests to the daily and the session totals. */
export function addRequests(t: Totals, rows: Iterable<{ record: RequestRecord; day: string }>): void {
  for (const { record, day } of rows) {
    foldDaily(t.daily, dailyOf(record, day));
    foldDaily(t.sessions, sessionDayOf(record, day));
  }
}

/** Adds a set of sums (its rows are copied: the caller's map may be folded into again). */
export function addDaily(t: Totals, d: DailyAdd): void {
  foldDaily(t.daily, { ...d });
}

/** Adds one set of totals to another (the batches since the last snapshot into the saved ones). */
export function mergeTotals(into: Totals, from: Totals): void {
  for (const d of from.daily.values()) foldDaily(into.daily, { ...d });
  for (const d of from.sessions.values()) foldDaily(into.sessions, { ...d });
}

/** Drops the session rows of days before `day` (retention). */
export function trimSessions(t: Totals, day: string): void {
  for (const [k, d] of t.sessions) if (d.day < day) t.sessions.delete(k);
}

/** The row a (day, service, config, model) has, if any. */
export function dailyRow(t: Totals, d: { day: string; service: string; config: string; model: string }): DailyAdd | undefined {
  return t.daily.get(keyOf(d));
}

export function getMeta(t: Totals, key: string): string | null {
  return t.meta.get(key) ?? null;
}

export function setMeta(t: Totals, key: string, value: string): void {
  t.meta.set(key, value);
}

const rowsOf = (m: Map<string, DailyAdd>) => [...m.values()].map((d) => [d.day, d.service, d.config, d.model, ...METRICS.map((k) => d[k])]);

/** The file: `{"format":3,"meta":{...},"daily":[[day, service, config, model, ...METRICS], ...],"sessions":[...]}`. */
export function encodeTotals(t: Totals): string {
  return JSON.stringify({ format: FORMAT, meta: Object.fromEntries(t.meta), daily: rowsOf(t.daily), sessions: rowsOf(t.sessions) });
}

function readRows(rows: unknown[], into: Map<string, DailyAdd>): void {
  for (const row of rows) {
    if (!Array.isArray(row) || row.length < 4 + METRICS.length) throw new Error('a row is malformed');
    const [day, service, config, model] = row.slice(0, 4).map(String) as [string, string, string, string];
    const d = { day, service, config, model } as DailyAdd;
    METRICS.forEach((m, i) => {
      const n = row[4 + i];
      if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`a row's ${m} is not a number`);
      d[m] = n;
    });
    foldDaily(into, d);
  }
}

/** Reads `encodeTotals`' output; throws on anything else, so a damaged file is never taken for empty totals. */
export function decodeTotals(text: string): Totals {
  const file = JSON.parse(text) as { format?: unknown; meta?: unknown; daily?: unknown; sessions?: unknown } | null;
  if (typeof file !== 'object' || file === null || typeof file.format !== 'number') throw new Error('not a CLP totals file');
  if (file.format > FORMAT) throw new Error(`written by a newer CLP (format ${file.format})`);
  if (typeof file.meta !== 'object' || file.meta === null || !Array.isArray(file.daily)) throw new Error('its meta or daily part is missing');
  const t = newTotals();
  for (const [k, v] of Object.entries(file.meta)) if (typeof v === 'string') t.meta.set(k, v);
  readRows(file.daily as unknown[], t.daily);
  if (file.sessions !== undefined) {
    if (!Array.isArray(file.sessions)) throw new Error('its sessions part is not a list');
    readRows(file.sessions, t.sessions);
  }
  return t;
}

function rounded(t: UsageTotals): UsageTotals {
  t.cost_usd = Math.round(t.cost_usd * 1e6) / 1e6;
  return t;
}

const groupKey = (by: UsageQuery['by']) => USAGE_GROUP_KEY[by];

const sortedKeys = <T>(groups: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(groups).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The report's frame: every service asked for, with empty totals and groups. */
function emptyReport(q: UsageQuery): UsageReport['services'] {
  const services = {} as UsageReport['services'];
  for (const service of SERVICES as readonly ServiceName[]) {
    if (q.service && q.service !== service) continue;
    services[service] = { total: emptyTotals(), [groupKey(q.by)]: {} };
  }
  return services;
}

/** Adds one row's metrics to its service's total and to its group. */
function addTo(services: UsageReport['services'], q: UsageQuery, service: string, group: string, d: DailyAdd): void {
  const into = services[service as ServiceName];
  if (!into) return;
  const groups = into[groupKey(q.by)]!;
  const g = (groups[group || '(none)'] ??= emptyTotals());
  for (const t of [into.total, g]) for (const m of METRICS) t[m] += d[m];
}

/** Rounds the costs and orders the groups by name. */
function finish(services: UsageReport['services'], q: UsageQuery): UsageReport {
  for (const s of Object.values(services)) {
    rounded(s.total);
    const groups = s[groupKey(q.by)]!;
    for (const k of Object.keys(groups)) rounded(groups[k]!);
    s[groupKey(q.by)] = sortedKeys(groups);
  }
  return { since: null, by: q.by, services };
}

/**
 * Totals per service, and per config, model, day, session or project, over whole days: read from the
 * daily totals (sessions and projects from the session rows, which go back as far as the log).
 */
export function usageReport(t: Totals, q: UsageQuery): UsageReport {
  const services = emptyReport(q);
  const perSession = q.by === 'session' || q.by === 'project';
  for (const d of (perSession ? t.sessions : t.daily).values()) {
    if (q.sinceDay && d.day < q.sinceDay) continue;
    addTo(services, q, d.service, groupOfRow(q, d), d);
  }
  return finish(services, q);
}

/** The group a row of the totals falls in (a session row holds its session id as `config`). */
function groupOfRow(q: UsageQuery, d: DailyAdd): string {
  switch (q.by) {
    case 'day':
      return d.day;
    case 'model':
      return d.model;
    case 'project':
      return q.projectOf?.(d.service as ServiceName, d.config === NO_SESSION ? null : d.config) ?? '(unknown project)';
    default:
      return d.config;
  }
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
  const services = emptyReport(q);
  for (const { record, day } of lines) {
    if (q.sinceMs !== undefined && record.started_at < q.sinceMs) continue;
    const d = dailyOf(record, day);
    addTo(services, q, record.service, groupOf(q, record, d), d);
  }
  return finish(services, q);
}

import { SERVICES, type ServiceName, isServiceName } from '../../shared/services.ts';
import type { TeamAccount, TeamGroupBy, TeamUsageReport } from '../../shared/team.ts';
import { emptyTotals, type UsageTotals } from '../../shared/usage.ts';
import { type RemoteEvent, parseHealthRow } from './health-events.ts';

export interface TeamUsageQuery {
  by: TeamGroupBy;
  service?: ServiceName;
  /** As the user wrote it (`7d`), for the report. */
  since?: string;
  /** Requests from this epoch ms on (none: all). */
  sinceMs?: number;
  /** The asking machine's time zone, for `by: day`. */
  timeZone: string;
}

const GROUP_SQL: Record<Exclude<TeamGroupBy, 'day'>, string> = {
  member: 'member',
  machine: 'machine',
  config: 'config',
  model: "coalesce(model_sent, model_requested, '')",
};

/** Totals per service and group over the team's requests. Pure. */
export function teamUsage(schema: string, q: TeamUsageQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  const group = q.by === 'day' ? `to_char(at AT TIME ZONE ${param(q.timeZone)}, 'YYYY-MM-DD')` : GROUP_SQL[q.by];
  const where: string[] = [];
  if (q.sinceMs !== undefined) where.push(`at >= ${param(new Date(q.sinceMs).toISOString())}`);
  if (q.service) where.push(`service = ${param(q.service)}`);
  const text = `SELECT service, ${group} AS k,
    count(*) AS requests, count(*) FILTER (WHERE error IS NOT NULL) AS errors,
    sum(input) AS input, sum(cached_create) AS cached_create, sum(cached_read) AS cached_read,
    sum(output) AS output, sum(reasoning) AS reasoning, sum(total) AS total,
    coalesce(sum(cost_usd), 0) AS cost_usd,
    count(*) FILTER (WHERE has_usage AND total > 0 AND cost_usd IS NULL) AS unpriced,
    count(*) FILTER (WHERE cost_estimated AND cost_usd IS NOT NULL) AS estimated
    FROM ${schema}.requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    GROUP BY service, k ORDER BY service, k`;
  return { text, values };
}

const METRICS = ['requests', 'errors', 'input', 'cached_create', 'cached_read', 'output', 'reasoning', 'total', 'cost_usd', 'unpriced', 'estimated'] as const;

/** The rows of `teamUsage` as a report: every figure a finite number whatever a row holds. Pure. */
export function teamUsageOf(by: TeamGroupBy, rows: ReadonlyArray<Record<string, unknown>>): Pick<TeamUsageReport, 'by' | 'services'> {
  const services = {} as TeamUsageReport['services'];
  for (const s of SERVICES) services[s] = { total: emptyTotals(), groups: {} };
  for (const row of rows) {
    const service = String(row.service);
    if (!isServiceName(service)) continue;
    const into = services[service];
    const k = String(row.k ?? '') || '(none)';
    const g: UsageTotals = (into.groups[k] ??= emptyTotals());
    for (const m of METRICS) {
      const n = Number(row[m] ?? 0);
      const v = Number.isFinite(n) && n > 0 ? n : 0;
      g[m] += v;
      into.total[m] += v;
    }
  }
  for (const s of Object.values(services)) {
    s.total.cost_usd = Math.round(s.total.cost_usd * 1e6) / 1e6;
    for (const g of Object.values(s.groups)) g.cost_usd = Math.round(g.cost_usd * 1e6) / 1e6;
  }
  return { by, services };
}

/** Every account used in the last day: who used it, how much, and its latest event still in force. Pure. */
export function accountsQuery(schema: string): { text: string; values: unknown[] } {
  return {
    text: `WITH used AS (
        SELECT service, account, array_agg(DISTINCT member ORDER BY member) AS members, count(*) AS requests,
          count(*) FILTER (WHERE error IS NOT NULL) AS errors, max(at) AS last_at
        FROM ${schema}.requests WHERE account IS NOT NULL AND at > now() - interval '1 day' GROUP BY service, account),
      latest AS (
        SELECT DISTINCT ON (service, account) seq, at, member, machine, service, account, kind, until, reason
        FROM ${schema}.health WHERE until > now() OR (kind = 'disabled_today' AND at > now() - interval '1 day')
        ORDER BY service, account, seq DESC)
      SELECT coalesce(u.service, l.service) AS service, coalesce(u.account, l.account) AS account,
        u.members, u.requests, u.errors, u.last_at,
        l.seq, l.at, l.member, l.machine, l.kind, l.until, l.reason
      FROM used u FULL JOIN latest l ON u.service = l.service AND u.account = l.account
      ORDER BY 1, 2`,
    values: [],
  };
}

/** The rows of `accountsQuery`, named with this machine's configs where it has the account. Pure. */
export function teamAccounts(rows: ReadonlyArray<Record<string, unknown>>, configOf: (service: ServiceName, account: string) => string | null): TeamAccount[] {
  const out: TeamAccount[] = [];
  for (const row of rows) {
    const service = String(row.service);
    const account = String(row.account);
    if (!isServiceName(service) || !/^[0-9a-f]{32}$/.test(account)) continue;
    const e: RemoteEvent | null = row.seq == null ? null : parseHealthRow(row);
    const lastAt = row.last_at instanceof Date ? row.last_at.getTime() : null;
    out.push({
      service,
      account,
      config: configOf(service, account),
      members: Array.isArray(row.members) ? row.members.map((m) => String(m).slice(0, 100)) : [],
      requests: Number(row.requests ?? 0) || 0,
      errors: Number(row.errors ?? 0) || 0,
      lastAt,
      event: e ? { kind: e.kind, until: e.until, reason: e.reason, member: e.member, machine: e.machine, at: e.at } : null,
    });
  }
  return out;
}

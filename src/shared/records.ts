import type { ServiceName } from './services.ts';
import type { Usage, UsageTotals } from './usage.ts';

/** One proxied request, as stored and as the dashboard and `clp logs` show it. Never holds a key. */
export interface RequestRecord {
  id: string;
  /** Epoch milliseconds. */
  started_at: number;
  service: ServiceName;
  config: string | null;
  /** The model the client asked for, and the one sent upstream (they differ when routing rewrote it). */
  model_requested: string | null;
  model_sent: string | null;
  /** The model the upstream says answered. */
  model_answered: string | null;
  method: string;
  path: string;
  status: number | null;
  /** Error class: a CLP error code, `http_<status>` for an upstream error status, `stream_<type>` for an error inside a 200 stream. */
  error: string | null;
  duration_ms: number;
  ttfb_ms: number | null;
  bytes_in: number;
  bytes_out: number;
  stream: boolean;
  session_id: string | null;
  usage: Usage | null;
  /** Dollars; null when the model has no price (shown as "unknown", never as zero). */
  cost_usd: number | null;
  /** The routing and failover decisions taken for this request, when any. */
  trace: TraceEntry[] | null;
  /** Set when the log kept this record without its bodies: the disk could not keep up with the load. */
  bodies_shed?: true;
  /** Set when the model was priced by its family (an unseen snapshot or minor version): an estimate. */
  cost_estimated?: true;
  /** The client and its version, from its user agent (`claude-cli/2.1.332`), when it sent one. */
  client?: string | null;
}

/**
 * One decision taken for a request, in the order taken. Only decisions worth reading are kept: a
 * request its first candidate served, with no rule, filter or strip involved, has no trace at all.
 */
export type TraceEntry =
  /** The secrets the filters removed, by rule label and count (never what they matched). */
  | { kind: 'filters'; hits: Record<string, number> }
  /** Filter modules (`filters/*.mjs`): those that changed the body, and one that failed (the request stopped, or went on without it when fail-open). */
  | { kind: 'filter-code'; changed: string[]; failed: { module: string; message: string; open: boolean } | null }
  /** The routing rules that matched and what they decided. */
  | { kind: 'route'; model: string | null; config: string[] | null; matched: string[] }
  /**
   * The request is bound to these configs, which win over the active config and routing pins: by its
   * launch (`clp run --config`), by the model picked in the client (`/model`), or by a stored binding.
   */
  | { kind: 'bound'; config: string[]; by: 'launch' | 'model' | 'session' }
  /** The configs planned, and why others were left out. */
  | { kind: 'plan'; mode: 'active' | 'pool'; candidates: string[]; skipped: Array<{ name: string; why: string }> }
  /** Signed history dropped because the conversation moved to another upstream. */
  | { kind: 'strip'; removed: number; reason: string }
  /** One attempt at one config, when more than one was tried or it failed. */
  | { kind: 'attempt'; config: string; outcome: string; ms: number }
  /** The session uses more context than the model it was moved to holds: warned (or refused, with `refuseContextOverflow`). */
  | { kind: 'window'; config: string; model: string | null; window: number; used: number; refused: boolean }
  /** CLP answered itself because the upstream does not serve the request (`count_tokens` on a relay: an estimate). */
  | { kind: 'local'; config: string; status: number; answer: string }
  /** A record imported from the original tool's history. */
  | { kind: 'imported'; from: 'clp-original' };

export interface RequestDetail extends RequestRecord {
  /** Headers as the client sent them, credentials and cookies removed. */
  request_headers: Record<string, string>;
  response_headers: Record<string, string>;
  request_body: string | null;
  request_body_truncated: boolean;
  /** The body as sent upstream, when CLP changed it (filters, model rewrite). */
  upstream_body: string | null;
  response_body: string | null;
  response_body_truncated: boolean;
  /** Set when the stored headers and bodies could not be read back (the record itself is intact). */
  bodies_unreadable?: boolean;
}

/** Status classes the request list filters by: no error, any error, or an HTTP status range. */
export type StatusClass = 'ok' | 'error' | '4xx' | '5xx';

/** A page of the request log, newest first, filtered; `before` continues after the last row of a page. */
export interface LogsQuery {
  limit: number;
  service?: ServiceName;
  config?: string;
  /** A part of the model asked for or sent. */
  model?: string;
  status?: StatusClass;
  /** A part of the config, model, status, error or path (case does not matter). */
  text?: string;
  /** One session's requests (`null`: those without a session id). */
  session?: string | null;
  /** Only requests started at or after this epoch millisecond. */
  sinceMs?: number;
  /** Only requests started before this one (the last row of the previous page). */
  before?: { at: number; id: string };
}

/** Whether a record passes a query's filters (not its time bounds). Pure. */
export function logMatches(r: RequestRecord, q: Omit<LogsQuery, 'limit'>): boolean {
  if (q.service && r.service !== q.service) return false;
  if (q.config !== undefined && r.config !== q.config) return false;
  if (q.session !== undefined && r.session_id !== q.session) return false;
  if (q.model) {
    const m = q.model.toLowerCase();
    if (!r.model_requested?.toLowerCase().includes(m) && !r.model_sent?.toLowerCase().includes(m)) return false;
  }
  if (q.status) {
    const s = r.status ?? 0;
    if (q.status === 'ok' && r.error) return false;
    if (q.status === 'error' && !r.error) return false;
    if (q.status === '4xx' && (s < 400 || s >= 500)) return false;
    if (q.status === '5xx' && s < 500) return false;
  }
  if (q.text) {
    const t = q.text.toLowerCase();
    if (![r.config, r.model_requested, r.model_sent, r.model_answered, String(r.status ?? ''), r.error, r.path].some((v) => v?.toLowerCase().includes(t)))
      return false;
  }
  return true;
}

/** A request that moved to another config than the first it tried. */
export function isFailover(r: Pick<RequestRecord, 'trace' | 'config'>): boolean {
  return (r.trace ?? []).some((t) => t.kind === 'attempt' && t.config !== r.config);
}

/** Newest first: by start time, then by id. */
export function newerFirst(a: { started_at: number; id: string }, b: { started_at: number; id: string }): number {
  return b.started_at - a.started_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export type UsageGroupBy = 'config' | 'model' | 'day' | 'session' | 'project';

/** Where a report's groups are, by what it is grouped by. */
export const USAGE_GROUP_KEY = { config: 'configs', model: 'models', day: 'days', session: 'sessions', project: 'projects' } as const;

/** `clp usage --json` and `GET /api/usage`. */
export interface UsageReport {
  since: string | null;
  by: UsageGroupBy;
  services: Record<ServiceName, { total: UsageTotals } & Partial<Record<(typeof USAGE_GROUP_KEY)[UsageGroupBy], Record<string, UsageTotals>>>>;
}

/**
 * The report with only the `top` largest groups of each service (by tokens, as the tables sort them);
 * the totals stay whole. A month of use holds thousands of sessions, and a table shows twenty.
 */
export function topGroups(report: UsageReport, top: number): UsageReport {
  const key = USAGE_GROUP_KEY[report.by];
  const services = { ...report.services };
  for (const s of Object.keys(services) as ServiceName[]) {
    const groups = services[s][key];
    if (!groups || Object.keys(groups).length <= top) continue;
    const kept = Object.entries(groups)
      .sort((a, b) => b[1].total - a[1].total)
      .slice(0, top);
    services[s] = { ...services[s], [key]: Object.fromEntries(kept) };
  }
  return { ...report, services };
}

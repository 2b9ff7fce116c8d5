import { createHmac } from 'node:crypto';
import type { RequestRecord } from '../../shared/records.ts';

/** Who ships: the member's name and machine, as the team's figures show them. */
export interface Sender {
  member: string;
  machine: string;
}

/**
 * An account's name in the team: a keyed hash (HMAC-SHA-256 with the team's own key, kept in the
 * database) of its base URL and credential, 32 hex digits. Two members with the same relay key get
 * the same fingerprint; the key itself never leaves the machine. Pure.
 */
export function accountFingerprint(teamKey: string, baseUrl: string, credential: string): string {
  return createHmac('sha256', teamKey)
    .update(`${baseUrl.replace(/\/+$/, '')}\n${credential}`)
    .digest('hex')
    .slice(0, 32);
}

/** The request columns, in the order `requestRow` gives them. */
export const REQUEST_COLUMNS = [
  'member',
  'id',
  'machine',
  'at',
  'service',
  'config',
  'account',
  'model_requested',
  'model_sent',
  'status',
  'error',
  'input',
  'cached_create',
  'cached_read',
  'output',
  'reasoning',
  'total',
  'has_usage',
  'cost_usd',
  'cost_estimated',
  'duration_ms',
  'ttfb_ms',
  'session_id',
  'request_body',
  'response_body',
] as const;

const cut = (s: string | null | undefined, n: number): string | null => (s == null ? null : s.length > n ? s.slice(0, n) : s);
const whole = (n: number | null | undefined): number => (Number.isFinite(n) && (n as number) > 0 ? Math.round(n as number) : 0);

/**
 * A request as the team stores it: figures only (no prompt, no answer, no headers), every value
 * within the table's checks so one odd record cannot stop a batch. `bodies` only with `team.shareBodies`. Pure.
 */
export function requestRow(
  r: RequestRecord,
  from: Sender,
  account: string | null,
  bodies: { request: string | null; response: string | null } | null = null,
): unknown[] {
  const u = r.usage;
  const cost = r.cost_usd;
  return [
    from.member,
    r.id.slice(0, 64),
    from.machine,
    new Date(r.started_at).toISOString(),
    r.service,
    cut(r.config ?? '', 200),
    account,
    cut(r.model_requested, 200),
    cut(r.model_sent, 200),
    r.status !== null && r.status >= 0 && r.status <= 999 ? r.status : null,
    cut(r.error, 100),
    whole(u?.input),
    whole(u?.cached_create),
    whole(u?.cached_read),
    whole(u?.output),
    whole(u?.reasoning),
    whole(u?.total),
    u !== null,
    cost !== null && Number.isFinite(cost) && cost >= 0 && cost < 1e6 ? cost : null,
    r.cost_estimated === true,
    whole(r.duration_ms),
    r.ttfb_ms === null ? null : whole(r.ttfb_ms),
    cut(r.session_id, 200),
    bodies?.request ?? null,
    bodies?.response ?? null,
  ];
}

/** A multi-row `INSERT … ON CONFLICT DO NOTHING` of `rows` (idempotent: a row shipped twice is stored once). Pure. */
export function insertRequests(schema: string, rows: unknown[][]): { text: string; values: unknown[] } {
  const n = REQUEST_COLUMNS.length;
  const values: unknown[] = [];
  const tuples = rows.map((row, i) => {
    values.push(...row);
    return `(${row.map((_, j) => `$${i * n + j + 1}`).join(',')})`;
  });
  return {
    text: `INSERT INTO ${schema}.requests (${REQUEST_COLUMNS.join(',')}) VALUES ${tuples.join(',')} ON CONFLICT (member, id) DO NOTHING`,
    values,
  };
}

/** The URL with its password replaced by `***`, for logs, status and errors. Pure. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@').replace(/password=[^&\s]*/gi, 'password=***');
  }
}

/** `error` with any occurrence of the URL's password replaced, so a driver's message cannot leak it. Pure. */
export function scrubPassword(text: string, url: string): string {
  let pass = '';
  try {
    pass = decodeURIComponent(new URL(url).password);
  } catch {}
  return pass ? text.split(pass).join('***') : text;
}

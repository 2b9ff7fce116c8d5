import type { ServiceName } from '../../shared/services.ts';
import { isServiceName } from '../../shared/services.ts';
import type { LocalAccountEvent } from '../pool/pool.ts';
import type { Sender } from './rows.ts';

export type AccountEventKind = LocalAccountEvent['kind'];

/** What one owner saw happen to an account, keyed by the account's fingerprint for the team. */
export interface AccountEvent extends LocalAccountEvent {
  service: ServiceName;
  /** The account's fingerprint (`accountFingerprint`). */
  account: string;
}

/** An event another member saw, as read back from the database. */
export interface RemoteEvent extends AccountEvent {
  seq: number;
  member: string;
  machine: string;
  at: number;
}

/** A multi-row insert of `events`. Pure. */
export function insertHealth(schema: string, events: readonly AccountEvent[], from: Sender): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = events.map((e, i) => {
    values.push(from.member, from.machine, e.service, e.account, e.kind, e.until === null ? null : new Date(e.until).toISOString(), e.reason.slice(0, 200));
    const b = i * 7;
    return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7})`;
  });
  return { text: `INSERT INTO ${schema}.health (member, machine, service, account, kind, until, reason) VALUES ${tuples.join(',')}`, values };
}

/**
 * Other members' events after `seq`; with `seq` null (a first poll), those still in force: a
 * cool-down not yet over, a daily disable from the last day. Pure.
 */
export function healthSince(schema: string, seq: number | null, me: Sender): { text: string; values: unknown[] } {
  const cols = 'seq, at, member, machine, service, account, kind, until, reason';
  const notMe = 'NOT (member = $1 AND machine = $2)';
  if (seq === null)
    return {
      text: `SELECT ${cols} FROM ${schema}.health WHERE ${notMe} AND (until > now() OR (kind = 'disabled_today' AND at > now() - interval '1 day')) ORDER BY seq`,
      values: [me.member, me.machine],
    };
  return { text: `SELECT ${cols} FROM ${schema}.health WHERE seq > $3 AND ${notMe} ORDER BY seq LIMIT 500`, values: [me.member, me.machine, seq] };
}

const KINDS = new Set<AccountEventKind>(['cooldown', 'credential', 'disabled_today']);

/** A row of `health`, checked: null for one that is not an event CLP could apply. Pure. */
export function parseHealthRow(row: Record<string, unknown>): RemoteEvent | null {
  const service = String(row.service);
  const kind = String(row.kind) as AccountEventKind;
  const until = row.until instanceof Date ? row.until.getTime() : row.until == null ? null : Date.parse(String(row.until));
  const at = row.at instanceof Date ? row.at.getTime() : Date.parse(String(row.at));
  if (!isServiceName(service) || !KINDS.has(kind) || !/^[0-9a-f]{32}$/.test(String(row.account))) return null;
  if (until !== null && !Number.isFinite(until)) return null;
  return {
    seq: Number(row.seq),
    service,
    account: String(row.account),
    kind,
    until,
    reason: String(row.reason ?? '').slice(0, 200),
    member: String(row.member).slice(0, 100),
    machine: String(row.machine).slice(0, 100),
    at: Number.isFinite(at) ? at : 0,
  };
}

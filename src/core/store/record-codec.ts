import type { RequestRecord } from '../../shared/records.ts';
import type { Usage } from '../../shared/usage.ts';

/**
 * A request record as the log's line keeps it: its values in a fixed order, without the key names,
 * which were more than half of every line. A month of heavy use (300,000 requests) must fit the
 * 256 MB budget with room for bodies: a record goes from about 900 bytes to about 400.
 *
 * Positions only ever get added at the end, so a line written by an older CLP still decodes (a
 * missing position reads as its default). A model equal to the one before it (sent = requested,
 * answered = sent, the usual case) is written as 0.
 */
export type PackedRecord = unknown[];

const SAME = 0;

/** `shed`: the request's headers and bodies were not kept (also read from the record's own flag). */
export function packRecord(r: RequestRecord, shed = false): PackedRecord {
  const u = r.usage;
  return [
    r.id,
    r.started_at,
    r.service,
    r.config,
    r.model_requested,
    r.model_sent === r.model_requested ? SAME : r.model_sent,
    r.model_answered === r.model_sent ? SAME : r.model_answered,
    r.method,
    r.path,
    r.status,
    r.error,
    r.duration_ms,
    r.ttfb_ms,
    r.bytes_in,
    r.bytes_out,
    r.stream ? 1 : 0,
    r.session_id,
    u ? [u.input, u.cached_create, u.cached_read, u.output, u.reasoning, u.total, u.cache_5m, u.cache_1h] : null,
    r.cost_usd,
    r.trace,
    shed || r.bodies_shed ? 1 : 0,
    r.client ?? null,
    r.cost_estimated ? 1 : 0,
  ];
}

/** A character JSON would escape, or any outside ASCII (left to JSON.stringify, which handles lone surrogates). */
const NOT_PLAIN = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/;

/** A string as JSON text; plain ASCII (nearly every id, name, model and path) is quoted as it is. */
function quote(s: string): string {
  return NOT_PLAIN.test(s) ? JSON.stringify(s) : `"${s}"`;
}

const text = (s: string | null | undefined): string => (s == null ? 'null' : quote(s));
const numberText = (n: number | null): string => (n === null ? 'null' : Number.isFinite(n) ? String(n) : 'null');

/**
 * `packRecord(r, shed)` as JSON text, the same text `JSON.stringify` gives, written field by field and
 * joined once: JSON.stringify walks the array and checks every character of every string, and a
 * template of this many parts makes as many intermediate strings; both cost microseconds a request.
 */
export function packedRecordText(r: RequestRecord, shed = false): string {
  const u = r.usage;
  const usage = u ? `[${[u.input, u.cached_create, u.cached_read, u.output, u.reasoning, u.total, u.cache_5m, u.cache_1h].map(numberText).join(',')}]` : 'null';
  const fields = [
    quote(r.id),
    numberText(r.started_at),
    quote(r.service),
    text(r.config),
    text(r.model_requested),
    r.model_sent === r.model_requested ? SAME : text(r.model_sent),
    r.model_answered === r.model_sent ? SAME : text(r.model_answered),
    quote(r.method),
    quote(r.path),
    numberText(r.status),
    text(r.error),
    numberText(r.duration_ms),
    numberText(r.ttfb_ms),
    numberText(r.bytes_in),
    numberText(r.bytes_out),
    r.stream ? 1 : 0,
    text(r.session_id),
    usage,
    numberText(r.cost_usd),
    r.trace ? JSON.stringify(r.trace) : 'null',
    shed || r.bodies_shed ? 1 : 0,
    text(r.client),
    r.cost_estimated ? 1 : 0,
  ];
  return `[${fields.join(',')}]`;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function usageOf(v: unknown): Usage | null {
  if (!Array.isArray(v)) return null;
  const n = (i: number) => (typeof v[i] === 'number' ? (v[i] as number) : 0);
  return { input: n(0), cached_create: n(1), cached_read: n(2), output: n(3), reasoning: n(4), total: n(5), cache_5m: num(v[6]), cache_1h: num(v[7]) };
}

/** The record back from its packed form; null when the value is not one (a damaged line). */
export function unpackRecord(p: unknown): RequestRecord | null {
  if (!Array.isArray(p) || typeof p[0] !== 'string' || typeof p[1] !== 'number' || typeof p[2] !== 'string') return null;
  const requested = str(p[4]);
  const sent = p[5] === SAME ? requested : str(p[5]);
  const record: RequestRecord = {
    id: p[0],
    started_at: p[1],
    service: p[2] as RequestRecord['service'],
    config: str(p[3]),
    model_requested: requested,
    model_sent: sent,
    model_answered: p[6] === SAME ? sent : str(p[6]),
    method: str(p[7]) ?? 'POST',
    path: str(p[8]) ?? '/',
    status: num(p[9]),
    error: str(p[10]),
    duration_ms: num(p[11]) ?? 0,
    ttfb_ms: num(p[12]),
    bytes_in: num(p[13]) ?? 0,
    bytes_out: num(p[14]) ?? 0,
    stream: p[15] === 1,
    session_id: str(p[16]),
    usage: usageOf(p[17]),
    cost_usd: num(p[18]),
    trace: Array.isArray(p[19]) ? (p[19] as RequestRecord['trace']) : null,
  };
  if (p[20] === 1) record.bodies_shed = true;
  if (typeof p[21] === 'string') record.client = p[21];
  if (p[22] === 1) record.cost_estimated = true;
  return record;
}

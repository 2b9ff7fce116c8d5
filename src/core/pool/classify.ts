import { secondsText } from '../../shared/format.ts';

/** What one attempt against an upstream came to, for failover and health. */
export type OutcomeClass =
  | 'ok'
  | 'client' // 400, 404, 413, 422...: the request's own problem; no failover, no penalty
  | 'auth' // 401, 402, 403: the config's credential (or billing) is bad
  | 'rate_limit' // 429: this account is limited until retry-after
  | 'overloaded' // 529 / overloaded_error: API-wide, not this account's fault
  | 'server' // other 5xx
  | 'network' // connect refused, reset, DNS, TLS, before the response
  | 'timeout'; // no connection or no response headers in time

export interface Outcome {
  class: OutcomeClass;
  /** May the same request be sent to the next candidate? (Only before any byte reached the client.) */
  failover: boolean;
  /** How long to keep this config out of rotation, when the class calls for a cool-down of its own. */
  cooldownMs: number | null;
  /** Counts toward the consecutive-failure threshold. */
  countsAsFailure: boolean;
  /** Short reason for people: `HTTP 429, retry after 30 s`. */
  reason: string;
}

export const AUTH_COOLDOWN_MS = 30 * 60_000;
export const OVERLOAD_BACKOFF_MS = 15_000;
export const DEFAULT_RATE_LIMIT_MS = 30_000;
/** The default cap on an upstream's `retry-after` (setting maxRetryAfterSec). */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * `retry-after-ms`, else `retry-after` in seconds or as an HTTP date, in milliseconds from `now`.
 * Null when absent or unreadable.
 */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now: number): number | null {
  const ms = Number(headers['retry-after-ms']);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/**
 * Classifies an upstream's answer (or its absence). Failing over on 429/529/5xx/network keeps the
 * conversation going; 4xx caused by the request itself pass straight through (another upstream would
 * refuse it too) and cost the config nothing: the original tool counted those as failures.
 */
export function classifyStatus(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  now: number,
  bodyHint = '',
  maxRetryAfterMs = MAX_RETRY_AFTER_MS,
): Outcome {
  if (status < 400) return { class: 'ok', failover: false, cooldownMs: null, countsAsFailure: false, reason: `HTTP ${status}` };
  if (status === 529 || bodyHint.includes('overloaded_error')) {
    return { class: 'overloaded', failover: true, cooldownMs: OVERLOAD_BACKOFF_MS, countsAsFailure: false, reason: `HTTP ${status} overloaded` };
  }
  if (status === 429) {
    // Capped: one careless `retry-after: 31536000` must not cool a config for a year.
    const wait = Math.min(retryAfterMs(headers, now) ?? DEFAULT_RATE_LIMIT_MS, maxRetryAfterMs);
    return { class: 'rate_limit', failover: true, cooldownMs: wait, countsAsFailure: false, reason: `HTTP 429, retry after ${secondsText(wait)}` };
  }
  if (status === 401 || status === 402 || status === 403) {
    return { class: 'auth', failover: true, cooldownMs: AUTH_COOLDOWN_MS, countsAsFailure: false, reason: `HTTP ${status}: credential rejected` };
  }
  if (status >= 500) return { class: 'server', failover: true, cooldownMs: null, countsAsFailure: true, reason: `HTTP ${status}` };
  return { class: 'client', failover: false, cooldownMs: null, countsAsFailure: false, reason: `HTTP ${status}` };
}

export function classifyTransport(kind: 'network' | 'timeout', reason: string): Outcome {
  return { class: kind, failover: true, cooldownMs: null, countsAsFailure: true, reason };
}

/** A response that broke after bytes reached the client: no failover possible, but a failure all the same. */
export function midStreamFailure(reason: string): Outcome {
  return { class: 'network', failover: false, cooldownMs: null, countsAsFailure: true, reason };
}

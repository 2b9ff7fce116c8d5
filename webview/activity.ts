import type { RequestRecord } from '../src/shared/records.ts';

export interface Activity {
  /** Bucket start times, in seconds (uPlot's x axis). */
  x: number[];
  requests: number[];
  errors: number[];
  tokens: number[];
}

/** Pure: requests, errors and tokens per `stepMs` over the `windowMs` before `now`. */
export function activity(records: readonly RequestRecord[], now: number, windowMs: number, stepMs: number): Activity {
  const n = Math.ceil(windowMs / stepMs);
  const start = Math.floor((now - windowMs) / stepMs) * stepMs;
  const out: Activity = { x: [], requests: [], errors: [], tokens: [] };
  for (let i = 0; i <= n; i++) {
    out.x.push((start + i * stepMs) / 1000);
    out.requests.push(0);
    out.errors.push(0);
    out.tokens.push(0);
  }
  for (const r of records) {
    const i = Math.floor((r.started_at - start) / stepMs);
    if (i < 0 || i > n) continue;
    out.requests[i]!++;
    if (r.error) out.errors[i]!++;
    out.tokens[i]! += r.usage?.total ?? 0;
  }
  return out;
}

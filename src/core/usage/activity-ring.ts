import type { Activity } from '../../shared/dashboard.ts';

/** One second of activity, as the chart reads it. */
export interface ActivityPoint {
  at: number;
  requests: number;
  errors: number;
  tokens: number;
}

/**
 * The last `windowMs` of activity in one-second buckets: requests, errors and tokens per second, in
 * a ring the size of the window. Memory is the window's seconds, whatever the rate (a point per
 * request held a load test's every request for an hour).
 */
export class ActivityRing {
  private readonly seconds: Float64Array;
  private readonly requests: Float64Array;
  private readonly errors: Float64Array;
  private readonly tokens: Float64Array;

  constructor(readonly windowMs: number) {
    const n = Math.ceil(windowMs / 1000) + 1;
    this.seconds = new Float64Array(n).fill(-1);
    this.requests = new Float64Array(n);
    this.errors = new Float64Array(n);
    this.tokens = new Float64Array(n);
  }

  /** A request that started at `at` (epoch ms). One older than the window's reach is not kept. */
  add(at: number, error: boolean, tokens: number): void {
    const second = Math.floor(at / 1000);
    const i = second % this.seconds.length;
    const held = this.seconds[i]!;
    if (held > second) return; // the slot holds a later second: this one left the window
    if (held !== second) {
      this.seconds[i] = second;
      this.requests[i] = 0;
      this.errors[i] = 0;
      this.tokens[i] = 0;
    }
    this.requests[i]!++;
    if (error) this.errors[i]!++;
    this.tokens[i]! += tokens;
  }

  /** The seconds with activity in the window before `now`. */
  points(now: number): ActivityPoint[] {
    const from = Math.floor((now - this.windowMs) / 1000);
    const out: ActivityPoint[] = [];
    for (let i = 0; i < this.seconds.length; i++) {
      const second = this.seconds[i]!;
      if (second < from || this.requests[i] === 0) continue;
      out.push({ at: second * 1000, requests: this.requests[i]!, errors: this.errors[i]!, tokens: this.tokens[i]! });
    }
    return out;
  }

  clear(): void {
    this.seconds.fill(-1);
  }
}

/** Pure: requests, errors and tokens per `stepMs` bucket over the `spanMs` before `now` (the last bucket holds `now`). */
export function activity(points: readonly ActivityPoint[], now: number, spanMs: number, stepMs: number): Activity {
  const n = Math.max(1, Math.ceil(spanMs / stepMs));
  const last = Math.floor(now / stepMs) * stepMs;
  const start = last - (n - 1) * stepMs;
  const out: Activity = { x: [], requests: [], errors: [], tokens: [] };
  for (let i = 0; i < n; i++) {
    out.x.push(start + i * stepMs);
    out.requests.push(0);
    out.errors.push(0);
    out.tokens.push(0);
  }
  for (const p of points) {
    const i = Math.floor((p.at - start) / stepMs);
    if (i < 0 || i >= n) continue;
    out.requests[i]! += p.requests;
    out.errors[i]! += p.errors;
    out.tokens[i]! += p.tokens;
  }
  return out;
}

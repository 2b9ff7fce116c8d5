import { SeedGuard } from './seed-guard.ts';
import type { ConfigToday, OverviewData, ServiceOverview } from '../../shared/dashboard.ts';
import { activity, ActivityRing } from './activity-ring.ts';
import { Median } from './median.ts';
import { isFailover, newerFirst, type RequestRecord } from '../../shared/records.ts';
import { SERVICES, type ServiceName } from '../../shared/services.ts';

const RECENT = 8;

interface ConfigAcc {
  requests: number;
  errors: number;
  cost_usd: number;
  unpriced: number;
  estimated: number;
  durations: Median;
  ttfbs: Median;
  last_error: ConfigToday['last_error'];
}

/**
 * Today's figures per config (requests, errors, cost, median latencies, last error), the last
 * minutes' activity and the last errors and failovers, kept up to date from every finished request
 * instead of read back from the log at each look, in memory that does not grow with the requests. `dayOf` is the local day of an epoch ms; the day's
 * figures start over when it changes. Records from before this owner started come through `seed`.
 */
export class TodayTracker {
  private day = '';
  private configs = new Map<string, ConfigAcc>();
  private readonly window: ActivityRing;
  private recent: RequestRecord[] = [];
  /** So a seed read afterwards counts none twice. */
  private readonly guard: SeedGuard;

  constructor(
    private readonly dayOf: (ms: number) => string,
    /** When this owner started: what started before comes from the log, through `seed`. */
    since: number,
    /** How far back activity is kept. */
    private readonly windowMs = 60 * 60_000,
  ) {
    this.guard = new SeedGuard(since);
    this.window = new ActivityRing(windowMs);
  }

  /** Drops what it folded (prices changed, at `now`): the next view seeds again from the log. */
  forget(now: number): void {
    this.day = '';
    this.configs = new Map();
    this.window.clear();
    this.recent = [];
    this.guard.reset(now);
  }

  get seeded(): boolean {
    return this.guard.seeded;
  }

  /** Ids kept to tell the seed's records from this owner's (only requests in flight when it started). */
  get remembered(): number {
    return this.guard.remembered;
  }

  /** Folds in the records logged before this owner started (any order); once. */
  seed(records: Iterable<RequestRecord>, now: number): void {
    if (this.guard.seeded) return;
    for (const r of records) if (this.guard.fromLog(r)) this.fold(r, now);
    this.guard.finish();
  }

  add(r: RequestRecord, now: number): void {
    this.guard.added(r);
    this.fold(r, now);
  }

  private fold(r: RequestRecord, now: number): void {
    this.roll(now);
    const day = this.dayOf(r.started_at);
    if (day === this.day) {
      const key = `${r.service}\u0000${r.config ?? ''}`;
      let c = this.configs.get(key);
      if (!c)
        this.configs.set(
          key,
          (c = { requests: 0, errors: 0, cost_usd: 0, unpriced: 0, estimated: 0, durations: new Median(), ttfbs: new Median(), last_error: null }),
        );
      c.requests++;
      if (r.error) {
        c.errors++;
        if (!c.last_error || c.last_error.at <= r.started_at) c.last_error = { at: r.started_at, id: r.id, status: r.status, error: r.error };
      }
      if (r.usage) {
        if (r.cost_usd === null) c.unpriced++;
        else {
          c.cost_usd += r.cost_usd;
          if (r.cost_estimated) c.estimated++;
        }
      }
      if (r.status !== null && !r.error) {
        c.durations.add(r.duration_ms);
        if (r.ttfb_ms !== null) c.ttfbs.add(r.ttfb_ms);
      }
    }
    if (r.started_at >= now - this.windowMs) this.window.add(r.started_at, r.error !== null, r.usage?.total ?? 0);
    if (r.error || isFailover(r)) {
      this.recent.push(r);
      this.recent.sort(newerFirst);
      if (this.recent.length > RECENT) this.recent.length = RECENT;
    }
  }

  private roll(now: number): void {
    const day = this.dayOf(now);
    if (day !== this.day) {
      this.day = day;
      this.configs = new Map();
    }
  }

  /** The overview at `now`: activity over the `spanMs` before it, in `stepMs` buckets. */
  view(now: number, spanMs: number, stepMs: number): OverviewData {
    this.roll(now);
    const services = {} as Record<ServiceName, ServiceOverview>;
    for (const service of SERVICES) {
      const configs: Record<string, ConfigToday> = {};
      const durations: Median[] = [];
      const ttfbs: Median[] = [];
      for (const [key, c] of this.configs) {
        const [s, name] = key.split('\u0000') as [string, string];
        if (s !== service) continue;
        durations.push(c.durations);
        ttfbs.push(c.ttfbs);
        configs[name] = {
          requests: c.requests,
          errors: c.errors,
          cost_usd: c.cost_usd,
          unpriced: c.unpriced,
          estimated: c.estimated,
          p50_ms: Median.of([c.durations]),
          p50_ttfb_ms: Median.of([c.ttfbs]),
          last_error: c.last_error,
        };
      }
      services[service] = { p50_ms: Median.of(durations), p50_ttfb_ms: Median.of(ttfbs), configs };
    }
    return { services, activity: activity(this.window.points(now), now, Math.min(spanMs, this.windowMs), stepMs), recent: [...this.recent] };
  }
}

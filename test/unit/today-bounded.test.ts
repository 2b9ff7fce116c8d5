import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActivityRing, activity } from '../../src/core/usage/activity-ring.ts';
import { Median } from '../../src/core/usage/median.ts';
import { TodayTracker } from '../../src/core/usage/today.ts';
import { finished } from '../helpers/records.ts';

const exact = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

test('a median is exact for a day of up to 2,048 values, and within the histogram bucket (2.2%) past it, across configs too', () => {
  const a = new Median();
  const b = new Median();
  const values: number[] = [];
  let x = 7;
  for (let i = 0; i < 1000; i++) {
    x = (x * 48271) % 2147483647;
    const v = (x % 100_000) / 10; // 0 .. 10 s
    values.push(v);
    (i % 2 ? a : b).add(v);
  }
  assert.equal(Median.of([a, b]), exact(values), 'exact while small');
  assert.equal(Median.of([]), null);
  assert.equal(Median.of([new Median()]), null);
  for (let i = 0; i < 20_000; i++) {
    x = (x * 48271) % 2147483647;
    const v = 1 + (x % 10_000) / 10;
    values.push(v);
    a.add(v);
  }
  const got = Median.of([a, b])!;
  const want = exact(values);
  assert.ok(Math.abs(got - want) / want < 0.022, `${got} against ${want}`);
  assert.equal(a.size + b.size, values.length);
});

test('the activity ring counts by the second over its window, forgets a second once the ring comes round, and keeps no point per request', () => {
  const ring = new ActivityRing(60_000);
  const t0 = 1_000_000_000;
  for (let i = 0; i < 100_000; i++) ring.add(t0 + (i % 50) * 1000 + (i % 997), i % 10 === 0, 3);
  const now = t0 + 50_000;
  const points = ring.points(now);
  assert.ok(points.length <= 61, 'at most a point per second of the window');
  const a = activity(points, now, 60_000, 10_000);
  assert.equal(
    a.requests.reduce((s, n) => s + n, 0),
    100_000,
  );
  assert.equal(
    a.errors.reduce((s, n) => s + n, 0),
    10_000,
  );
  assert.equal(
    a.tokens.reduce((s, n) => s + n, 0),
    300_000,
  );
  // Two minutes on: every one of those seconds has left the window, and an old point is not let back in.
  ring.add(t0 + 170_000, false, 1);
  ring.add(t0 + 1_000, false, 1);
  const later = activity(ring.points(t0 + 170_000), t0 + 170_000, 60_000, 10_000);
  assert.equal(
    later.requests.reduce((s, n) => s + n, 0),
    1,
  );
});

test("today's medians and activity stay exact for a person's day", () => {
  const t0 = Date.parse('2026-12-02T09:00:00');
  const t = new TodayTracker(() => '2026-12-02', t0);
  t.seed([], t0);
  const durations = [120, 80, 4000, 950, 33];
  for (const [i, d] of durations.entries()) t.add(finished({ started_at: t0 + i * 1000, duration_ms: d, ttfb_ms: d / 2, config: 'prod' }).record, t0 + 10_000);
  const v = t.view(t0 + 10_000, 30 * 60_000, 60_000);
  assert.equal(v.services.claude.configs.prod!.p50_ms, 120);
  assert.equal(v.services.claude.p50_ttfb_ms, 60);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSince } from '../../src/core/usage/since.ts';
import { localDay } from '../../src/core/time.ts';

test('--since: hours from request rows, days and today from daily totals, a date, all; anything else says what it takes', () => {
  const now = new Date(2026, 11, 7, 9, 30).getTime();
  assert.deepEqual(parseSince('12h', now), { sinceMs: now - 12 * 3_600_000 });
  assert.deepEqual(parseSince('7d', now), { sinceDay: '2026-12-01' });
  assert.deepEqual(parseSince('today', now), { sinceDay: '2026-12-07' });
  assert.deepEqual(parseSince('today', now), parseSince('1d', now));
  assert.equal(localDay(now), '2026-12-07');
  assert.deepEqual(parseSince('2026-11-01', now), { sinceDay: '2026-11-01' });
  assert.deepEqual(parseSince('all', now), {});
  assert.deepEqual(parseSince(undefined, now), {});
  assert.throws(() => parseSince('yesterday', now), /since: expected e\.g\. 12h, 7d, today, 2026-11-01 or all, got "yesterday"/);
  assert.throws(() => parseSince('0d', now), /at least 1d/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localDay } from '../../src/core/time.ts';

test('localDay is the local calendar day, also right across midnight and after the cache warmed', () => {
  const midnight = new Date(2027, 0, 15, 0, 0, 0).getTime();
  assert.equal(localDay(midnight - 30_000), '2027-01-14');
  assert.equal(localDay(midnight - 1), '2027-01-14');
  assert.equal(localDay(midnight), '2027-01-15');
  assert.equal(localDay(midnight + 59_000), '2027-01-15');
  assert.equal(localDay(midnight - 1), '2027-01-14');
  assert.equal(localDay(new Date(2026, 11, 31, 23, 59, 59).getTime()), '2026-12-31');
});

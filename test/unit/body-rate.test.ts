import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyRate } from '../../src/core/store/body-rate.ts';

test('a body rate lets a burst through at once, then its rate per second, and never more than its burst after a pause', () => {
  const rate = new BodyRate(4, 8);
  const takes = (now: number, n: number) => Array.from({ length: n }, () => rate.take(now)).filter(Boolean).length;
  assert.equal(takes(1_000, 20), 8, 'the burst');
  assert.equal(takes(1_250, 5), 1, 'a quarter second refills one');
  assert.equal(takes(1_750, 5), 2);
  assert.equal(takes(60_000, 50), 8, 'a long pause refills the burst, not more');
  assert.equal(takes(59_000, 5), 0, 'a clock that steps back refills nothing');
  assert.equal(takes(60_500, 5), 2, 'and counts from the latest time it saw');
});

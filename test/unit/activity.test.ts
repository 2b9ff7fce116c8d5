import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activity } from '../../webview/activity.ts';
import type { RequestRecord } from '../../src/shared/records.ts';

const rec = (started_at: number, error: string | null, total: number) => ({ started_at, error, usage: total ? { total } : null }) as unknown as RequestRecord;

test('the live chart counts requests, errors and tokens per bucket in the window', () => {
  const now = 1_000_000;
  const a = activity([rec(now - 500, null, 10), rec(now - 900, 'http_500', 0), rec(now - 5_000, null, 7), rec(now - 20_000, null, 99)], now, 10_000, 1_000);
  assert.equal(a.x.length, 11);
  assert.equal(
    a.requests.reduce((s, n) => s + n, 0),
    3,
  );
  assert.equal(
    a.errors.reduce((s, n) => s + n, 0),
    1,
  );
  assert.equal(
    a.tokens.reduce((s, n) => s + n, 0),
    17,
  );
  assert.equal(a.requests.at(-2), 2);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cancel } from '../../src/core/proxy/cancel.ts';

test('a cancellation fires its listeners once, with its reason; a forgotten listener is not called', () => {
  const c = new Cancel();
  const seen: string[] = [];
  c.onCancel((r) => seen.push(`a:${r.message}`));
  const forget = c.onCancel(() => seen.push('b'));
  forget();
  assert.equal(c.cancelled, false);
  c.cancel(new Error('the client went away'));
  c.cancel(new Error('again'));
  assert.deepEqual(seen, ['a:the client went away']);
  assert.equal(c.reason?.message, 'the client went away');
  // Asking after the fact answers at once.
  c.onCancel((r) => seen.push(`late:${r.message}`));
  assert.deepEqual(seen, ['a:the client went away', 'late:the client went away']);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LiveStart } from '../../src/shared/dashboard.ts';
import type { RequestRecord } from '../../src/shared/records.ts';
import { applyLive, type LiveNote, type LiveView } from '../../webview/live-batch.ts';

const start = (id: string) => ({ start: { id, service: 'claude', config: 'a', model: null, path: '/v1/messages', stream: false, started_at: 0 } as LiveStart });
const end = (id: string, tag = '') => ({ end: { id, config: tag } as unknown as RequestRecord });

/** The page's old way: each notification applied on its own. */
function oneByOne(view: LiveView, notes: readonly LiveNote[], keep: number): LiveView {
  let { inflight, records } = view;
  for (const n of notes) {
    if ('start' in n) inflight = new Map(inflight).set(n.start.id, n.start);
    else {
      inflight = new Map(inflight);
      inflight.delete(n.end.id);
      records = [n.end, ...records.filter((r) => r.id !== n.end.id)].slice(0, keep);
    }
  }
  return { inflight, records };
}

test('a batch of live notifications gives the same view as applying them one by one', () => {
  const before: LiveView = { inflight: new Map([['x', start('x').start]]), records: [end('old1').end, end('old2').end, end('x', 'first').end] };
  const batches: LiveNote[][] = [
    [start('a'), start('b'), end('a'), start('c'), end('c'), end('x')],
    [end('b'), end('b', 'again'), start('d')],
    [start('e')],
    [],
    [end('old2', 'redone'), end('f')],
  ];
  for (const keep of [2, 3, 10]) {
    let batched: LiveView = before;
    let single: LiveView = before;
    let ended = 0;
    for (const notes of batches) {
      const next = applyLive(batched, notes, keep);
      ended += next.ended;
      batched = { inflight: next.inflight, records: next.records };
      single = oneByOne(single, notes, keep);
      assert.deepEqual([...batched.inflight.keys()].sort(), [...single.inflight.keys()].sort(), `in flight, keep ${keep}`);
      assert.deepEqual(batched.records, single.records, `records, keep ${keep}`);
    }
    assert.equal(ended, 7, 'every end is counted, repeats included (the Usage page re-reads on it)');
  }
});

test('a batch without ends leaves the records as they were (no re-render of the lists)', () => {
  const view: LiveView = { inflight: new Map(), records: [end('a').end] };
  const next = applyLive(view, [start('b')], 10);
  assert.equal(next.records, view.records);
  assert.equal(next.ended, 0);
  assert.deepEqual([...next.inflight.keys()], ['b']);
  assert.notEqual(next.inflight, view.inflight, 'a new map, so the page sees the change');
});

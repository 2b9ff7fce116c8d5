import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeline, traceLine } from '../../webview/trace-text.ts';

test('the decisions read as one sentence: each config tried, the route, the filter hits', () => {
  const text = timeline({
    config: 'relay-a',
    status: 200,
    model_requested: 'claude-haiku-4-5',
    model_sent: 'claude-sonnet-4-5',
    trace: [
      { kind: 'filters', hits: { db: 1, '#2': 1 } },
      { kind: 'route', model: 'claude-sonnet-4-5', config: null, matched: ['haiku*'] },
      { kind: 'plan', mode: 'pool', candidates: ['relay-2', 'relay-a'], skipped: [] },
      { kind: 'attempt', config: 'relay-2', outcome: 'connection refused', ms: 2 },
      { kind: 'attempt', config: 'relay-a', outcome: 'HTTP 200', ms: 4 },
    ],
  });
  assert.equal(
    text,
    'Tried relay-2: connection refused in 2 ms → relay-a: HTTP 200 in 4 ms; 2 filter hits; route haiku* rewrote the model to claude-sonnet-4-5.',
  );
  assert.equal(timeline({ config: 'a', status: 200, model_requested: null, model_sent: null, trace: [] }), 'Served by the first config tried.');
  // A failed attempt and the config that then served, when the serving one has no attempt line.
  assert.equal(
    timeline({ config: 'b', status: 200, model_requested: null, model_sent: null, trace: [{ kind: 'attempt', config: 'a', outcome: 'HTTP 500', ms: 5 }] }),
    'Tried a: HTTP 500 in 5 ms → b: 200.',
  );
  assert.equal(
    traceLine({ kind: 'attempt', config: 'a', outcome: 'HTTP 429, retry after 5 s; cooling down 5 s', ms: 3 }),
    'Tried a: HTTP 429, retry after 5 s; cooling down 5 s (3 ms)',
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packRecord, unpackRecord } from '../../src/core/store/record-codec.ts';
import { finished } from '../helpers/records.ts';

test('a record packs to well under half its keyed JSON and comes back equal', () => {
  const r = finished().record;
  const packed = JSON.stringify(packRecord(r));
  assert.ok(packed.length * 2 < JSON.stringify(r).length, `${packed.length} against ${JSON.stringify(r).length} bytes`);
  assert.deepEqual(unpackRecord(JSON.parse(packed)), r);
});

test('every field survives: rewritten and answered models, nulls, a trace, shed bodies', () => {
  const rows = [
    finished({ model_sent: 'glm-4.6', model_answered: 'glm-4.6-0925', trace: [{ kind: 'attempt', config: '中转站 🚀', outcome: 'http 529', ms: 12 }] }).record,
    finished({
      model_requested: null,
      model_sent: null,
      model_answered: 'm',
      usage: null,
      cost_usd: null,
      status: null,
      ttfb_ms: null,
      session_id: null,
      config: null,
    }).record,
    finished({
      stream: false,
      error: 'stream_incomplete',
      bodies_shed: true,
      usage: { input: 1, cached_create: 0, cached_read: 0, output: 2, reasoning: 3, total: 6, cache_5m: null, cache_1h: null },
    }).record,
    finished({ model_answered: null }).record,
  ];
  for (const r of rows) assert.deepEqual(unpackRecord(JSON.parse(JSON.stringify(packRecord(r)))), r);
});

test('a damaged packed value is no record, not a throw', () => {
  for (const bad of [null, 'x', [], [1, 2, 3], { id: 'a' }]) assert.equal(unpackRecord(bad), null);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packedRecordText, packRecord, unpackRecord } from '../../src/core/store/record-codec.ts';
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

test('the line text is exactly JSON.stringify of the packed record, whatever a string holds (quotes, control characters, Chinese, emoji, a lone surrogate) and whatever a number is', () => {
  const odd = [
    'plain',
    'say "hi"',
    'back\\slash',
    'tab\tnew\nline\u0000',
    'del\u007f',
    '中转站 🚀',
    'lone \ud800 half',
    '\u2028\u2029',
    '',
    '/v1/messages?beta=true',
  ];
  const rows = odd.flatMap((s, i) => [
    finished({ config: s, model_requested: s, model_sent: `${s}-x`, model_answered: s, path: s || '/', session_id: s, client: s, error: i % 2 ? s : null })
      .record,
    finished({
      id: s || 'id',
      method: 'POST',
      duration_ms: [0.001, 12.345, 1e21, -0, Number.NaN, Number.POSITIVE_INFINITY][i % 6]!,
      ttfb_ms: i % 3 ? null : 1 / 3,
      cost_usd: i % 4 ? 0.0000123 : null,
      ...(i % 2 === 0 ? { cost_estimated: true as const } : {}),
      trace: i % 2 ? [{ kind: 'strip', removed: 2, reason: s }] : null,
      usage: {
        input: i,
        cached_create: 2,
        cached_read: 3,
        output: i === 3 ? Number.NaN : 4,
        reasoning: 0,
        total: 9,
        cache_5m: i % 2 ? null : 1,
        cache_1h: null,
      },
    }).record,
  ]);
  for (const r of rows)
    for (const shed of [false, true]) assert.equal(packedRecordText(r, shed), JSON.stringify(packRecord(r, shed)), JSON.stringify(r.config));
});

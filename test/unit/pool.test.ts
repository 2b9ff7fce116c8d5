import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UpstreamConfig } from '../../src/core/config/schema.ts';
import { classifyStatus, classifyTransport, retryAfterMs, type Outcome } from '../../src/core/pool/classify.ts';
import { availability, disableToday, emptyHealth, purgeOldDisables, recordOutcome, resetHealth, type ServiceHealth } from '../../src/core/pool/health.ts';
import { selectCandidates, type SelectInput } from '../../src/core/pool/select.ts';
import { upstreamConfig } from '../helpers/config.ts';

const cfg = (name: string, weight: number, active = false): UpstreamConfig => upstreamConfig({ name, weight, active });
const A = cfg('a', 10);
const B = cfg('b', 5, true);
const C = cfg('c', 1);
const T0 = 1_800_000_000_000;
const TODAY = '2027-01-15';

function plan(over: Partial<SelectInput>) {
  const p = selectCandidates({
    entries: [C, A, B],
    active: B,
    mode: 'pool',
    order: 'priority',
    health: emptyHealth(),
    now: T0,
    today: TODAY,
    random: () => 0,
    sticky: null,
    pinned: null,
    ...over,
  });
  return { picks: p.candidates.map((c) => c.name), skipped: p.skipped.map((s) => `${s.name}: ${s.why}`) };
}

const fail = (reason = 'HTTP 500'): Outcome => classifyStatus(500, {}, T0, reason);
const ok: Outcome = classifyStatus(200, {}, T0);

function after(...steps: Array<[string, Outcome, number]>): ServiceHealth {
  return steps.reduce((h, [name, outcome, at]) => recordOutcome(h, name, outcome, at), emptyHealth());
}

const table: Array<[string, Partial<SelectInput>, string[]]> = [
  ['priority: highest weight first, every healthy config as a failover', {}, ['a', 'b', 'c']],
  ['active mode: the active config alone', { mode: 'active' }, ['b']],
  ['active mode with no config: nothing', { mode: 'active', active: null, entries: [] }, []],
  ['weighted, random 0: first pick is the heaviest', { order: 'weighted', random: () => 0 }, ['a', 'b', 'c']],
  ['weighted, random 0.99: first pick is the lightest', { order: 'weighted', random: () => 0.99 }, ['c', 'b', 'a']],
  ['weighted, random 0.7 (a holds 10/16 of the weight): b, then a (10/11 of the rest)', { order: 'weighted', random: () => 0.7 }, ['b', 'a', 'c']],
  ['a sticky session keeps its upstream first', { sticky: 'c' }, ['c', 'a', 'b']],
  ['a sticky upstream that is unknown changes nothing', { sticky: 'gone' }, ['a', 'b', 'c']],
  ['two failures are not yet an exclusion', { health: after(['a', fail(), T0], ['a', fail(), T0]) }, ['a', 'b', 'c']],
  ['three consecutive failures exclude', { health: after(['a', fail(), T0], ['a', fail(), T0], ['a', fail(), T0]) }, ['b', 'c']],
  ['a success in between resets the count', { health: after(['a', fail(), T0], ['a', fail(), T0], ['a', ok, T0], ['a', fail(), T0]) }, ['a', 'b', 'c']],
  [
    'after the 10-minute cool-down the excluded config is back as a probe',
    { now: T0 + 10 * 60_000, health: after(['a', fail(), T0], ['a', fail(), T0], ['a', fail(), T0]) },
    ['a', 'b', 'c'],
  ],
  ['429 cools the config until retry-after', { now: T0 + 5_000, health: after(['a', classifyStatus(429, { 'retry-after': '20' }, T0), T0]) }, ['b', 'c']],
  [
    '…and it is back once retry-after has passed',
    { now: T0 + 20_001, health: after(['a', classifyStatus(429, { 'retry-after': '20' }, T0), T0]) },
    ['a', 'b', 'c'],
  ],
  ['529 backs off briefly (15 s), without counting as a failure', { now: T0 + 1000, health: after(['a', classifyStatus(529, {}, T0), T0]) }, ['b', 'c']],
  ['401 marks the credential bad for a long cool-down', { now: T0 + 20 * 60_000, health: after(['b', classifyStatus(401, {}, T0), T0]) }, ['a', 'c']],
  [
    '400 costs nothing',
    { health: after(['a', classifyStatus(400, {}, T0), T0], ['a', classifyStatus(400, {}, T0), T0], ['a', classifyStatus(400, {}, T0), T0]) },
    ['a', 'b', 'c'],
  ],
  ['disabled today is skipped today', { health: disableToday(emptyHealth(), 'a', TODAY) }, ['b', 'c']],
  ['…and not tomorrow', { today: '2027-01-16', health: disableToday(emptyHealth(), 'a', TODAY) }, ['a', 'b', 'c']],
  ['a pinned config is the only candidate', { pinned: ['c'] }, ['c']],
  ['a pinned sub-pool is tried in pool order', { pinned: ['c', 'b'] }, ['b', 'c']],
  ['a pinned sub-pool skips its unavailable members', { pinned: ['c', 'b'], health: disableToday(emptyHealth(), 'b', TODAY) }, ['c']],
  ['a pin holds in active mode too', { mode: 'active', pinned: ['a'] }, ['a']],
  [
    'all down: nothing, never a silent fallback',
    {
      health: after(
        ...['a', 'b', 'c'].flatMap(
          (n) =>
            [
              [n, fail(), T0],
              [n, fail(), T0],
              [n, fail(), T0],
            ] as Array<[string, Outcome, number]>,
        ),
      ),
    },
    [],
  ],
];

for (const [name, input, picks] of table) {
  test(`select: ${name}`, () => assert.deepEqual(plan(input).picks, picks));
}

test('every skipped config says why', () => {
  const p = plan({
    now: T0 + 1000,
    health: after(['a', classifyStatus(429, { 'retry-after': '20' }, T0), T0], ['b', fail(), T0], ['b', fail(), T0], ['b', fail(), T0]),
  });
  assert.deepEqual(p.skipped, ['a: cooling down 19 s (HTTP 429, retry after 20 s)', 'b: 3 consecutive failures (HTTP 500), back in 599 s']);
  assert.deepEqual(plan({ pinned: ['zz'] }).skipped, ['zz: pinned by a routing rule but no config has that name']);
});

const classes: Array<[number, Record<string, string>, string, boolean, boolean]> = [
  // status, headers, class, failover, counts as failure
  [200, {}, 'ok', false, false],
  [400, {}, 'client', false, false],
  [404, {}, 'client', false, false],
  [413, {}, 'client', false, false],
  [401, {}, 'auth', true, false],
  [403, {}, 'auth', true, false],
  [429, { 'retry-after': '3' }, 'rate_limit', true, false],
  [529, {}, 'overloaded', true, false],
  [500, {}, 'server', true, true],
  [502, {}, 'server', true, true],
  [503, {}, 'server', true, true],
];
for (const [status, headers, cls, failover, counts] of classes) {
  test(`classify: HTTP ${status} is ${cls}`, () => {
    const o = classifyStatus(status, headers, T0);
    assert.deepEqual([o.class, o.failover, o.countsAsFailure], [cls, failover, counts]);
  });
}

test('classify: an overloaded_error body is overload whatever the status; transport errors fail over', () => {
  assert.equal(classifyStatus(503, {}, T0, '{"type":"error","error":{"type":"overloaded_error"}}').class, 'overloaded');
  assert.deepEqual([classifyTransport('timeout', 'x').failover, classifyTransport('network', 'x').countsAsFailure], [true, true]);
});

test('retry-after in ms, seconds or an HTTP date', () => {
  assert.equal(retryAfterMs({ 'retry-after-ms': '1500' }, T0), 1500);
  assert.equal(retryAfterMs({ 'retry-after': '7' }, T0), 7000);
  assert.equal(retryAfterMs({ 'retry-after': new Date(T0 + 60_000).toUTCString() }, T0), 60_000);
  assert.equal(retryAfterMs({}, T0), null);
});

test('health: reset clears failures and cool-downs but not daily disables; old disables are purged', () => {
  let h = after(['a', fail(), T0], ['a', fail(), T0], ['a', fail(), T0], ['b', classifyStatus(429, {}, T0), T0]);
  h = disableToday(h, 'c', TODAY);
  const one = resetHealth(h, 'a');
  assert.equal(availability(one, 'a', T0, TODAY).ok, true);
  assert.equal(availability(one, 'b', T0, TODAY).ok, false);
  const all = resetHealth(h);
  assert.deepEqual([availability(all, 'a', T0, TODAY).ok, availability(all, 'b', T0, TODAY).ok, availability(all, 'c', T0, TODAY).ok], [true, true, false]);
  assert.deepEqual(purgeOldDisables(h, '2027-01-16').manualDisabledUntil, {});
  const probe = availability(after(['a', fail(), T0], ['a', fail(), T0], ['a', fail(), T0]), 'a', T0 + 600_000, TODAY);
  assert.deepEqual(probe, { ok: true, probe: true });
  const reExcluded = recordOutcome(after(['a', fail(), T0], ['a', fail(), T0], ['a', fail(), T0]), 'a', fail(), T0 + 600_000);
  assert.equal(availability(reExcluded, 'a', T0 + 600_001, TODAY).ok, false, 'a failed probe excludes again at once');
});

test('a success on a clean config changes nothing (no copy, nothing to save)', () => {
  const h = emptyHealth();
  assert.equal(recordOutcome(h, 'a', ok, T0), h);
  const dirty = after(['a', fail(), T0]);
  assert.notEqual(recordOutcome(dirty, 'a', ok, T0), dirty);
  assert.deepEqual(recordOutcome(dirty, 'a', ok, T0).currentFailures, {});
});

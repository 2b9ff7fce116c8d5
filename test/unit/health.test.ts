import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memberHealth, overallHealth, serviceHealth } from '../../src/shared/health.ts';
import type { PoolMember, PoolStatus } from '../../src/shared/pool.ts';
import type { ServiceStatus } from '../../src/shared/status.ts';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const svc = (over: Partial<ServiceStatus> = {}): ServiceStatus => ({
  running: true,
  port: 3210,
  url: 'http://127.0.0.1:3210',
  active: 'a',
  placeholder: false,
  config: { file: '/h/claude.json', ok: true, error: null, configs: 2 },
  ...over,
});
const m = (name: string, over: Partial<PoolMember> = {}): PoolMember => ({
  name,
  weight: 1,
  active: name === 'a',
  available: true,
  why: null,
  failures: 0,
  disabledToday: false,
  lastError: null,
  lastFailure: null,
  lastOkAt: null,
  ...over,
});
const pool = (mode: 'active' | 'pool', members: PoolMember[]): PoolStatus => ({
  service: 'claude',
  mode,
  order: 'priority',
  failureThreshold: 3,
  autoResetMinutes: 10,
  members,
});

test('a config is red when it may not take requests, yellow while it cools down or just failed, green otherwise', () => {
  assert.equal(memberHealth(m('a'), NOW).level, 'ok');
  assert.equal(memberHealth(m('a', { available: false, why: 'disabled for today' }), NOW).level, 'bad');
  assert.equal(memberHealth(m('a', { available: false, why: 'cooling down 20 s (HTTP 429, retry after 20 s)' }), NOW).level, 'warn');
  const failed = m('a', { lastFailure: { reason: 'HTTP 401: credential rejected', at: NOW - 60_000 } });
  assert.deepEqual(memberHealth(failed, NOW), { level: 'warn', text: 'last request failed: HTTP 401: credential rejected' });
  assert.equal(memberHealth({ ...failed, lastOkAt: NOW - 1000 }, NOW).level, 'ok', 'a success since clears it');
  assert.equal(memberHealth(failed, NOW + 3_600_000).level, 'ok', 'an old failure is history, not health');
  assert.equal(memberHealth({ ...failed, lastFailure: { ...failed.lastFailure!, cleared: true } }, NOW).level, 'ok', 'a reset clears it too');
});

test('a service is green only when what serves can serve', () => {
  assert.equal(serviceHealth(svc(), pool('active', [m('a'), m('b')]), NOW).level, 'ok');
  assert.equal(serviceHealth(svc({ placeholder: true, active: null }), pool('active', []), NOW).level, 'warn');
  const broken = serviceHealth(
    svc({ config: { file: '/h/claude.json', ok: false, error: 'claude.json: line 5, column 3: not valid JSON', configs: 2 } }),
    pool('active', [m('a')]),
    NOW,
  );
  assert.deepEqual(broken, { level: 'warn', text: 'serving with a; claude.json is broken: the last good version serves' });
  const cooling = serviceHealth(svc(), pool('pool', [m('a'), m('b', { available: false, why: 'cooling down 5 s (HTTP 429)' })]), NOW);
  assert.deepEqual(cooling, { level: 'warn', text: 'pool: 1 of 2 configs can serve' });
  const none = serviceHealth(
    svc(),
    pool('pool', [m('a', { available: false, why: 'disabled for today' }), m('b', { available: false, why: 'cooling down 5 s' })]),
    NOW,
  );
  assert.equal(none.level, 'bad');
  assert.equal(serviceHealth(svc({ running: false }), null, NOW).level, 'bad');
});

test('overall: a service with no config counts only when neither has one', () => {
  const services = { claude: svc(), codex: svc({ placeholder: true, active: null }) };
  assert.equal(overallHealth(services, { claude: pool('active', [m('a')]) }, NOW).level, 'ok');
  assert.equal(overallHealth({ claude: svc({ placeholder: true, active: null }), codex: svc({ placeholder: true, active: null }) }, {}, NOW).level, 'warn');
  const out = overallHealth(services, { claude: pool('pool', [m('a', { available: false, why: 'disabled for today' })]) }, NOW);
  assert.equal(out.level, 'bad');
  assert.match(out.problems[0]!.text, /no config can serve/);
});

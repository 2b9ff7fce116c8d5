import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { classifyStatus } from '../../src/core/pool/classify.ts';
import { Pool } from '../../src/core/pool/pool.ts';
import { createMemoryLogger } from '../../src/core/log.ts';
import { parseHealthRow } from '../../src/core/team/health-events.ts';
import { endOf, Outbox } from '../../src/core/team/outbox.ts';
import { teamUsageOf } from '../../src/core/team/queries.ts';
import { accountFingerprint, insertRequests, REQUEST_COLUMNS, requestRow, safeUrl, scrubPassword } from '../../src/core/team/rows.ts';
import { migrationsFrom, SCHEMA_VERSION } from '../../src/core/team/schema.ts';
import { finished } from '../helpers/records.ts';

const rec = (over: Parameters<typeof finished>[0] = {}) => finished(over).record;

test('outbox: shipped records leave and move the cursor; past the cap they are counted and read back from the log; a record is queued once', () => {
  const box = new Outbox(1_000, 3);
  const rs = [1, 2, 3, 4, 5].map((i) => rec({ id: `r${i}`, started_at: 10_000 + i * 100, duration_ms: 50 }));
  for (const r of rs) box.add(r);
  box.add(rs[0]!);
  assert.equal(box.size, 3, 'three fit, the rest are only remembered');
  assert.equal(box.needsReadBack(), null, 'nothing to read back while the queue holds records');
  assert.equal(box.cursor(), 1_000);
  box.shipped(box.next(2), 20_000);
  assert.equal(box.cursor(), endOf(rs[2]!), 'the cursor stops at the oldest record still waiting');
  box.shipped(box.next(10), 20_000);
  assert.equal(box.cursor(), endOf(rs[3]!), 'and never passes a record dropped at the cap');
  assert.equal(box.needsReadBack(), endOf(rs[3]!));
  // The log read back: everything from the dropped one on comes back, shipped ones are not re-queued.
  box.readBack([rs[4]!, rs[3]!, rec({ id: 'old', started_at: 5_000, duration_ms: 1 })]);
  assert.deepEqual(
    box.next(10).map((r) => r.id),
    ['r4', 'r5'],
  );
  box.shipped(box.next(10), 30_000);
  assert.equal(box.cursor(), 30_000);
  assert.equal(box.needsReadBack(), null);
  box.shipped([], 25_000);
  assert.equal(box.cursor(), 30_000, 'the cursor never goes back');
});

test('requestRow: figures only, every value within the table checks; a bad record is clamped, never refused', () => {
  const r = rec({
    id: 'x'.repeat(80),
    config: '中转站 🚀',
    error: 'e'.repeat(300),
    cost_usd: Number.NaN,
    usage: { input: -5, cached_create: 1.7, cached_read: 0, output: 10, reasoning: 0, total: 12, cache_5m: null, cache_1h: null },
  });
  const row = requestRow(r, { member: 'alice', machine: 'laptop' }, 'a'.repeat(32));
  assert.equal(row.length, REQUEST_COLUMNS.length);
  const v = Object.fromEntries(REQUEST_COLUMNS.map((c, i) => [c, row[i]]));
  assert.equal((v.id as string).length, 64);
  assert.equal(v.config, '中转站 🚀');
  assert.equal((v.error as string).length, 100);
  assert.equal(v.input, 0);
  assert.equal(v.cached_create, 2);
  assert.equal(v.cost_usd, null);
  assert.equal(v.request_body, null);
  assert.equal(v.response_body, null);
  const sql = insertRequests('clp', [row, row]);
  assert.match(sql.text, /^INSERT INTO clp\.requests \(member,id,.*\) VALUES \(\$1,.*\$50\) ON CONFLICT \(member, id\) DO NOTHING$/);
  assert.equal(sql.values.length, 50);
});

test('account fingerprint: the same account on two machines is one; another key, another URL is another; the key is not in it', () => {
  const k = 'team-key';
  const a = accountFingerprint(k, 'https://relay.example/api/', 'sk-abc');
  assert.equal(a, accountFingerprint(k, 'https://relay.example/api', 'sk-abc'));
  assert.notEqual(a, accountFingerprint(k, 'https://relay.example/api', 'sk-abd'));
  assert.notEqual(a, accountFingerprint('other-team', 'https://relay.example/api', 'sk-abc'));
  assert.match(a, /^[0-9a-f]{32}$/);
});

test('the URL password is hidden in what is shown and in error texts', () => {
  assert.equal(safeUrl('postgres://clp:s3cr%40t@db:5432/team?sslmode=verify-full'), 'postgres://clp:***@db:5432/team?sslmode=verify-full');
  assert.equal(safeUrl('postgres://db/team'), 'postgres://db/team');
  assert.equal(safeUrl('not a url user:pw@host password=pw'), 'not a url user:pw@host password=***');
  assert.equal(scrubPassword('password authentication failed: s3cr@t', 'postgres://clp:s3cr%40t@db/team'), 'password authentication failed: ***');
});

test("team usage rows: a member's odd row (negative, NaN, unknown service) cannot break the totals", () => {
  const r = teamUsageOf('member', [
    { service: 'claude', k: 'alice', requests: '2', total: '100', cost_usd: 0.5, unpriced: '0', estimated: '1' },
    { service: 'claude', k: 'mallory', requests: '1', total: 'NaN', cost_usd: -3 },
    { service: 'gopher', k: 'x', requests: '9' },
    { service: 'codex', k: null, requests: '1', total: '7' },
  ]);
  assert.equal(r.services.claude.total.requests, 3);
  assert.equal(r.services.claude.total.total, 100);
  assert.equal(r.services.claude.total.cost_usd, 0.5);
  assert.equal(r.services.claude.groups.alice!.estimated, 1);
  assert.equal(r.services.codex.groups['(none)']!.total, 7);
  assert.deepEqual(Object.keys(r.services), ['claude', 'codex', 'gemini']);
});

test('health rows are checked before they touch a pool', () => {
  const good = {
    seq: '3',
    at: new Date(1000),
    member: 'bob',
    machine: 'devbox',
    service: 'claude',
    account: 'b'.repeat(32),
    kind: 'cooldown',
    until: new Date(5000),
    reason: 'HTTP 429',
  };
  assert.deepEqual(parseHealthRow(good), {
    seq: 3,
    at: 1000,
    member: 'bob',
    machine: 'devbox',
    service: 'claude',
    account: 'b'.repeat(32),
    kind: 'cooldown',
    until: 5000,
    reason: 'HTTP 429',
  });
  assert.equal(parseHealthRow({ ...good, kind: 'drop_table' }), null);
  assert.equal(parseHealthRow({ ...good, account: 'sk-live-key' }), null);
  assert.equal(parseHealthRow({ ...good, service: 'gopher' }), null);
  assert.equal(parseHealthRow({ ...good, until: 'never' }), null);
});

test('migrations: one per version, in order, into the named schema', () => {
  assert.equal(migrationsFrom('clp', 0).length, SCHEMA_VERSION);
  assert.deepEqual(migrationsFrom('clp', SCHEMA_VERSION), []);
  assert.match(migrationsFrom('team_a', 0)[0]!, /CREATE TABLE team_a\.requests/);
});

test("pool: a 429 is told to the team in any mode; another member's event cools the config here with who saw it, and is not told again", async () => {
  let now = 1_000_000;
  const pool = new Pool(join(mkdtempSync(join(tmpdir(), 'clp-pool-')), 'lb_config.json'), createMemoryLogger(), () => now);
  await pool.start();
  const told: unknown[] = [];
  pool.onAccountEvent = (service, name, e) => told.push({ service, name, ...e });
  pool.report('claude', 'relay', classifyStatus(429, { 'retry-after': '30' }, now));
  assert.deepEqual(told, [{ service: 'claude', name: 'relay', kind: 'cooldown', until: now + 30_000, reason: 'HTTP 429, retry after 30 s' }]);
  pool.report('claude', 'relay', classifyStatus(401, {}, now));
  assert.equal((told[1] as { kind: string }).kind, 'credential');
  pool.report('claude', 'relay', classifyStatus(500, {}, now));
  assert.equal(told.length, 2, 'a 5xx is not the account’s');
  pool.applyRemote('claude', 'shared', { kind: 'cooldown', until: now + 20_000, reason: 'HTTP 429, retry after 20 s', member: 'alice on laptop' });
  assert.equal(told.length, 2);
  pool.setMode('claude', 'pool');
  const snapshot = { entries: [{ name: 'shared', weight: 1 }], active: { name: 'shared' } } as never;
  const member = pool.status('claude', snapshot).members[0]!;
  assert.equal(member.available, false);
  assert.match(member.why!, /^cooling down 20 s \(HTTP 429, retry after 20 s, seen by alice on laptop\)$/);
  now += 21_000;
  assert.equal(pool.status('claude', snapshot).members[0]!.available, true, 'back when the cool-down it was told ends');
  pool.applyRemote('claude', 'shared', { kind: 'cooldown', until: now - 1, reason: 'old', member: 'x' });
  assert.equal(pool.status('claude', snapshot).members[0]!.available, true, 'an event already over changes nothing');
  await pool.close();
});

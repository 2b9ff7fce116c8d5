import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clp, envFor } from '../helpers/cli.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';
import { TestPostgres } from '../helpers/postgres.ts';
import { DEFAULT_USAGE } from '../fixtures/anthropic.ts';

/**
 * Team mode against a real PostgreSQL: two owners (two CLP_HOMEs, their own ports) share one
 * database; records without bodies are shipped off the request path, account health crosses over.
 */
let db: TestPostgres;
before(async () => {
  db = await TestPostgres.start();
});
after(async () => {
  await db?.close();
});

const SHARED_KEY = 'sk-shared-team-key-aaaaaaaaaaaaaaaa';
const PROMPT = 'the secret prompt text 7f3a';
const TOKENS = DEFAULT_USAGE.input_tokens + DEFAULT_USAGE.cache_creation_input_tokens + DEFAULT_USAGE.cache_read_input_tokens + DEFAULT_USAGE.output_tokens;

const ask = (url: string, session?: string) =>
  new Anthropic({
    baseURL: url,
    apiKey: 'placeholder',
    maxRetries: 0,
    ...(session ? { defaultHeaders: { 'x-claude-code-session-id': session } } : {}),
  }).messages.create({
    model: 'claude-opus-5-5',
    max_tokens: 8,
    messages: [{ role: 'user', content: PROMPT }],
  });

async function teamRows(member: string): Promise<{ n: number; distinct: number; total: number }> {
  const r = await db.query<{ n: string; d: string; t: string }>(
    'SELECT count(*) n, count(DISTINCT id) d, coalesce(sum(total), 0) t FROM clp.requests WHERE member = $1',
    [member],
  );
  return { n: Number(r.rows[0]!.n), distinct: Number(r.rows[0]!.d), total: Number(r.rows[0]!.t) };
}

test('two owners on one database: team usage per member equals what the upstreams sent; no key, prompt or answer in any table; rows cannot be rewritten', async () => {
  const shared = await FakeUpstream.start('anthropic', 'shared');
  const homeA = await tempHome();
  const homeB = await tempHome();
  await writeConfig(homeA.home, 'claude', { relay: { base_url: shared.baseUrl, auth_token: SHARED_KEY, active: true } });
  await writeConfig(homeB.home, 'claude', { 中转: { base_url: shared.baseUrl, auth_token: SHARED_KEY, active: true } });
  const a = await startCore(homeA.home, { team: { url: db.url, member: 'alice', machine: 'laptop' } });
  const b = await startCore(homeB.home, { team: { url: db.url, member: 'bob', machine: 'devbox' } });
  try {
    for (let i = 0; i < 5; i++) await ask(a.urls.claude, 'sess-alice-1');
    for (let i = 0; i < 3; i++) await ask(b.urls.claude);
    assert.ok(await eventually(async () => (await teamRows('alice')).n === 5 && (await teamRows('bob')).n === 3, 10_000), 'shipped within seconds');
    const envA = envFor(homeA.home, a.ports());
    const asked = await clp(['usage', '--team', '--by', 'member', '--json'], envA);
    assert.equal(asked.code, 0, asked.stderr);
    const byMember = JSON.parse(asked.stdout);
    assert.equal(byMember.services.claude.groups.alice.requests, 5);
    assert.equal(byMember.services.claude.groups.alice.total, 5 * TOKENS);
    assert.equal(byMember.services.claude.groups.bob.total, 3 * TOKENS);
    assert.equal(byMember.services.claude.total.total, 8 * TOKENS);
    assert.ok(byMember.services.claude.groups.alice.cost_usd > 0, 'priced');
    const table = await clp(['usage', '--team', '--by', 'config'], envA);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ {2}中转 +3 +0 /m, 'config names as typed, Chinese included');
    const status = await clp(['status'], envA);
    assert.match(status.stdout, /team: up as alice on laptop, postgres:\/\/clp_team:\*\*\*@127\.0\.0\.1:\d+\/clp, backlog 0/);
    assert.doesNotMatch(status.stdout, new RegExp(db.teamPassword));
    // The same account on both machines has one fingerprint, and no key anywhere.
    const accounts = await db.query<{ account: string }>('SELECT DISTINCT account FROM clp.requests');
    assert.equal(accounts.rowCount, 1);
    assert.match(accounts.rows[0]!.account, /^[0-9a-f]{32}$/);
    const dump = JSON.stringify([
      (await db.query('SELECT * FROM clp.requests')).rows,
      (await db.query('SELECT * FROM clp.health')).rows,
      (await db.query("SELECT * FROM clp.meta WHERE key <> 'fingerprint_key'")).rows,
    ]);
    for (const secret of [SHARED_KEY, SHARED_KEY.slice(-12), PROMPT, 'Hello from shared', db.teamPassword])
      assert.ok(!dump.includes(secret), `${secret} is in the database`);
    assert.ok(dump.includes('sess-alice-1'), 'session ids are shared');
    // Append-only for members: no update or delete goes through, whoever's rows they are.
    const upd = await db.query("UPDATE clp.requests SET cost_usd = 0 WHERE member = 'bob'", [], db.url);
    const del = await db.query('DELETE FROM clp.requests', [], db.url);
    assert.equal(upd.rowCount, 0);
    assert.equal(del.rowCount, 0);
    assert.equal((await teamRows('bob')).n, 3);
    // A malformed row is refused at the door, so no member's figures can break another's view.
    await assert.rejects(
      db.query(
        "INSERT INTO clp.requests (member, id, machine, at, service, config, input, cached_create, cached_read, output, reasoning, total, has_usage, cost_estimated, duration_ms) VALUES ('mallory', 'x1', 'm', now(), 'claude', 'c', -5, 0, 0, 0, 0, 0, true, false, 1)",
        [],
        db.url,
      ),
      /check constraint/,
    );
    assert.ok(!(a.log as unknown as { lines: string[] }).lines.join('\n').includes(db.teamPassword));
  } finally {
    await a.stop();
    await b.stop();
    await shared.close();
    await homeA.cleanup();
    await homeB.cleanup();
  }
});

import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isProcessAlive } from '../../src/core/process.ts';
import type { StatusReport } from '../../src/shared/status.ts';
import { clp, envFor, isolatedEnv } from '../helpers/cli.ts';
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

test('a 429 with retry-after seen by owner A makes owner B skip that account within 5 s, its trace naming who saw it', async () => {
  const shared = await FakeUpstream.start('anthropic', 'shared');
  const backup = await FakeUpstream.start('anthropic', 'backup');
  const homeA = await tempHome();
  const homeB = await tempHome();
  const configs = {
    shared: { base_url: shared.baseUrl, auth_token: SHARED_KEY, weight: 10, active: true },
    backup: { base_url: backup.baseUrl, auth_token: 'sk-backup-bbbbbbbbbbbbbbbbbbbb', weight: 1 },
  };
  await writeConfig(homeA.home, 'claude', configs);
  // B names the same account differently: the fingerprint, not the name, says it is the same.
  await writeConfig(homeB.home, 'claude', { 共享: configs.shared, backup: configs.backup });
  const a = await startCore(homeA.home, { team: { url: db.url, schema: 'clp', member: 'alice', machine: 'laptop' } });
  const b = await startCore(homeB.home, { team: { url: db.url, schema: 'clp', member: 'bob', machine: 'devbox' } });
  try {
    for (const core of [a, b]) core.pool.setMode('claude', 'pool', 'priority');
    await eventually(() => a.status().team?.state === 'up' && b.status().team?.state === 'up', 10_000);
    assert.equal((await ask(b.urls.claude)).content[0]!.type, 'text');
    await ask(a.urls.claude);
    assert.equal(backup.requests.length, 0, 'B uses the shared account while it is healthy');
    shared.behaviour = {
      kind: 'status',
      status: 429,
      body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
      headers: { 'retry-after': '30' },
    };
    await ask(a.urls.claude); // A fails over to its backup and cools the shared account
    const seenAt = Date.now();
    shared.behaviour = { kind: 'ok' };
    const servedBefore = shared.requests.length;
    // B keeps working; within 5 s its requests leave the shared account alone.
    let skippedAt = 0;
    while (Date.now() - seenAt < 8_000) {
      await ask(b.urls.claude);
      await b.requests()!.flush();
      const last = (await b.requests()!.logs({ limit: 1 }))[0]!;
      if (last.config === 'backup') {
        skippedAt = Date.now();
        const plan = last.trace?.find((t) => t.kind === 'plan') as { skipped: Array<{ name: string; why: string }> } | undefined;
        assert.match(plan!.skipped.find((s) => s.name === '共享')!.why, /^cooling down \d+ s \(HTTP 429, retry after 30 s, seen by alice on laptop\)$/);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(skippedAt, 'B skipped the shared account');
    assert.ok(skippedAt - seenAt < 5_000, `B skipped it ${skippedAt - seenAt} ms after A saw the 429`);
    assert.ok(shared.requests.length - servedBefore <= 5, 'few requests reached the limited account meanwhile');
    assert.equal(b.status().team?.applied, 1);
    // The Overview's shared accounts: one account, both members, its cool-down and who saw it.
    const accounts = await b.team()!.accounts();
    const acc = accounts.find((x) => x.config === '共享')!;
    assert.deepEqual(acc.members, ['alice', 'bob']);
    assert.equal(acc.event?.kind, 'cooldown');
    assert.equal(acc.event?.member, 'alice');
    assert.ok(acc.event!.until! > Date.now());
  } finally {
    await a.stop();
    await b.stop();
    await shared.close();
    await backup.close();
    await homeA.cleanup();
    await homeB.cleanup();
  }
});

test('the database stopped in the middle of traffic: every request succeeds; after it restarts the totals match with no duplicate', async () => {
  const up = await FakeUpstream.start('anthropic', 'up');
  const home = await tempHome();
  await writeConfig(home.home, 'claude', { relay: { base_url: up.baseUrl, auth_token: 'sk-relay-cccccccccccccccccccc', active: true } });
  const core = await startCore(home.home, { team: { url: db.url, member: 'carol', machine: 'desk' } });
  try {
    for (let i = 0; i < 4; i++) await ask(core.urls.claude);
    assert.ok(await eventually(async () => (await teamRows('carol')).n === 4, 10_000));
    await db.stopServer();
    const started = Date.now();
    for (let i = 0; i < 6; i++) await ask(core.urls.claude); // served as usual
    const during = Date.now() - started;
    assert.ok(await eventually(() => core.status().team?.state === 'down', 10_000), 'the link says it is down');
    const envC = envFor(home.home, core.ports());
    const status = await clp(['status'], envC);
    assert.match(status.stdout, /team: down as carol on desk, .*backlog 6/);
    assert.doesNotMatch(status.stdout, new RegExp(db.teamPassword));
    const teamUsage = await clp(['usage', '--team'], envC);
    assert.equal(teamUsage.code, 1);
    assert.match(teamUsage.stderr, /^clp: the team database did not answer: /);
    await db.startServer();
    const shipped = await eventually(async () => (await teamRows('carol').catch(() => ({ n: 0 }))).n === 10, 40_000);
    assert.ok(
      shipped,
      `the backlog is shipped: ${JSON.stringify(core.status().team)} ${(core.log as unknown as { lines: string[] }).lines.filter((l) => l.includes('team')).join('\n')}`,
    );
    const rows = await teamRows('carol');
    assert.equal(rows.distinct, 10, 'no duplicate');
    assert.equal(rows.total, 10 * TOKENS);
    assert.equal(core.status().team?.backlog, 0);
    assert.ok(during < 5_000, `requests took ${during} ms with the database down`);
  } finally {
    await core.stop();
    await up.close();
    await home.cleanup();
  }
});

test('kill -9 of an owner with a backlog: once it restarts, every request it acknowledged reaches the database, once', async () => {
  const up = await FakeUpstream.start('anthropic', 'up');
  const home = await tempHome();
  await writeConfig(home.home, 'claude', { relay: { base_url: up.baseUrl, auth_token: 'sk-relay-dddddddddddddddddddd', active: true } });
  const env: NodeJS.ProcessEnv = { ...(await isolatedEnv(home.home)), CLP_TEAM_URL: db.url, CLP_TEAM_MEMBER: 'dave' };
  const url = `http://127.0.0.1:${env.CLP_CLAUDE_PORT}`;
  let pid = 0;
  try {
    assert.equal((await clp(['start'], env)).code, 0);
    for (let i = 0; i < 3; i++) await ask(url);
    assert.ok(await eventually(async () => (await teamRows('dave')).n === 3, 10_000));
    await db.stopServer();
    for (let i = 0; i < 5; i++) await ask(url);
    // Acknowledged: in the log on disk (the log is written and fsync'd within about a second).
    await new Promise((r) => setTimeout(r, 1_500));
    const status = JSON.parse((await clp(['status', '--json'], env)).stdout) as StatusReport;
    pid = status.owner!.pid;
    assert.equal(status.team?.backlog, 5);
    process.kill(pid, 'SIGKILL');
    await eventually(() => !isProcessAlive(pid), 5_000);
    await db.startServer();
    assert.equal((await clp(['start'], env)).code, 0);
    assert.ok(await eventually(async () => (await teamRows('dave')).n === 8, 30_000), 'the backlog came back from the log');
    const rows = await teamRows('dave');
    assert.equal(rows.distinct, 8);
    assert.equal(rows.total, 8 * TOKENS);
    pid = (JSON.parse((await clp(['status', '--json'], env)).stdout) as StatusReport).owner!.pid;
  } finally {
    await clp(['stop'], env);
    if (pid && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    await up.close();
    await home.cleanup();
  }
});

test('team.shareBodies: a member who turns it on shares the bodies as the filters left them; the others share none', async () => {
  const up = await FakeUpstream.start('anthropic', 'up');
  const home = await tempHome();
  await writeConfig(home.home, 'claude', { relay: { base_url: up.baseUrl, auth_token: 'sk-relay-iiiiiiiiiiiiiiiiiiii', active: true } });
  const core = await startCore(home.home, { team: { url: db.url, member: 'grace', shareBodies: true } });
  try {
    await ask(core.urls.claude);
    assert.ok(await eventually(async () => (await teamRows('grace')).n === 1, 10_000));
    const row = (await db.query<{ request_body: string; response_body: string }>("SELECT request_body, response_body FROM clp.requests WHERE member = 'grace'"))
      .rows[0]!;
    assert.ok(row.request_body.includes(PROMPT));
    assert.ok(row.response_body.includes('Hello from up'));
    const others = await db.query("SELECT count(*) n FROM clp.requests WHERE member <> 'grace' AND (request_body IS NOT NULL OR response_body IS NOT NULL)");
    assert.equal(Number(others.rows[0]!.n), 0);
  } finally {
    await core.stop();
    await up.close();
    await home.cleanup();
  }
});

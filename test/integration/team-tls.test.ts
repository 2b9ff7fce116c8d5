import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';
import { TestPostgres } from '../helpers/postgres.ts';

test('team mode over TLS: sslmode=verify-full with the server CA ships over an encrypted connection; without the CA it refuses, and says why without the password', async () => {
  const db = await TestPostgres.start({ tls: true });
  const up = await FakeUpstream.start('anthropic', 'up');
  const good = await tempHome();
  const bad = await tempHome();
  for (const h of [good, bad])
    await writeConfig(h.home, 'claude', { relay: { base_url: up.baseUrl, auth_token: 'sk-tls-hhhhhhhhhhhhhhhhhhhh', active: true } });
  const a = await startCore(good.home, { team: { url: `${db.url}?sslmode=verify-full&sslrootcert=${db.certFile}`, member: 'erin' } });
  const b = await startCore(bad.home, { team: { url: `${db.url}?sslmode=verify-full`, member: 'frank' } });
  try {
    for (const core of [a, b])
      await new Anthropic({ baseURL: core.urls.claude, apiKey: 'x', maxRetries: 0 }).messages.create({
        model: 'claude-opus-5-5',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      });
    assert.ok(await eventually(async () => Number((await db.query("SELECT count(*) n FROM clp.requests WHERE member = 'erin'")).rows[0]!.n) === 1, 10_000));
    const ssl = await db.query<{ ssl: boolean }>("SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'clp'");
    assert.ok(ssl.rowCount! > 0 && ssl.rows.every((r) => r.ssl), 'every CLP connection is encrypted');
    assert.ok(await eventually(() => b.status().team?.state === 'down', 10_000));
    const team = b.status().team!;
    assert.match(team.lastError!, /self[- ]signed certificate/i);
    assert.equal(team.url, `postgres://clp_team:***@127.0.0.1:${db.port}/clp?sslmode=verify-full`);
    assert.ok(!JSON.stringify(team).includes(db.teamPassword));
    assert.equal(Number((await db.query("SELECT count(*) n FROM clp.requests WHERE member = 'frank'")).rows[0]!.n), 0);
    assert.equal(team.backlog, 1, 'its record waits');
  } finally {
    await a.stop();
    await b.stop();
    await up.close();
    await good.cleanup();
    await bad.cleanup();
    await db.close();
  }
});

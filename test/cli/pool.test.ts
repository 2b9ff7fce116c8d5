import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { clp, isolatedEnv } from '../helpers/cli.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';

type Status = { mode: string; order: string; members: Array<{ name: string; weight: number; available: boolean; disabledToday: boolean; why: string | null }> };

test('clp pool through the running owner, then on the files when none runs', async () => {
  const { home, cleanup } = await tempHome();
  await writeConfig(home, 'claude', {
    a: { base_url: 'http://127.0.0.1:9/a', weight: 10, mine: 1 },
    b: { base_url: 'http://127.0.0.1:9/b', weight: 5 },
    c: { base_url: 'http://127.0.0.1:9/c', weight: 1, active: true },
  });
  const env = await isolatedEnv(home);
  try {
    assert.equal((await clp(['start'], env)).code, 0);
    const show = async () => JSON.parse((await clp(['pool', 'claude', '--json'], env)).stdout) as Status;
    assert.deepEqual(
      (await show()).members.map((m) => m.name),
      ['a', 'b', 'c'],
    );
    assert.equal((await show()).mode, 'active');
    // In active mode a dead upstream counts nothing, but its last error and time show.
    const refused = await fetch(`http://127.0.0.1:${env.CLP_CLAUDE_PORT}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', max_tokens: 1, messages: [] }),
    });
    assert.equal(refused.status >= 500, true);
    assert.match((await clp(['pool', 'claude'], env)).stdout, /\* c +weight +1 +failures 0 +ok +last error \d\d:\d\d:\d\d: /);
    assert.equal((await clp(['pool', 'claude', 'mode', 'pool'], env)).code, 0);
    assert.equal((await show()).mode, 'pool');
    const disabled = await clp(['pool', 'claude', 'disable-today', 'a'], env);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, /a +weight +10 +failures 0 +disabled for today/);
    assert.equal((await clp(['pool', 'claude', 'pin', 'c'], env)).code, 0);
    const file = JSON.parse(await readFile(join(home, 'claude.json'), 'utf8'));
    assert.deepEqual([file.c.weight, file.a.weight, file.b.weight, file.a.mine], [1000, 999, 998, 1]);
    assert.equal((await clp(['pool', 'claude', 'disable-today', 'nope'], env)).code, 1);
    const bad = await clp(['pool', 'claude', 'explode'], env);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.split('\n')[0], 'clp: unknown pool action "explode" (expected: disable-today, enable, reset, pin, mode, order)');
    for (const [args, message] of [
      [['pool', 'claude', 'rest'], 'clp: unknown pool action "rest" (expected: disable-today, enable, reset, pin, mode, order); did you mean reset?'],
      [['pool', 'claude', 'mode', 'weird'], 'clp: pool mode: expected active or pool, got "weird"'],
      [['pool', 'claude', 'disable-today'], 'clp: pool disable-today: expected a config name (clp list <service> lists them)'],
      [['pool', 'foo'], 'clp: pool: unknown service "foo" (expected claude, codex or gemini); e.g. clp pool claude'],
    ] as const) {
      const r = await clp([...args], env);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr.split('\n')[0], message);
    }
    const nope = await clp(['pool', 'claude', 'disable-today', 'nope'], env);
    assert.equal(nope.code, 1);
    assert.match(nope.stderr, /^clp: claude\.json: no config named "nope" \(have: [^)]+\)$/m);

    // The dashboard port refuses changes without the per-install token.
    const url = `http://127.0.0.1:${env.CLP_UI_PORT}/api/rpc/pool/action`;
    const resetBody = JSON.stringify({ service: 'claude', action: { action: 'reset' } });
    const noToken = await fetch(url, { method: 'POST', body: resetBody });
    assert.equal(noToken.status, 401);
    const wrong = await fetch(url, { method: 'POST', body: resetBody, headers: { 'x-clp-token': '0'.repeat(64) } });
    assert.equal(wrong.status, 401);
    const token = (await readFile(join(home, 'run', 'token'), 'utf8')).trim();
    const badBody = await fetch(url, {
      method: 'POST',
      body: '{"service":"claude","action":{"action":"mode","mode":"chaos"}}',
      headers: { 'x-clp-token': token },
    });
    assert.equal(badBody.status, 400);

    assert.equal((await clp(['stop'], env)).code, 0);
    const offline = await show();
    assert.equal(offline.mode, 'pool', 'the mode was saved');
    assert.equal(offline.members.find((m) => m.name === 'a')!.disabledToday, true, 'the daily disable was saved');
    const reset = await clp(['pool', 'claude', 'reset', 'a'], env);
    assert.equal(reset.code, 0);
    assert.equal((await show()).members.find((m) => m.name === 'a')!.disabledToday, false);
    const lb = JSON.parse(await readFile(join(home, 'data', 'lb_config.json'), 'utf8'));
    assert.equal(lb.services.claude.mode, 'pool');
  } finally {
    await clp(['stop'], env);
    await cleanup();
  }
});

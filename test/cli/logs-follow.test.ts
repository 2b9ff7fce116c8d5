import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { displayWidth } from '../../src/cli/table.ts';
import type { RequestRecord } from '../../src/shared/records.ts';
import { CLI, clp, envFor } from '../helpers/cli.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';

/** A `clp` that keeps running: its output so far, and a way to stop it. */
function running(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c));
  return { out, stop: () => child.kill('SIGINT') };
}

test('clp logs --follow prints the latest oldest first, then each request as it ends; --json one record a line', async () => {
  const home = await tempHome();
  const up = await FakeUpstream.start('anthropic', 'relay-a');
  await writeConfig(home.home, 'claude', { 'relay-中转': { base_url: up.baseUrl, auth_token: 'sk-follow-secret', active: true } });
  let core = await startCore(home.home);
  const env = envFor(home.home, core.ports());
  const client = new Anthropic({ baseURL: core.urls.claude, authToken: 'x', apiKey: null, maxRetries: 0 });
  const ask = () => client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  await ask();
  const table = running(['logs', '-f', '--limit', '1'], env);
  const lines = running(['logs', '--follow', '--json', '--limit', '1', '--service', 'claude'], env);
  const rows = (text: string) => text.split('\n').filter((l) => /^[0-9a-f]{8} /.test(l));
  const records = () =>
    lines.out.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RequestRecord);
  try {
    // The latest request, from the log, once each follower is connected to the live feed.
    assert.ok(
      await eventually(() => rows(table.out.stdout).length === 1 && records().length === 1, 10_000),
      table.out.stdout + table.out.stderr + lines.out.stderr,
    );
    await ask();
    await ask();
    const ids = (JSON.parse((await clp(['logs', '--json', '--limit', '3'], env)).stdout) as RequestRecord[]).map((r) => r.id).reverse();
    assert.equal(ids.length, 3);
    // Then each one as it ends, in order, once.
    assert.ok(await eventually(() => records().length === 3, 5000), lines.out.stdout + lines.out.stderr);
    assert.deepEqual(
      records().map((r) => r.id),
      ids,
    );
    assert.equal(records()[0]!.config, 'relay-中转');
    assert.ok(await eventually(() => rows(table.out.stdout).length === 3, 5000), table.out.stdout + table.out.stderr);
    const [header] = table.out.stdout.split('\n');
    assert.match(header!, /^id +time +service +config +model +status +ttfb +duration +tokens +cost +marks$/, 'piped: every column');
    assert.deepEqual(
      rows(table.out.stdout).map((l) => l.slice(0, 8)),
      ids.map((id) => id.slice(0, 8)),
    );
    // The rows that came later line up under the header set at the start.
    for (const row of rows(table.out.stdout)) assert.equal(displayWidth(row.slice(0, row.indexOf(' 200 ') + 1)), header!.indexOf('status'), table.out.stdout);

    // Started later: the latest (here --limit 2), oldest first, then the next one as it ends.
    const late = running(['logs', '--follow', '--limit', '2'], env);
    try {
      assert.ok(await eventually(() => rows(late.out.stdout).length === 2, 10_000), late.out.stdout + late.out.stderr);
      assert.deepEqual(
        rows(late.out.stdout).map((l) => l.slice(0, 8)),
        ids.slice(1).map((id) => id.slice(0, 8)),
      );
      await ask();
      assert.ok(await eventually(() => rows(late.out.stdout).length === 3, 5000), late.out.stdout);
      assert.ok(!late.out.stdout.includes('sk-follow-secret'));
      // CLP restarts: the follower waits it out, and what it left out at its start stays out.
      const ports = core.ports();
      await core.stop();
      core = await startCore(home.home, { ports });
      await new Promise((r) => setTimeout(r, 2500));
      await ask();
      assert.ok(await eventually(() => rows(late.out.stdout).length === 4, 10_000), late.out.stdout + late.out.stderr);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(!late.out.stdout.includes(ids[0]!.slice(0, 8)), `the request older than the first rows is not printed after the restart:\n${late.out.stdout}`);
    } finally {
      late.stop();
    }
    const bad = await clp(['logs', 'show', ids[0]!, '--follow'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^clp: logs: --follow goes with the list/);
  } finally {
    table.stop();
    lines.stop();
    await core.stop();
    await up.close();
    await home.cleanup();
  }
});

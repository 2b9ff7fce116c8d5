import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, portEnv, tempHome, writeConfig } from '../helpers/home.ts';
import { CLI } from '../helpers/cli.ts';

/**
 * The real Claude Code and Codex CLIs (pinned dev dependencies, offline against a fake upstream)
 * through CLP's guards: their own headers must pass the Host, browser and client-secret checks, and
 * the setup planners' files must be what the clients read.
 */
const BIN = join(__dirname, '..', '..', 'node_modules', '.bin');

let claudeUp: FakeUpstream;
let codexUp: FakeUpstream;

before(async () => {
  claudeUp = await FakeUpstream.start('anthropic', 'claude-relay');
  codexUp = await FakeUpstream.start('responses', 'codex-relay');
});

after(async () => {
  await claudeUp.close();
  await codexUp.close();
});

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd.includes('/') ? cmd : join(BIN, cmd), args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** A user's machine: its own HOME with the clients set up by `clp setup … --yes`, and CLP running on it. */
async function machine(clientSecret: boolean) {
  const home = await tempHome();
  await writeConfig(home.home, 'claude', { relay: { base_url: claudeUp.baseUrl, api_key: 'sk-ant-real-key-1111', active: true } });
  await writeConfig(home.home, 'codex', { relay: { base_url: codexUp.baseUrl, auth_token: 'sk-real-key-2222', active: true } });
  // The setting as a user sets it, so that the running CLP and `clp setup` agree on it.
  await writeFile(join(home.home, 'settings.json'), JSON.stringify({ clientSecret }));
  const core = await startCore(home.home, { clientSecret });
  const secret = clientSecret ? (await readFile(join(home.home, 'client-secret'), 'utf8')).trim() : undefined;
  const clpEnv = { PATH: process.env.PATH, HOME: home.home, CLP_HOME: home.home, ...portEnv(core.ports()) };
  for (const client of ['claude', 'codex']) {
    const setup = await run(process.execPath, [CLI, 'setup', client, '--yes'], clpEnv, home.home);
    assert.equal(setup.code, 0, setup.err);
  }
  const codexHome = join(home.home, '.codex');
  const env = { PATH: process.env.PATH, HOME: home.home, CODEX_HOME: codexHome, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1' };
  return { home, core, env, secret };
}

for (const clientSecret of [false, true]) {
  test(`Claude Code and Codex, set up by CLP, work through it${clientSecret ? ' with the client secret on' : ''}; the upstream sees only the config's key`, async () => {
    const m = await machine(clientSecret);
    try {
      const before = [claudeUp.requests.length, codexUp.requests.length];
      const claude = await run('claude', ['-p', 'say hi', '--output-format', 'json'], m.env, m.home.home);
      assert.equal(claude.code, 0, claude.err);
      assert.match(JSON.parse(claude.out).result, /Hello from claude-relay/);
      const codex = await run('codex', ['exec', '--skip-git-repo-check', 'say hi'], m.env, m.home.home);
      assert.equal(codex.code, 0, codex.err);
      assert.match(codex.out, /Hello from codex-relay/);
      const sent = [...claudeUp.requests.slice(before[0]), ...codexUp.requests.slice(before[1])];
      assert.ok(sent.length >= 2);
      for (const r of sent) {
        const auth = `${r.headers.authorization ?? ''} ${r.headers['x-api-key'] ?? ''}`;
        assert.match(auth, /sk-ant-real-key-1111|sk-real-key-2222/);
        if (m.secret) assert.ok(!auth.includes(m.secret), 'the client secret never leaves the machine');
      }
      await m.core.requests()!.flush();
      const logged = await m.core.requests()!.logs({ limit: 10 });
      assert.ok(logged.some((l) => l.service === 'claude' && l.status === 200));
      assert.ok(logged.some((l) => l.service === 'codex' && l.status === 200));
      // The models the clients send by default (Claude Code 2.1.332: claude-opus-5-5; Codex 0.171: gpt-6.2-sol) have a price.
      for (const l of logged.filter((x) => x.usage && x.status === 200)) {
        assert.ok(l.cost_usd !== null && l.cost_usd > 0 && !l.cost_estimated, `${l.model_sent} is priced: ${l.cost_usd}`);
      }
      assert.ok(logged.some((l) => l.model_sent === 'claude-opus-5-5'));
      assert.ok(logged.some((l) => l.model_sent === 'gpt-6.2-sol'));
    } finally {
      await m.core.stop();
      await m.home.cleanup();
    }
  });
}

test('clp run --config binds one launch to one config: Claude Code and Codex each reach that config while the active one serves the rest', async () => {
  const otherClaude = await FakeUpstream.start('anthropic', 'claude-other');
  const otherCodex = await FakeUpstream.start('responses', 'codex-other');
  const m = await machine(false);
  try {
    await writeConfig(m.home.home, 'claude', {
      relay: { base_url: claudeUp.baseUrl, api_key: 'sk-ant-real-key-1111', active: true },
      中转站: { base_url: otherClaude.baseUrl, auth_token: 'sk-other-key-3333' },
    });
    await writeConfig(m.home.home, 'codex', {
      relay: { base_url: codexUp.baseUrl, auth_token: 'sk-real-key-2222', active: true },
      other: { base_url: otherCodex.baseUrl, auth_token: 'sk-other-key-4444' },
    });
    await eventually(() => m.core.stores.claude.snapshot().get('中转站') !== undefined && m.core.stores.codex.snapshot().get('other') !== undefined);
    const p = m.core.ports();
    const env = {
      ...m.env,
      PATH: `${BIN}:${process.env.PATH}`,
      CLP_HOME: m.home.home,
      ...portEnv(p),
    };
    const clpRun = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'run', ...args], { env, cwd: m.home.home, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c));
        child.stderr.on('data', (c: Buffer) => (err += c));
        const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
        child.on('close', (code) => (clearTimeout(timer), resolve({ code, out, err })));
      });
    const bound = await clpRun(['--config', '中转站', '--', 'claude', '-p', 'say hi', '--output-format', 'json']);
    assert.equal(bound.code, 0, bound.err);
    assert.match(JSON.parse(bound.out).result, /Hello from claude-other/);
    assert.ok(
      otherClaude.requests.every((r) => r.headers['x-clp-config'] === undefined),
      'the binding header never leaves the machine',
    );
    const free = await run('claude', ['-p', 'say hi', '--output-format', 'json'], m.env, m.home.home);
    assert.match(JSON.parse(free.out).result, /Hello from claude-relay/, 'the set-up client still follows the active config');
    const codex = await clpRun(['--config', 'other', '--', 'codex', 'exec', '--skip-git-repo-check', 'say hi']);
    assert.equal(codex.code, 0, codex.err);
    assert.match(codex.out, /Hello from codex-other/);
    await m.core.requests()!.flush();
    const logged = await m.core.requests()!.logs({ limit: 20 });
    const traced = logged.find((l) => l.config === '中转站');
    assert.deepEqual(traced?.trace?.[0], { kind: 'bound', config: ['中转站'], by: 'launch' });
    // The setup's per-config profiles: `codex --profile clp-other` runs on that config.
    const { planCodexConfig: plan, codexProfiles } = await import('../../src/core/setup/codex.ts');
    await writeFile(join(m.home.home, '.codex', 'config.toml'), plan(null, m.core.urls.codex, null, ['relay', 'other']).next);
    for (const f of codexProfiles(['relay', 'other']).files) await writeFile(join(m.home.home, '.codex', `${f.profile}.config.toml`), f.text);
    const before = otherCodex.requests.length;
    const profiled = await run('codex', ['--profile', 'clp-other', 'exec', '--skip-git-repo-check', 'say hi'], m.env, m.home.home);
    assert.equal(profiled.code, 0, profiled.err);
    assert.match(profiled.out, /Hello from codex-other/);
    assert.ok(otherCodex.requests.length > before);
    const plain = await run('codex', ['exec', '--skip-git-repo-check', 'say hi'], m.env, m.home.home);
    assert.match(plain.out, /Hello from codex-relay/, 'without the profile, the active config');
    const unknown = await clpRun(['--config', 'nope', '--', 'claude', '-p', 'x']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no config named "nope" \(have: relay, 中转站\)/);
  } finally {
    await m.core.stop();
    await m.home.cleanup();
    await otherClaude.close();
    await otherCodex.close();
  }
});

test("Claude Code's /model is filled from CLP (gateway discovery, written by the setup): the cache holds CLP's ids, and a picked id reaches its config while another is active", async () => {
  const other = await FakeUpstream.start('anthropic', 'claude-other');
  const m = await machine(false);
  try {
    await writeConfig(m.home.home, 'claude', {
      relay: { base_url: claudeUp.baseUrl, api_key: 'sk-ant-real-key-1111', active: true },
      中转站: { base_url: other.baseUrl, auth_token: 'sk-other-key-3333', models: ['claude-opus-4-8'] },
    });
    await eventually(() => m.core.stores.claude.snapshot().get('中转站') !== undefined);
    const first = await run('claude', ['-p', 'say hi', '--output-format', 'json'], m.env, m.home.home);
    assert.equal(first.code, 0, first.err);
    const cache = JSON.parse(await readFile(join(m.home.home, '.claude', 'cache', 'gateway-models.json'), 'utf8'));
    assert.equal(cache.baseUrl, m.core.urls.claude);
    assert.deepEqual(
      cache.models.map((x: { id: string; display_name: string }) => [x.id, x.display_name]),
      [
        ['claude-opus-5-5@relay', 'Opus 5.5 via relay'],
        ['claude-sonnet-5-5@relay', 'Sonnet 5.5 via relay'],
        ['claude-haiku-5-5@relay', 'Haiku 5.5 via relay'],
        ['claude-opus-4-8@中转站', 'Opus 4.8 via 中转站'],
      ],
    );
    const before = other.requests.length;
    const picked = await run('claude', ['-p', 'say hi', '--model', 'claude-opus-4-8@中转站', '--output-format', 'json'], m.env, m.home.home);
    assert.equal(picked.code, 0, picked.err);
    assert.match(JSON.parse(picked.out).result, /Hello from claude-other/);
    const sent = other.requests.slice(before).filter((r) => r.url.startsWith('/v1/messages'));
    assert.ok(sent.length >= 1);
    assert.ok(
      sent.every((r) => JSON.parse(r.body).model === 'claude-opus-4-8'),
      'the real model name goes upstream, for every request of the session',
    );
    const free = await run('claude', ['-p', 'say hi', '--output-format', 'json'], m.env, m.home.home);
    assert.match(JSON.parse(free.out).result, /Hello from claude-relay/, 'a new session follows the active config');
  } finally {
    await m.core.stop();
    await m.home.cleanup();
    await other.close();
  }
});

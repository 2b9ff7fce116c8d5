import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { planGeminiEnv, planGeminiSettings } from '../../src/core/setup/gemini.ts';
import { startCore } from '../helpers/core.ts';
import { CLI } from '../helpers/cli.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, portEnv, tempHome, writeConfig } from '../helpers/home.ts';

/**
 * The real Gemini CLI (`@google/gemini-cli` 0.61.0, a pinned dev dependency, offline) through CLP
 * against fake Gemini upstreams: set up by CLP's own planners (`~/.gemini/.env`, its auth type in
 * `settings.json`), and by `clp run`.
 */
const BIN = join(__dirname, '..', '..', 'node_modules', '.bin');
const NORMALISED = { input: 1134, cached_create: 0, cached_read: 4096, output: 208, reasoning: 187, total: 5438, cache_5m: null, cache_1h: null };

let a: FakeUpstream;
let b: FakeUpstream;
let home: Awaited<ReturnType<typeof tempHome>>;
let core: Awaited<ReturnType<typeof startCore>>;
let env: NodeJS.ProcessEnv;

before(async () => {
  a = await FakeUpstream.start('gemini', 'gem-a');
  b = await FakeUpstream.start('gemini', 'gem-b');
  home = await tempHome();
  await writeConfig(home.home, 'gemini', {
    'gem-a': { base_url: a.baseUrl, api_key: 'AIza-real-key-aaaa', active: true },
    'gem-b': { base_url: b.baseUrl, api_key: 'AIza-real-key-bbbb' },
  });
  core = await startCore(home.home);
  const dir = join(home.home, '.gemini');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '.env'), planGeminiEnv(null, core.urls.gemini).next);
  await writeFile(join(dir, 'settings.json'), planGeminiSettings(null, join(dir, 'settings.json')).next);
  // Trusted, so that ~/.gemini/.env is read (Gemini CLI's own rule for a folder it has not been told about).
  env = {
    PATH: `${BIN}:${process.env.PATH}`,
    HOME: home.home,
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
    NO_COLOR: '1',
    CLP_HOME: home.home,
    ...portEnv(core.ports()),
  };
});

after(async () => {
  await core.stop();
  await a.close();
  await b.close();
  await home.cleanup();
});

function gemini(args: string[], cmd: string[] = [join(BIN, 'gemini')]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd[0]!, [...cmd.slice(1), ...args], { env, cwd: home.home, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

const answer = (out: string) => (JSON.parse(out) as { response: string }).response;
const streams = (u: FakeUpstream, from: number) => u.requests.slice(from).filter((r) => r.url.includes(':streamGenerateContent'));

test('a prompt, set up by CLP: the routing call and the streamed answer reach the active config with its key; the usage logged is what the upstream sent', async () => {
  const from = a.requests.length;
  const r = await gemini(['-p', 'say hi', '--output-format', 'json']);
  assert.equal(r.code, 0, r.err);
  assert.equal(answer(r.out), 'Hello from gem-a');
  const sent = a.requests.slice(from);
  assert.ok(
    sent.some((x) => x.url.endsWith(':generateContent')),
    'the routing score was asked',
  );
  assert.ok(streams(a, from).length >= 1, 'the answer was streamed');
  for (const x of sent) {
    assert.equal(x.headers['x-goog-api-key'], 'AIza-real-key-aaaa');
    assert.ok(!x.url.includes('key='));
  }
  await core.requests()!.flush();
  const logged = await core.requests()!.logs({ limit: 10 });
  const streamed = logged.find((l) => l.service === 'gemini' && l.stream && l.status === 200);
  assert.ok(streamed, 'the stream was logged');
  assert.deepEqual(streamed.usage, NORMALISED);
  assert.equal(streamed.config, 'gem-a');
  assert.ok(streamed.cost_usd !== null && streamed.cost_usd > 0, `priced: ${streamed.cost_usd}`);
});

test('a tool round trip: the function call runs in Gemini CLI, its result goes back, the answer follows', async () => {
  const from = a.requests.length;
  const r = await gemini(['-p', 'use a tool please', '--output-format', 'json']);
  assert.equal(r.code, 0, r.err);
  assert.equal(answer(r.out), 'Hello from gem-a: the tool answered');
  const back = streams(a, from).find((x) => x.body.includes('"functionResponse"'));
  assert.ok(back, 'the tool result came back through CLP');
  assert.match(back.body, /"thoughtSignature":"sig-gem-a"/, 'with the signature of the upstream that made the call');
});

test('a live switch between two runs: the next prompt goes to the other config, nothing restarted', async () => {
  await core.activate('gemini', 'gem-b');
  try {
    const from = b.requests.length;
    const r = await gemini(['-p', 'say hi', '--output-format', 'json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(answer(r.out), 'Hello from gem-b');
    assert.ok(b.requests.slice(from).every((x) => x.headers['x-goog-api-key'] === 'AIza-real-key-bbbb'));
  } finally {
    await core.activate('gemini', 'gem-a');
  }
});

for (const status of [429, 503]) {
  test(`failover on ${status}: in pool mode the other config answers before the first byte, Gemini CLI never sees it`, async () => {
    core.pool.setMode('gemini', 'pool');
    a.behaviour = { kind: 'status', status, body: { error: { code: status, message: 'busy', status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE' } } };
    try {
      const r = await gemini(['-p', 'say hi', '--output-format', 'json']);
      assert.equal(r.code, 0, r.err);
      assert.equal(answer(r.out), 'Hello from gem-b');
      await core.requests()!.flush();
      const logged = await core.requests()!.logs({ limit: 5 });
      assert.ok(logged.some((l) => l.config === 'gem-b' && l.trace?.some((t) => t.kind === 'attempt' && t.config === 'gem-a')));
    } finally {
      a.behaviour = { kind: 'ok' };
      core.pool.setMode('gemini', 'active');
      core.pool.reset('gemini');
    }
  });
}

test('clp run --config binds one Gemini CLI launch to a config (no setup needed), the binding never leaves the machine', async () => {
  const saved = env;
  // No ~/.gemini files: clp run says everything in the environment.
  env = { ...env, HOME: join(home.home, 'bare') };
  await mkdir(env.HOME!, { recursive: true });
  try {
    assert.ok(await eventually(() => core.stores.gemini.snapshot().get('gem-b') !== undefined));
    const from = b.requests.length;
    const r = await gemini(['--config', 'gem-b', '--', 'gemini', '-p', 'say hi', '--output-format', 'json'], [process.execPath, CLI, 'run']);
    assert.equal(r.code, 0, r.err);
    assert.equal(answer(r.out), 'Hello from gem-b');
    const sent = b.requests.slice(from);
    assert.ok(sent.length >= 1);
    assert.ok(sent.every((x) => x.headers['x-clp-config'] === undefined));
  } finally {
    env = saved;
  }
});

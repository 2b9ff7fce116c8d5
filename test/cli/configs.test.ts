import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { clp, isolatedEnv } from '../helpers/cli.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { freePort, tempHome } from '../helpers/home.ts';

const KEY = 'sk-relay-cliAAAAAAAAAAAAAAAAAAAAAAAA-1111';
const KEY2 = 'sk-relay-cliBBBBBBBBBBBBBBBBBBBBBBBB-2222';
const file = (home: string) => readFile(join(home, 'claude.json'), 'utf8').then((t) => JSON.parse(t));

test('configs from the terminal: add with the key on stdin, edit, rename (pool state and routes follow), rm; keys never in argv or output', async () => {
  const { home, cleanup } = await tempHome();
  const up = await FakeUpstream.start('anthropic', 'up');
  const env = await isolatedEnv(home);
  try {
    // No CLP running: the files are edited directly.
    const add = await clp(['add', 'claude', 'relay-a', '--url', up.baseUrl, '--auth-token', '--weight', '10', '--activate'], env, 30_000, `${KEY}\n`);
    assert.equal(add.code, 0, add.stderr);
    assert.equal(add.stdout.trim(), 'claude: added "relay-a" (auth_token), now active; `clp test claude relay-a` checks it works');
    assert.deepEqual((await file(home))['relay-a'], { base_url: up.baseUrl, auth_token: KEY, weight: 10, active: true });
    const dup = await clp(['add', 'claude', 'relay-a', '--url', up.baseUrl], env, 30_000, `${KEY}\n`);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /name: "relay-a" already exists in claude\.json/);
    const fromEnv = await clp(['add', 'claude', 'relay-b', '--url', up.baseUrl, '--key-env', 'RELAY_B_KEY'], { ...env, RELAY_B_KEY: KEY2 });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal((await file(home))['relay-b'].api_key, KEY2, 'the official way for claude: api_key');
    assert.equal(
      (await clp(['add', 'claude', 'x', '--url', 'ftp://nope'], env, 30_000, 'k\n')).stderr.split('\n')[0],
      'clp: --url: expected an http:// or https:// URL, got "ftp://nope"',
    );
    assert.equal(
      (await clp(['add', 'claude', 'x'], env)).stderr.split('\n')[0],
      "clp: --url: expected the upstream's base URL (e.g. https://api.anthropic.com)",
    );
    const argvKey = await clp(['add', 'claude', 'x', '--url', up.baseUrl, '--key', KEY], env);
    assert.equal(argvKey.code, 2, 'there is no option that takes a key on the command line');

    // A route pin and pool state for relay-b, then a rename: both follow it.
    await writeFile(join(home, 'routes.json'), JSON.stringify({ claude: [{ match: { model: 'claude-haiku*' }, config: 'relay-b' }] }));
    assert.equal((await clp(['pool', 'claude', 'disable-today', 'relay-b'], env)).code, 0);
    const rename = await clp(['rename', 'claude', 'relay-b', '中转站'], env);
    assert.equal(rename.code, 0, rename.stderr);
    const afterRename = await file(home);
    assert.deepEqual(Object.keys(afterRename), ['relay-a', '中转站'], 'same place in the file');
    assert.equal(afterRename.中转站.api_key, KEY2);
    assert.equal(JSON.parse(await readFile(join(home, 'routes.json'), 'utf8')).claude[0].config, '中转站');
    assert.match((await clp(['pool', 'claude'], env)).stdout, /中转站 .*disabled for today/);

    // With CLP running, the same commands go through it.
    assert.equal((await clp(['start'], env)).code, 0);
    const edit = await clp(['edit', 'claude', 'relay-a', '--weight', '20', '--api-key'], env);
    assert.equal(edit.code, 0, edit.stderr);
    const edited = (await file(home))['relay-a'];
    assert.equal(edited.weight, 20);
    assert.equal(edited.api_key, KEY, 'the same key, now sent as x-api-key');
    assert.equal(edited.auth_token, undefined);
    const newUrl = await clp(['edit', 'claude', 'relay-a', '--url', 'https://other.example'], env);
    assert.equal(newUrl.code, 2);
    assert.match(newUrl.stderr, /a new --url drops the stored key/);
    const t = await clp(['test', 'claude', 'relay-a', '--model', 'claude-sonnet-4-5'], env);
    assert.equal(t.code, 0, t.stdout + t.stderr);
    assert.match(t.stdout, /^ok {5}relay-a: 200 in \d+ ms, model claude-sonnet-4-5/);
    const dead = await freePort();
    const deadAdd = await clp(['add', 'claude', 'dead', '--url', `http://127.0.0.1:${dead}`], env, 30_000, 'sk-dead-dddddddddddddddddddd\n');
    assert.equal(deadAdd.code, 0, deadAdd.stderr);
    const bad = await clp(['test', 'claude', 'dead'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^FAILED dead: no answer/m);
    assert.match(bad.stdout, /Nothing listens at that address: check base_url/);
    // A rename through the running CLP carries its pool state and route rules as well.
    assert.equal((await clp(['rename', 'claude', '中转站', 'relay-b'], env)).code, 0);
    assert.equal(JSON.parse(await readFile(join(home, 'routes.json'), 'utf8')).claude[0].config, 'relay-b');
    assert.match((await clp(['pool', 'claude'], env)).stdout, /relay-b .*disabled for today/);
    const rm = await clp(['rm', 'claude', 'dead'], env);
    assert.equal(rm.code, 0);
    assert.equal((await file(home)).dead, undefined);
    const missing = await clp(['rm', 'claude', 'nope'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no config named "nope" \(have: relay-a, relay-b\)/);
    for (const r of [add, fromEnv, rename, edit, t, bad, rm]) assert.ok(!`${r.stdout}${r.stderr}`.includes(KEY) && !`${r.stdout}${r.stderr}`.includes(KEY2));
  } finally {
    await clp(['stop'], env);
    await up.close();
    await cleanup();
  }
});

test('on a terminal, the key is asked for without echo (a real pty, through util-linux script)', async () => {
  const { home, cleanup } = await tempHome();
  const env = await isolatedEnv(home);
  const { spawn } = await import('node:child_process');
  const { CLI } = await import('../helpers/cli.ts');
  try {
    const typed = 'sk-typed-secret-tttttttttttttttttt';
    const child = spawn('script', ['-qec', `"${process.execPath}" "${CLI}" add claude typed --url http://127.0.0.1:9`, '/dev/null'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    const deadline = Date.now() + 10_000;
    while (!out.includes('key (not shown): ') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.stdin.write(`${typed}\r`);
    assert.equal(await exited, 0, out);
    assert.match(out, /key \(not shown\): /);
    assert.ok(!out.includes(typed), `the typed key was echoed: ${JSON.stringify(out)}`);
    assert.equal((await file(home)).typed.api_key, typed);
  } finally {
    await cleanup();
  }
});

test('a Gemini config from the terminal: api_key by default, listed as sent in x-goog-api-key, tested against the Gemini API', async () => {
  const { home, cleanup } = await tempHome();
  const up = await FakeUpstream.start('gemini', 'gem');
  const env = await isolatedEnv(home);
  try {
    const add = await clp(['add', 'gemini', '谷歌', '--url', up.baseUrl, '--key-env', 'GEM_KEY', '--activate'], { ...env, GEM_KEY: 'AIza-cli-key-1234567890' });
    assert.equal(add.code, 0, add.stderr);
    const saved = JSON.parse(await readFile(join(home, 'gemini.json'), 'utf8'));
    assert.deepEqual(saved.谷歌, { base_url: up.baseUrl, api_key: 'AIza-cli-key-1234567890', active: true });
    const list = await clp(['list', 'gemini'], env);
    assert.match(list.stdout, /^\* 谷歌 .* x-goog-api-key$/m);
    assert.equal((await clp(['start'], env)).code, 0);
    const tested = await clp(['test', 'gemini', '谷歌', '--model', 'gemini-3.5-flash'], env);
    assert.equal(tested.code, 0, tested.stderr);
    assert.match(tested.stdout, /^ok +谷歌: 200 in \d+ ms, model gemini-3.5-flash, http:\/\/127.0.0.1:\d+\/v1beta\/models\/gemini-3.5-flash:generateContent$/m);
    assert.equal(up.requests.at(-1)!.headers['x-goog-api-key'], 'AIza-cli-key-1234567890');
    assert.ok(!`${add.stdout}${list.stdout}${tested.stdout}`.includes('AIza-cli-key'), 'the key is never printed');
  } finally {
    await clp(['stop'], env);
    await up.close();
    await cleanup();
  }
});

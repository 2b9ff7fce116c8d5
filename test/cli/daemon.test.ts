import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { isProcessAlive } from '../../src/core/process.ts';
import type { StatusReport } from '../../src/shared/status.ts';
import { CLI, clp, isolatedEnv } from '../helpers/cli.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';

test('clp start / status / list / active / second start / stop, as separate processes', async () => {
  const { home, cleanup } = await tempHome();
  const up = await FakeUpstream.start('anthropic', 'up');
  await writeConfig(home, 'claude', {
    prod: { base_url: up.baseUrl, auth_token: 'sk-prod-secret', weight: 10, active: true, mine: 'kept' },
    dev: { base_url: `${up.baseUrl}/dev?key=sk-in-query`, api_key: 'sk-dev-secret' },
  });
  const env = await isolatedEnv(home);
  let pid = 0;
  try {
    const start = await clp(['start'], env);
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stdout, /CLP started \(pid \d+\)/);
    assert.match(start.stdout, /codex: placeholder mode: .*codex\.json/);

    const status = await clp(['status', '--json'], env);
    assert.equal(status.code, 0);
    const report = JSON.parse(status.stdout) as StatusReport;
    pid = report.owner!.pid;
    assert.equal(report.owner!.kind, 'daemon');
    assert.ok(isProcessAlive(pid));
    assert.deepEqual(
      { running: report.services.claude.running, port: report.services.claude.port, active: report.services.claude.active },
      { running: true, port: Number(env.CLP_CLAUDE_PORT), active: 'prod' },
    );
    assert.equal(report.services.codex.port, Number(env.CLP_CODEX_PORT));
    assert.equal(report.ui.running, true);
    assert.equal(report.ui.url, `http://127.0.0.1:${env.CLP_UI_PORT}/`);

    const health = (await fetch(`http://127.0.0.1:${env.CLP_CLAUDE_PORT}/health`).then((r) => r.json())) as { pid: number };
    assert.equal(health.pid, pid);

    const list = await clp(['list', 'claude', '--json'], env);
    assert.equal(list.code, 0);
    const listed = JSON.parse(list.stdout);
    assert.deepEqual(
      listed.configs.map((c: { name: string; active: boolean }) => [c.name, c.active]),
      [
        ['prod', true],
        ['dev', false],
      ],
    );
    assert.ok(!list.stdout.includes('sk-'), 'no key, not even one put in a URL query, is listed');
    const human = await clp(['list', 'claude'], env);
    assert.match(human.stdout, /^\* prod/m);
    assert.ok(!human.stdout.includes('sk-'));

    // Switch through the CLI: the running daemon serves the next request from the new config.
    const msg = () =>
      fetch(`http://127.0.0.1:${env.CLP_CLAUDE_PORT}/v1/messages`, {
        method: 'POST',
        body: '{"model":"m","max_tokens":1,"messages":[]}',
        headers: { 'content-type': 'application/json' },
      });
    await msg();
    assert.equal(up.requests.at(-1)!.url, '/v1/messages');
    const active = await clp(['active', 'claude', 'dev'], env);
    assert.equal(active.code, 0, active.stderr);
    assert.match(active.stdout, /active config is now "dev"; it applies to the next request/);
    assert.ok(
      await eventually(
        async () => ((await fetch(`http://127.0.0.1:${env.CLP_CLAUDE_PORT}/health`).then((r) => r.json())) as { active: string }).active === 'dev',
        1500,
      ),
    );
    await msg();
    assert.equal(up.requests.at(-1)!.url, '/dev/v1/messages?key=sk-in-query');
    assert.equal(up.requests.at(-1)!.headers['x-api-key'], 'sk-dev-secret');
    const file = JSON.parse(await readFile(join(home, 'claude.json'), 'utf8'));
    assert.equal(file.prod.mine, 'kept');
    assert.equal(file.prod.active, false);
    assert.equal(file.dev.active, true);

    // Usage and logs, read through the daemon (which owns the database).
    const usage = await clp(['usage', '--json'], env);
    assert.equal(usage.code, 0, usage.stderr);
    const usageReport = JSON.parse(usage.stdout);
    for (const key of ['requests', 'input', 'cached_create', 'cached_read', 'output', 'reasoning', 'total', 'cost_usd']) {
      assert.equal(typeof usageReport.services.claude.total[key], 'number', key);
      assert.equal(typeof usageReport.services.codex.total[key], 'number', key);
    }
    assert.equal(usageReport.services.claude.total.requests, 2);
    assert.equal(usageReport.services.claude.configs.prod.requests, 1);
    assert.equal(usageReport.services.claude.configs.dev.requests, 1);
    assert.equal(usageReport.services.claude.total.output, 527, 'the dev request got a 404 (its base path is unknown to the fake upstream)');
    assert.equal(usageReport.services.claude.total.errors, 1);
    const table = await clp(['usage', '--service', 'claude', '--by', 'model', '--since', '7d'], env);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^claude \(since 7d\), by model/);
    assert.match(table.stdout, /^ {2}model +requests +errors +input +cache write +cache read +output +reasoning +total +cost$/m);
    assert.match(table.stdout, /^ {2}total +2 +1 +\d+ +[\d,]+ +[\d,]+ +[\d,]+ +0 +[\d,]+ +/m, 'an errors column and exact tokens');
    assert.doesNotMatch(table.stdout, /\d\.\d+k\b/, 'no rounded 1.73k');
    const badSince = await clp(['usage', '--since', 'yesterday'], env);
    assert.equal(badSince.code, 2);
    assert.match(badSince.stderr, /^clp: since: expected e\.g\. 12h, 7d/);
    const logs = await clp(['logs', '--limit', '5', '--json'], env);
    const rows = JSON.parse(logs.stdout) as Array<{ id: string; config: string }>;
    assert.deepEqual(
      rows.map((r) => r.config),
      ['dev', 'prod'],
    );
    // Filtered as the Requests page is.
    const only = async (...args: string[]) =>
      (JSON.parse((await clp(['logs', '--json', ...args], env)).stdout) as Array<{ config: string }>).map((r) => r.config);
    assert.deepEqual(await only('--status', 'error'), ['dev']);
    assert.deepEqual(await only('--status', '4xx'), ['dev']);
    assert.deepEqual(await only('--status', 'ok'), ['prod']);
    assert.deepEqual(await only('--config', 'prod'), ['prod']);
    assert.deepEqual(await only('--grep', 'http_404'), ['dev']);
    assert.deepEqual(await only('--model', 'nonesuch'), []);
    const badStatus = await clp(['logs', '--status', 'failed'], env);
    assert.equal(badStatus.code, 2);
    assert.match(badStatus.stderr, /^clp: --status: expected ok, error, 4xx or 5xx, got "failed"/);
    const logLines = await clp(['logs'], env);
    const [header, first, second] = logLines.stdout.split('\n');
    assert.match(header!, /^id +time +service +config +model +status +ttfb +duration +tokens +cost +marks$/);
    assert.match(first!, new RegExp(`^${rows[0]!.id.slice(0, 8)} `));
    assert.equal(header!.indexOf('status'), first!.indexOf('404'), 'columns line up under their header');
    assert.equal(header!.indexOf('status'), second!.indexOf('200'));
    assert.match(second!, / \d+ ms +\d+ ms +12,872 +/, 'durations in ms below a second, exact tokens');
    assert.ok(!logLines.stdout.includes('\u001b['), 'no colour when not a terminal');
    const show = await clp(['logs', 'show', rows[0]!.id.slice(0, 8)], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /config: dev/);
    assert.match(show.stdout, /status: 404 \(http_404\)/);
    const showProd = await clp(['logs', 'show', rows[1]!.id], env);
    assert.match(showProd.stdout, /usage: input 3, cache write 2849 \(5m 0, 1h 2849\), cache read 9493, output 527/);
    assert.match(showProd.stdout, /\nresponse headers:\n {2}content-type: /);
    assert.match(showProd.stdout, /\nresponse:\nHello from up\n/, 'the response read as text, not as SSE');
    const raw = await clp(['logs', 'show', rows[1]!.id, '--raw'], env);
    assert.match(raw.stdout, /\nresponse, raw:\n\{"id":"msg_01FakeUpstream"/, '--raw prints the body as it came');
    assert.match(showProd.stdout, /\nrequest body: m, 0 messages \(42 characters\)\n\(the whole body: clp logs show [0-9a-f]{8} --raw\)\n/);
    assert.match(raw.stdout, /\nrequest body:\n\{"model":"m","max_tokens":1,"messages":\[\]\}\n/, '--raw prints the request body whole');
    const none = await clp(['logs', 'show', 'ffffffff'], env);
    assert.equal(none.stderr.trim(), 'clp: no request with id ffffffff: `clp logs` lists the latest, with their ids');
    assert.ok(!show.stdout.includes('sk-dev-secret') && !show.stdout.includes('sk-prod-secret'));

    const missing = await clp(['active', 'claude', 'nope'], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), 'clp: claude.json: no config named "nope" (have: prod, dev)');

    // A running CLP's status also gives each service's day.
    const running = await clp(['status'], env);
    assert.match(
      running.stdout,
      /^ {2}claude +http:\S+ +active: dev · today 2 requests, [\d.]+k tokens, unknown \(1 request without a price\), 1 error$/m,
      running.stdout,
    );
    assert.match(running.stdout, /^ {2}codex +http:\S+ +no config yet: /m, 'no day for a service without configs');

    const again = await clp(['start'], env);
    assert.equal(again.code, 0);
    assert.match(again.stdout, new RegExp(`already running \\(daemon, pid ${pid}\\)`));

    const stop = await clp(['stop'], env);
    assert.equal(stop.code, 0);
    assert.match(stop.stdout, new RegExp(`CLP stopped \\(pid ${pid}\\)`));
    assert.equal(isProcessAlive(pid), false);
    const after = await clp(['status'], env);
    assert.equal(after.code, 3);
    const offline = await clp(['usage'], env);
    assert.equal(offline.code, 1);
    assert.match(offline.stderr, /^clp: CLP is not running: start it with `clp start`/);
    assert.match(after.stdout, /CLP is not running/);
    assert.match(after.stdout, /active: dev/);
    const log = await readFile(join(home, 'run', 'clp.log'), 'utf8');
    assert.match(log, /started \(daemon/);
    assert.ok(!log.includes('sk-'), 'the daemon log holds no key');
  } finally {
    if (pid && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    await up.close();
    await cleanup();
  }
});

test('clp start explains a port held by another program, exits non-zero and leaves nothing running', async () => {
  const { home, cleanup } = await tempHome();
  const env = await isolatedEnv(home);
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(Number(env.CLP_CODEX_PORT), '127.0.0.1', r));
  try {
    const start = await clp(['start'], env);
    assert.equal(start.code, 1);
    assert.equal(
      start.stderr.trim(),
      `clp: port ${env.CLP_CODEX_PORT} (codex proxy) on 127.0.0.1 is already in use by another program; to use another, set CLP_CODEX_PORT or "ports": {"codex": N} in settings.json (in VS Code: clp.ports.codex)`,
    );
    const status = await clp(['status'], env);
    assert.equal(status.code, 3, 'the half-started daemon released the ports and exited');
  } finally {
    squatter.close();
    await cleanup();
  }
});

test('a broken config file never takes a working proxy down: restart keeps it, start serves the last good version', async () => {
  const { home, cleanup } = await tempHome();
  const up = await FakeUpstream.start('anthropic', 'up');
  const good = {
    prod: { base_url: up.baseUrl, auth_token: 'sk-prod-secret', weight: 10, active: true },
    dev: { base_url: up.baseUrl, api_key: 'sk-dev-secret' },
  };
  await writeConfig(home, 'claude', good);
  const env = await isolatedEnv(home);
  const ask = async () =>
    (
      await fetch(`http://127.0.0.1:${env.CLP_CLAUDE_PORT}/v1/messages`, {
        method: 'POST',
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
      })
    ).status;
  try {
    assert.equal((await clp(['start'], env)).code, 0);
    const pid = (JSON.parse((await clp(['status', '--json'], env)).stdout) as StatusReport).owner?.pid;
    const broken = `${JSON.stringify(good, null, 2).replace('"weight": 10', '"weight": 10,,')}\n`;
    await writeFile(join(home, 'claude.json'), broken);
    await eventually(async () => /broken/.test((await clp(['status'], env)).stdout), 5000);

    const restart = await clp(['restart'], env);
    assert.equal(restart.code, 0, restart.stderr);
    assert.match(restart.stderr, /^clp: claude\.json: line 5, column 18: not valid JSON/m);
    assert.match(restart.stderr, /not restarting: the running CLP \(pid \d+\) keeps serving the last good version of claude\.json/);
    const status = await clp(['status'], env);
    assert.equal((JSON.parse((await clp(['status', '--json'], env)).stdout) as StatusReport).owner?.pid, pid, 'the same CLP still runs');
    assert.match(status.stdout, /claude\.json is broken \(line 5, column 18\): serving the last good version \(2 configs, active: prod\)/);
    assert.doesNotMatch(status.stdout, /claude .*no config yet/);
    assert.equal(await ask(), 200, 'and still serves');

    // Stopped and started again on the broken file: it serves the last version that loaded.
    assert.equal((await clp(['stop'], env)).code, 0);
    const start = await clp(['start'], env);
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stdout, /claude\.json is broken \(line 5, column 18\): serving the last good version \(2 configs, active: prod\)/);
    assert.equal(await ask(), 200);
    assert.equal(await readFile(join(home, 'claude.json'), 'utf8'), broken, 'the broken file is left as it is');
    const list = await clp(['list', 'claude'], env);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /\* prod .*weight 10/);
    assert.match(list.stderr, /claude\.json is broken: below is the last good version, which CLP serves until the file is fixed/);
    assert.ok(!`${list.stdout}${list.stderr}${status.stdout}${start.stdout}`.includes('sk-prod-secret'));
  } finally {
    await clp(['stop'], env);
    await up.close();
    await cleanup();
  }
});

test('clp start on a broken file with no good version kept starts in placeholder mode and says why', async () => {
  const { home, cleanup } = await tempHome();
  const text = '{"prod": {"base_url": "https://relay.example.com", "weight": "heavy"}}';
  await writeConfig(home, 'codex', text);
  const env = await isolatedEnv(home);
  try {
    const start = await clp(['start'], env);
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stdout, /codex\.json is broken: no good version of it was kept: placeholder mode/);
    assert.match(start.stdout, /codex\.json: prod\.weight: /);
    assert.equal(await readFile(join(home, 'codex.json'), 'utf8'), text);
    const list = await clp(['list', 'codex'], env);
    assert.equal(list.code, 1);
    assert.match(list.stderr, /^clp: codex\.json: prod\.weight: /);
  } finally {
    await clp(['stop'], env);
    await cleanup();
  }
});

test('clp ui makes sure the dashboard is served and prints its URL with the page key', async () => {
  const { home, cleanup } = await tempHome();
  const env = await isolatedEnv(home);
  try {
    const ui = await clp(['ui', '--no-open'], env);
    assert.equal(ui.code, 0, ui.stderr);
    const token = (await readFile(join(home, 'run', 'token'), 'utf8')).trim();
    assert.equal(ui.stdout.trim(), `http://127.0.0.1:${env.CLP_UI_PORT}/#token=${token}`);
    assert.match(ui.stderr, /^CLP was not running: started it \(pid \d+\); stop it with `clp stop`$/m);
    const again = await clp(['ui', '--no-open'], env);
    assert.equal(again.stderr, '', 'nothing to say when CLP was running');
    const page = await fetch(ui.stdout.trim());
    assert.equal(page.status, 200);
    const call = await fetch(`http://127.0.0.1:${env.CLP_UI_PORT}/api/rpc/status/get`, { method: 'POST', headers: { 'x-clp-token': token }, body: '{}' });
    assert.equal(call.status, 200);
    assert.equal((await clp(['stop'], env)).code, 0);
  } finally {
    await clp(['stop'], env);
    await cleanup();
  }
});

test('clp start --foreground runs in the terminal until Ctrl+C', async () => {
  const { home, cleanup } = await tempHome();
  const env = await isolatedEnv(home);
  const child = spawn(process.execPath, [CLI, 'start', '--foreground'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  try {
    assert.ok(await eventually(() => out.includes('Press Ctrl+C'), 10_000), out);
    assert.match(out, /CLP is running \(foreground/);
    const status = JSON.parse((await clp(['status', '--json'], env)).stdout) as StatusReport;
    assert.equal(status.owner!.kind, 'foreground');
    assert.equal(status.owner!.pid, child.pid);
    const stop = await clp(['stop'], env);
    assert.equal(stop.code, 0);
    assert.equal(stop.stdout.trim(), `stopped a foreground CLP (pid ${child.pid}, \`clp start --foreground\` in another terminal)`);
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
    await cleanup();
  }
});

test('clp stop while a VS Code window owns CLP says so and exits 4, stopping nothing', async () => {
  const { home, cleanup } = await tempHome();
  const env = await isolatedEnv(home);
  const { createCore } = await import('../../src/core/core.ts');
  const { createMemoryLogger } = await import('../../src/core/log.ts');
  const core = await createCore({
    home,
    env: {},
    ownerKind: 'vscode',
    log: createMemoryLogger(),
    settings: {
      ports: { claude: Number(env.CLP_CLAUDE_PORT), codex: Number(env.CLP_CODEX_PORT), gemini: Number(env.CLP_GEMINI_PORT), ui: Number(env.CLP_UI_PORT) },
    },
  });
  await core.start();
  try {
    const stop = await clp(['stop'], env);
    assert.equal(stop.code, 4);
    assert.equal(
      stop.stderr.trim(),
      `clp: CLP runs inside a VS Code window (pid ${process.pid}), which only that window may stop: use "CLP: Stop Proxy" there (or close the window)`,
    );
    assert.doesNotMatch(stop.stderr, /--help/);
    assert.equal((await clp(['status'], env)).code, 0, 'still running');
  } finally {
    await core.stop();
    await cleanup();
  }
});

test('bad usage prints one line and exits 2; --help prints usage and exits 0', async () => {
  const { home, cleanup } = await tempHome();
  const env = await isolatedEnv(home);
  const bad = await clp(['frobnicate'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^clp: unknown command "frobnicate"\nRun `clp --help` for usage\.\n$/);
  const svc = await clp(['list', 'grok'], env);
  assert.equal(svc.code, 2);
  assert.match(svc.stderr, /^clp: unknown service "grok" \(expected claude, codex or gemini\)/);
  const help = await clp(['--help'], env);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^ {2}active <claude\|codex\|gemini> <name>/m);
  const widest = Math.max(...help.stdout.split('\n').map((l) => l.length));
  assert.ok(widest <= 100, `--help is ${widest} columns wide`);
  assert.match(help.stdout, new RegExp(`Claude Code +http://127\\.0\\.0\\.1:${env.CLP_CLAUDE_PORT}\\n`), 'the ports in force, not the defaults');
  assert.match(help.stdout, new RegExp(`Codex +http://127\\.0\\.0\\.1:${env.CLP_CODEX_PORT}/v1\\n`));
  assert.match(help.stdout, new RegExp(`Gemini CLI +http://127\\.0\\.0\\.1:${env.CLP_GEMINI_PORT}\\n`));
  const sub = await clp(['stop', '--help'], env);
  assert.match(sub.stdout, /^usage: clp stop/);
  assert.match(sub.stdout, /\nexamples:\n {2}clp stop/);
  assert.equal((await clp(['help', 'pool'], env)).stdout, (await clp(['pool', '--help'], env)).stdout);
  for (const [args, message] of [
    [['statsu'], 'clp: unknown command "statsu"; did you mean status?'],
    [['status', '--verbose'], 'clp: unknown option --verbose for clp status (it takes: --json, --help)'],
    [['ui', '--open'], 'clp: unknown option --open for clp ui (it takes: --no-open, --help); did you mean --no-open?'],
    [['logs', '--limit', 'abc'], 'clp: --limit: expected a whole number from 1 to 1000, got "abc"'],
    [['usage', '--by', 'week'], 'clp: --by: expected config, model, day, session or project, got "week"'],
    [['active', 'claude'], 'clp: active: expected 2 arguments, got 1; usage: clp active <claude|codex|gemini> <name> (e.g. clp active claude relay-b)'],
    [['help', 'nope'], 'clp: help: unknown command "nope"'],
  ] as const) {
    const r = await clp([...args], env);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stderr.split('\n')[0], message);
  }
  for (const v of ['--version', '-V']) {
    const r = await clp([v], env);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^clp \d+\.\d+\.\d+\n$/);
  }
  const badEnv = await clp(['status'], { ...env, CLP_UI_PORT: 'x' });
  assert.equal(badEnv.code, 1);
  assert.equal(badEnv.stderr.trim(), 'clp: CLP_UI_PORT: expected a port number (0-65535), got "x"');
  await cleanup();
});

test('a settings field that cannot move the owner does not stop `clp logs`; `clp start` and `status` say what is wrong', async () => {
  const { home, cleanup } = await tempHome();
  const env = await isolatedEnv(home);
  await writeFile(join(home, 'settings.json'), '{"timeouts":{"connectMs":"soon"}}');
  const logs = await clp(['logs'], env);
  assert.equal(logs.code, 1);
  assert.match(logs.stderr, /^clp: CLP is not running: start it with `clp start`/);
  for (const command of ['start', 'status']) {
    const r = await clp([command], env);
    assert.equal(r.code, 1, command);
    assert.equal(r.stderr, 'clp: settings.json: timeouts.connectMs: expected a number, got a string\n', command);
  }
  // Where the owner is, the full check still decides (and its message is the one the user sees).
  await writeFile(join(home, 'settings.json'), '{"ports":{"ui":"3300"}}');
  const { CLP_UI_PORT: _, ...fileDecides } = env;
  const bad = await clp(['logs'], fileDecides);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'clp: settings.json: ports.ui: expected a number, got a string\n');
  await cleanup();
});

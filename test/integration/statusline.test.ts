import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyStatusLine, planStatusLine, statuslineCommand } from '../../src/core/setup/statusline.ts';
import { money } from '../../src/shared/format.ts';
import { statuslineText } from '../../src/core/statusline/read.ts';
import { statuslineDir, statuslineScriptPath } from '../../src/core/statusline/script.ts';
import { clp, envFor } from '../helpers/cli.ts';
import { startCore } from '../helpers/core.ts';
import { FakeUpstream } from '../helpers/fake-upstream.ts';
import { eventually, tempHome, writeConfig } from '../helpers/home.ts';
import { dashboardToken, rpc } from '../helpers/rpc.ts';

/** What Claude Code 2.1.332 passes its statusline command on stdin (the fields CLP reads, and some it does not). */
const claudeInput = (session: string, project: string) =>
  JSON.stringify({
    session_id: session,
    transcript_path: `/tmp/${session}.jsonl`,
    cwd: `${project}/src`,
    permission_mode: 'default',
    model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' },
    workspace: { current_dir: `${project}/src`, project_dir: project, added_dirs: [] },
    version: '2.1.332',
    output_style: { name: 'default' },
    cost: { total_cost_usd: 0.01 },
  });

const bash = (script: string, input: string) =>
  new Promise<{ code: number; out: string }>((resolve) => {
    const child = execFile('bash', [script], { encoding: 'utf8' }, (err, stdout) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout }),
    );
    child.stdin!.end(input);
  });

test("statusline: installed beside the user's own line; prints the session's config, cost, cache hit and binding, records its project; says when CLP is not running", async () => {
  const home = await tempHome();
  const a = await FakeUpstream.start('anthropic', 'a');
  const b = await FakeUpstream.start('anthropic', 'b');
  await writeConfig(home.home, 'claude', {
    a: { base_url: a.baseUrl, auth_token: 'sk-a-aaaaaaaaaaaaaaaaaaaa', active: true },
    中转: { base_url: b.baseUrl, auth_token: 'sk-b-bbbbbbbbbbbbbbbbbbbb' },
  });
  // The user's own statusline, which must keep showing.
  const settingsFile = join(home.home, '.claude', 'settings.json');
  await mkdir(join(home.home, '.claude'), { recursive: true });
  await writeFile(settingsFile, JSON.stringify({ statusLine: { type: 'command', command: 'echo "my line"', padding: 1 }, model: 'opus' }));
  const plan = planStatusLine(await readFile(settingsFile, 'utf8'), settingsFile, statuslineCommand(home.home, 'linux'), null);
  assert.equal(plan.previous, 'echo "my line"');
  assert.match(plan.changes[0]!, /your command `echo "my line"` is kept/);
  const dataDir = join(home.home, 'data');
  await applyStatusLine(plan, { home: home.home, dataDir, settingsFile, historyFile: join(dataDir, 'setup-history.json'), now: new Date() });
  const written = JSON.parse(await readFile(settingsFile, 'utf8'));
  assert.deepEqual(written.statusLine, { type: 'command', command: `bash '${statuslineScriptPath(home.home)}'`, padding: 1 });
  assert.equal(written.model, 'opus', 'the rest of the settings stay');
  assert.equal(planStatusLine(await readFile(settingsFile, 'utf8'), settingsFile, statuslineCommand(home.home, 'linux'), 'echo "my line"').changes.length, 0);

  const script = statuslineScriptPath(home.home);
  const dir = statuslineDir(dataDir);
  const input = claudeInput('5d6f1c1e-1111-4a4a-9b9b-000000000001', '/home/dev/项目 one');
  assert.deepEqual(await bash(script, input), { code: 0, out: 'my line  CLP not running (clp start)\n' });

  const core = await startCore(home.home);
  let stopped = false;
  try {
    assert.deepEqual(await bash(script, input), { code: 0, out: 'my line  CLP a\n' }, 'a session CLP has not seen yet: the active config');
    const s = new Anthropic({
      baseURL: core.urls.claude,
      apiKey: 'placeholder',
      maxRetries: 0,
      defaultHeaders: { 'x-claude-code-session-id': '5d6f1c1e-1111-4a4a-9b9b-000000000001' },
    });
    const hi = (c: Anthropic) => c.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    await hi(s);
    await hi(s);
    const token = await dashboardToken(home.home);
    const sessions = async () => (await rpc(core.urls.ui, 'sessions/list', {}, { 'x-clp-token': token })).json;
    const cost = async () => (await sessions()).find((x: { id: string }) => x.id.startsWith('5d6f1c1e')).cost_usd as number;
    await eventually(async () => (await bash(script, input)).out.includes('$'));
    const line = (await bash(script, input)).out;
    assert.equal(line, `my line  CLP a · ${money(await cost())} · cache 77%\n`);
    // The same answer from `clp statusline` (Node, where there is no bash).
    assert.equal(`${statuslineText(dir, input)}\n`, line);
    const env = { PATH: process.env.PATH, HOME: home.home, CLP_HOME: home.home };
    const viaCli = await clp(['statusline'], env, 30_000, input);
    assert.equal(viaCli.code, 0);
    assert.equal(viaCli.stdout, line);
    // The project directory, from what the statusline passed on.
    await eventually(async () => (await sessions()).find((x: { id: string }) => x.id.startsWith('5d6f1c1e'))?.project === '/home/dev/项目 one');
    // Usage by project and by session.
    await hi(new Anthropic({ baseURL: core.urls.claude, apiKey: 'placeholder', maxRetries: 0 }));
    const byProject = (await rpc(core.urls.ui, 'usage/get', { by: 'project' }, { 'x-clp-token': token })).json;
    assert.deepEqual(
      Object.entries(byProject.services.claude.projects).map(([k, v]) => [k, (v as { requests: number }).requests]),
      [
        ['(unknown project)', 1],
        ['/home/dev/项目 one', 2],
      ],
    );
    const cliEnv = envFor(home.home, core.ports());
    const bySession = await clp(['usage', '--by', 'session', '--since', '7d'], cliEnv);
    assert.equal(bySession.code, 0, bySession.stderr);
    assert.match(bySession.stdout, /^claude \(since 7d\), by session$/m);
    assert.match(bySession.stdout, /^ {2}5d6f1c1e-1111-4a4a-9b9b-000000000001 +2 +0 /m);
    assert.match(bySession.stdout, /^ {2}\(no session\) +1 +0 /m);
    assert.match((await clp(['usage', '--by', 'person'], cliEnv)).stderr, /--by: expected config, model, day, session or project, got "person"/);

    // Bound to 中转: the line says so at once.
    await rpc(core.urls.ui, 'sessions/bind', { id: '5d6f1c1e', config: '中转' }, { 'x-clp-token': token });
    await eventually(async () => (await bash(script, input)).out.startsWith('my line  CLP 中转 (bound) · $'));
    // A switch of the active config shows for an unbound session.
    await rpc(core.urls.ui, 'sessions/bind', { id: '5d6f1c1e', config: null }, { 'x-clp-token': token });
    await core.activate('claude', '中转');
    await eventually(async () => (await bash(script, input)).out.startsWith('my line  CLP 中转 · $'));
    // Garbage in: still a line, still exit 0.
    assert.deepEqual(await bash(script, 'not json'), { code: 0, out: 'my line  CLP 中转\n' });
    await core.stop();
    stopped = true;
    assert.deepEqual(await bash(script, input), { code: 0, out: 'my line  CLP not running (clp start)\n' }, 'a stopped CLP’s line is never shown');
    assert.equal((await clp(['statusline'], { PATH: process.env.PATH, HOME: home.home, CLP_HOME: join(home.home, 'nowhere') }, 30_000, input)).code, 0);
  } finally {
    if (!stopped) await core.stop();
    await a.close();
    await b.close();
    await home.cleanup();
  }
});

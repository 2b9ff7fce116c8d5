import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { clp, isolatedEnv } from '../helpers/cli.ts';
import { tempHome } from '../helpers/home.ts';

type Finding = { severity: 'problem' | 'warning' | 'ok'; message: string; fix: string };

test('clp doctor: whether CLP runs, and what in this terminal, the home folder and this project keeps the clients away from it', async () => {
  const { home, cleanup } = await tempHome();
  const project = join(home, '项目 one');
  await mkdir(join(project, '.claude'), { recursive: true });
  const env = await isolatedEnv(home);
  const claudeUrl = `http://127.0.0.1:${env.CLP_CLAUDE_PORT}`;
  try {
    // Not running, the shell pointing Claude Code elsewhere, this project's settings overriding the user's.
    await mkdir(join(home, '.claude'), { recursive: true });
    await writeFile(
      join(home, '.claude', 'settings.json'),
      JSON.stringify({ env: { ANTHROPIC_BASE_URL: claudeUrl, CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1' } }),
    );
    await writeFile(join(project, '.claude', 'settings.json'), JSON.stringify({ env: { ANTHROPIC_BASE_URL: 'https://relay.example' } }));
    const sick = await clp(['doctor'], { ...env, ANTHROPIC_BASE_URL: 'https://api.anthropic.com', ENABLE_TOOL_SEARCH: 'true' }, 30_000, undefined, project);
    assert.equal(sick.code, 1, sick.stderr);
    assert.match(sick.stdout, /^problem {2}CLP is not running\n {10}fix: clp start/m);
    assert.match(sick.stdout, /^problem {2}The shell sets ANTHROPIC_BASE_URL=https:\/\/api\.anthropic\.com$/m);
    assert.match(
      sick.stdout,
      /^problem {2}\S+项目 one\/\.claude\/settings\.json overrides ANTHROPIC_BASE_URL with https:\/\/relay\.example$/m,
      'the project in the current folder is read',
    );
    assert.doesNotMatch(sick.stdout, /ENABLE_TOOL_SEARCH is on but no config/, 'without a running CLP the configs are unknown, not "none"');
    assert.match(sick.stdout, /fix: Run `clp setup codex` \(or start it with `clp run -- codex`, nothing written\)\./, 'a terminal fix');

    // Running, nothing in the way: every finding ok or a warning, exit 0; --json has the findings.
    assert.equal((await clp(['start'], env)).code, 0);
    await writeFile(join(project, '.claude', 'settings.json'), '{}');
    const well = await clp(['doctor'], env, 30_000, undefined, project);
    assert.equal(well.code, 0, well.stdout + well.stderr);
    assert.match(well.stdout, /^ok {7}CLP is running \(daemon, pid \d+\)$/m);
    assert.doesNotMatch(well.stdout, /^problem/m);
    assert.doesNotMatch(well.stdout, /Claude Code CLI is not pointed at CLP/);
    const json = JSON.parse((await clp(['doctor', '--json'], env, 30_000, undefined, project)).stdout) as Finding[];
    assert.equal(json[0]!.severity, 'ok');
    assert.ok(json.every((f) => ['ok', 'warning', 'problem'].includes(f.severity) && typeof f.fix === 'string'));
  } finally {
    await clp(['stop'], env);
    await cleanup();
  }
});

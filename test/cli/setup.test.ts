import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { recordChange } from '../../src/core/setup/history.ts';
import { clp, isolatedEnv } from '../helpers/cli.ts';
import { tempHome, writeConfig } from '../helpers/home.ts';

const exists = (path: string) =>
  readFile(path).then(
    () => true,
    () => false,
  );

test('clp setup shows the changes, writes them only when told, keeps every other key, and undo takes them back one by one', async () => {
  const { home, cleanup } = await tempHome();
  const env = await isolatedEnv(home);
  const claudeUrl = `http://127.0.0.1:${env.CLP_CLAUDE_PORT}`;
  await writeConfig(home, 'codex', { '中转-a': { base_url: 'http://127.0.0.1:9/v1', api_key: 'sk-setup-secret', active: true } });
  const settingsFile = join(home, '.claude', 'settings.json');
  const original = `${JSON.stringify({ model: 'opus', env: { MY_VAR: '1' } }, null, 2)}\n`;
  await mkdir(join(home, '.claude'), { recursive: true });
  await writeFile(settingsFile, original);
  await mkdir(join(home, '.gemini'), { recursive: true });
  try {
    // No terminal to ask in and no --yes: the changes are shown, nothing is written.
    const asked = await clp(['setup', 'claude'], env);
    assert.equal(asked.code, 2, asked.stderr);
    assert.match(asked.stdout, new RegExp(`env\\.ANTHROPIC_BASE_URL: \\(unset\\) → ${claudeUrl.replace(/\./g, '\\.')}`));
    assert.match(asked.stdout, /statusLine → CLP's line/);
    assert.equal(asked.stderr.trim(), 'clp: nothing was written: no terminal to ask in; run it again with --yes to make these changes');
    assert.equal(await readFile(settingsFile, 'utf8'), original);

    const done = await clp(['setup', 'claude', '--yes'], env);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /\nClaude Code now goes through CLP \(its new sessions\); `clp setup undo` takes the last change back, `clp doctor` checks/);
    const written = JSON.parse(await readFile(settingsFile, 'utf8'));
    assert.equal(written.model, 'opus', 'every other key stays');
    assert.equal(written.env.MY_VAR, '1');
    assert.equal(written.env.ANTHROPIC_BASE_URL, claudeUrl);
    assert.equal(written.env.CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY, '1');
    assert.match(written.statusLine.command, /statusline\.sh/);
    assert.doesNotMatch((await clp(['doctor'], env, 30_000, undefined, home)).stdout, /Claude Code CLI is not pointed at CLP/);
    assert.equal((await clp(['setup', 'claude'], env)).stdout.trim(), 'Claude Code already goes through CLP: nothing to change.');

    assert.equal((await clp(['setup', 'codex', '--yes'], env)).code, 0);
    const toml = await readFile(join(home, '.codex', 'config.toml'), 'utf8');
    assert.match(toml, /^model_provider = "clp"$/m);
    assert.ok(toml.includes(`http://127.0.0.1:${env.CLP_CODEX_PORT}/v1`), toml);
    assert.match(await readFile(join(home, '.codex', 'clp-中转-a.config.toml'), 'utf8'), /model_provider = "clp-中转-a"/);
    assert.ok(!toml.includes('sk-setup-secret'), 'no key is written into a client file');

    assert.equal((await clp(['setup', 'gemini', '--yes'], env)).code, 0);
    assert.match(await readFile(join(home, '.gemini', '.env'), 'utf8'), new RegExp(`GOOGLE_GEMINI_BASE_URL=http://127\\.0\\.0\\.1:${env.CLP_GEMINI_PORT}`));

    // Undo, the last change first, until there is none: every file as it was.
    let undone = 0;
    for (;;) {
      const r = await clp(['setup', 'undo'], env);
      if (r.code !== 0) {
        assert.equal(r.stderr.trim(), 'clp: no setup change to undo');
        break;
      }
      assert.match(r.stdout, /^undone: the change to \S+/);
      undone++;
    }
    assert.ok(undone >= 5, `${undone} changes undone`);
    assert.equal(await readFile(settingsFile, 'utf8'), original);
    assert.equal(await exists(join(home, '.codex', 'config.toml')), false);
    assert.equal(await exists(join(home, '.gemini', '.env')), false);

    // A change VS Code made to its own setting is left for VS Code to undo, and stays in the history.
    await recordChange(join(home, 'data', 'setup-history.json'), {
      at: new Date().toISOString(),
      what: 'user setting claudeCode.environmentVariables',
      target: { kind: 'setting', key: 'claudeCode.environmentVariables' },
      before: null,
    });
    const vscodeOnly = await clp(['setup', 'undo'], env);
    assert.equal(vscodeOnly.code, 1);
    assert.equal(
      vscodeOnly.stderr.trim(),
      'clp: the last setup change is VS Code\'s user setting claudeCode.environmentVariables: undo it there ("CLP: Undo Last Setup Change")',
    );
    assert.equal(JSON.parse(await readFile(join(home, 'data', 'setup-history.json'), 'utf8')).length, 1);

    const bad = await clp(['setup', 'grok'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^clp: setup: expected claude, codex, gemini or undo, got "grok"/);
  } finally {
    await cleanup();
  }
});

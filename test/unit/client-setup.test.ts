import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planClaudeExtensionEnv, planClaudeSettingsFile } from '../../src/core/setup/claude.ts';
import { planCodexConfig, readTomlKeys } from '../../src/core/setup/codex.ts';
import { diagnose, type DoctorInput } from '../../src/core/setup/doctor.ts';
import { windowAdvice } from '../../src/core/setup/window-advice.ts';

const URL = 'http://127.0.0.1:3210';
const CODEX = 'http://127.0.0.1:3211/v1';

test('Claude extension env: merged, API key dropped, and a second run changes nothing', () => {
  const first = planClaudeExtensionEnv(
    [
      { name: 'A', value: '1' },
      { name: 'ANTHROPIC_API_KEY', value: 'k' },
    ],
    URL,
  );
  assert.deepEqual(first.next, [
    { name: 'A', value: '1' },
    { name: 'ANTHROPIC_BASE_URL', value: URL },
    { name: 'ANTHROPIC_AUTH_TOKEN', value: 'clp' },
    { name: 'CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY', value: '1' },
  ]);
  assert.equal(first.changes.length, 4);
  assert.deepEqual(planClaudeExtensionEnv(first.next, URL).changes, []);
});

test('~/.claude/settings.json: other keys kept; a broken file is refused, never replaced', () => {
  const plan = planClaudeSettingsFile('{"permissions":{"allow":["Bash"]},"env":{"X":"y"}}', URL, 'settings.json');
  assert.deepEqual(JSON.parse(plan.next), {
    permissions: { allow: ['Bash'] },
    env: { X: 'y', ANTHROPIC_BASE_URL: URL, ANTHROPIC_AUTH_TOKEN: 'clp', CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1' },
  });
  assert.deepEqual(planClaudeSettingsFile(plan.next, URL, 'settings.json').changes, []);
  assert.throws(() => planClaudeSettingsFile('{oops', URL, '/h/.claude/settings.json'), /^ClpError: \/h\/\.claude\/settings\.json: not valid JSON/);
  assert.equal(JSON.parse(planClaudeSettingsFile(null, URL, 's').next).env.ANTHROPIC_BASE_URL, URL);
});

test('Codex config.toml: empty, existing provider line, existing CLP table; idempotent', () => {
  const fresh = planCodexConfig(null, CODEX).next;
  assert.equal(fresh, `model_provider = "clp"\n\n[model_providers.clp]\nname = "CLP"\nbase_url = "${CODEX}"\nwire_api = "responses"\n`);
  assert.deepEqual(planCodexConfig(fresh, CODEX).changes, []);
  const moved = planCodexConfig(fresh, 'http://127.0.0.1:4000/v1');
  assert.match(moved.next, /base_url = "http:\/\/127\.0\.0\.1:4000\/v1"/);
  assert.equal(moved.next.match(/\[model_providers\.clp\]/g)!.length, 1);
  const withTables = '[model_providers.clp]\nbase_url = "old"\n\n[profiles.x]\nmodel = "m"\n';
  const t = readTomlKeys(planCodexConfig(withTables, CODEX).next);
  assert.equal(t.get('')!.get('model_provider'), 'clp');
  assert.equal(t.get('model_providers.clp')!.get('base_url'), CODEX);
  assert.equal(t.get('profiles.x')!.get('model'), 'm');
});

const base = (over: Partial<DoctorInput>): DoctorInput => ({
  claudeUrl: URL,
  codexUrl: CODEX,
  env: {},
  claudeFiles: [
    ['~/.claude/settings.json', { env: { ANTHROPIC_BASE_URL: URL, ANTHROPIC_AUTH_TOKEN: 'clp', CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1' } }],
  ],
  extensionEnv: null,
  codexToml: planCodexConfig(null, CODEX).next,
  ...over,
});

test('doctor: a clean setup, then each thing that defeats it', () => {
  assert.deepEqual(
    diagnose(base({})).map((f) => f.severity),
    ['ok'],
  );
  const cases: Array<[Partial<DoctorInput>, RegExp]> = [
    [{ env: { ANTHROPIC_BASE_URL: 'https://api.anthropic.com' } }, /shell sets ANTHROPIC_BASE_URL/],
    [{ env: { ANTHROPIC_API_KEY: 'a', ANTHROPIC_AUTH_TOKEN: 'b' } }, /both ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN/],
    [
      {
        claudeFiles: [
          ['~/.claude/settings.json', { env: { ANTHROPIC_BASE_URL: URL } }],
          ['.claude/settings.local.json', { env: { ANTHROPIC_BASE_URL: 'https://relay' } }],
        ],
      },
      /settings\.local\.json overrides ANTHROPIC_BASE_URL/,
    ],
    [
      {
        codexToml: `${planCodexConfig(null, CODEX).next}profile = "p"\n[profiles.p]\nmodel_provider = "openai"\n`.replace(
          'model_provider = "clp"\n',
          'model_provider = "clp"\nprofile = "p"\n',
        ),
      },
      /profile "p" uses provider "openai"/,
    ],
    [
      {
        extensionEnv: [
          { name: 'ANTHROPIC_API_KEY', value: 'k' },
          { name: 'ANTHROPIC_BASE_URL', value: URL },
        ],
      },
      /environmentVariables set ANTHROPIC_API_KEY/,
    ],
  ];
  for (const [input, expected] of cases) {
    const findings = diagnose(base(input));
    assert.equal(findings[0]!.severity, 'problem', JSON.stringify(findings));
    assert.match(findings[0]!.message, expected);
    assert.ok(findings[0]!.fix.length > 0);
  }
});

test("doctor: model discovery off, and the original tool's quiet-traffic variable, are explained", () => {
  const off = diagnose(base({ claudeFiles: [['~/.claude/settings.json', { env: { ANTHROPIC_BASE_URL: URL, ANTHROPIC_AUTH_TOKEN: 'clp' } }]] }));
  assert.deepEqual(
    off.map((f) => f.severity),
    ['warning'],
  );
  assert.match(off[0]!.message, /CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY is not set/);
  assert.match(off[0]!.fix, /Set Up Claude Code/);
  const quiet = diagnose(base({ env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' } }));
  assert.equal(quiet.length, 1);
  assert.match(quiet[0]!.message, /CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC is set in the shell.*\/model/);
  assert.match(quiet[0]!.fix, /answers Claude Code's telemetry itself/);
});

test('tool search: the setup turns it on when a config serves it; the doctor explains both ways it goes wrong', () => {
  const plan = planClaudeSettingsFile(null, URL, 'settings.json', undefined, true);
  assert.equal(JSON.parse(plan.next).env.ENABLE_TOOL_SEARCH, 'true');
  assert.match(plan.changes.join('\n'), /ENABLE_TOOL_SEARCH → true/);
  assert.equal(JSON.parse(planClaudeSettingsFile(null, URL, 'settings.json').next).env.ENABLE_TOOL_SEARCH, undefined, 'not without such a config');
  const off = diagnose(base({ claudeToolSearch: true }));
  assert.match(off[0]!.message, /serves tool search but Claude Code has it off/);
  const useless = diagnose(base({ claudeToolSearch: false, env: { ENABLE_TOOL_SEARCH: 'true' } }));
  assert.match(useless[0]!.message, /ENABLE_TOOL_SEARCH is on but no config says "tool_search": true/);
  assert.deepEqual(
    diagnose(base({ claudeToolSearch: true, env: { ENABLE_TOOL_SEARCH: 'true' } })).map((f) => f.severity),
    ['ok'],
  );
});

test('with clientSecret on, the setup writes the secret as each client key, and says so without printing it', () => {
  const secret = `clp-${'a'.repeat(48)}`;
  const ext = planClaudeExtensionEnv([], 'http://127.0.0.1:3210', secret);
  assert.deepEqual(
    ext.next.find((e) => e.name === 'ANTHROPIC_AUTH_TOKEN'),
    { name: 'ANTHROPIC_AUTH_TOKEN', value: secret },
  );
  assert.ok(!ext.changes.join('\n').includes(secret));
  const file = planClaudeSettingsFile('{"env":{"ANTHROPIC_AUTH_TOKEN":"clp"}}', 'http://127.0.0.1:3210', 'settings.json', secret);
  assert.equal(JSON.parse(file.next).env.ANTHROPIC_AUTH_TOKEN, secret);
  assert.ok(!file.changes.join('\n').includes(secret));
  const codex = planCodexConfig('', 'http://127.0.0.1:3211/v1', secret);
  assert.match(codex.next, new RegExp(`\\[model_providers\\.clp\\][^[]*experimental_bearer_token = "${secret}"`));
  assert.doesNotMatch(planCodexConfig('', 'http://127.0.0.1:3211/v1').next, /bearer/);
});

test('Codex: a provider per config on CLP, bound by header, and a profile file naming it; names that cannot be files get none', async () => {
  const { codexProfiles } = await import('../../src/core/setup/codex.ts');
  const text = planCodexConfig(null, CODEX, null, ['relay-a', '中转站', 'a/b']).next;
  assert.match(
    text,
    /\[model_providers\."clp-中转站"\]\nname = "CLP \(中转站\)"\nbase_url = "[^"]+"\nwire_api = "responses"\nhttp_headers = \{ "x-clp-config" = "%E4%B8%AD%E8%BD%AC%E7%AB%99" \}/,
  );
  assert.doesNotMatch(text, /a\/b|\[profiles/, 'no legacy [profiles] table, nothing for a name that cannot be a file');
  assert.deepEqual(planCodexConfig(text, CODEX, null, ['relay-a', '中转站', 'a/b']).changes, [], 'a second run changes nothing');
  const p = codexProfiles(['relay-a', '中转站', 'a/b']);
  assert.deepEqual(
    p.files.map((f) => [f.profile, f.text.split('\n')[1]]),
    [
      ['clp-relay-a', 'model_provider = "clp-relay-a"'],
      ['clp-中转站', 'model_provider = "clp-中转站"'],
    ],
  );
  assert.deepEqual(p.skipped, ['a/b']);
});

test('doctor: a config serving a non-Claude model gets the client-side window settings explained, until they are set', () => {
  const foreignModels = [{ config: 'glm-relay', model: 'glm-4.6', window: 128_000 }];
  const found = diagnose(base({ foreignModels }));
  assert.match(found[0]!.message, /"glm-relay" serves glm-4\.6, with a 128,000-token window: Claude Code assumes 200K/);
  assert.match(found[0]!.fix, /CLAUDE_CODE_AUTO_COMPACT_WINDOW=128000/);
  const set = diagnose(base({ foreignModels, env: { CLAUDE_CODE_AUTO_COMPACT_WINDOW: '120000' } }));
  assert.deepEqual(
    set.map((f) => f.severity),
    ['ok'],
  );
  assert.match(diagnose(base({ foreignModels: [{ config: 'x', model: 'kimi-k3', window: null }] }))[0]!.fix, /"context_window"/);
});

test('window advice: one line per foreign model, smallest window first, the variables for the smallest known; none without foreign models', () => {
  assert.deepEqual(windowAdvice([]), []);
  const lines = windowAdvice([
    { config: 'kimi', model: 'kimi-k2', window: 256_000 },
    { config: 'odd', model: 'mystery-1', window: null },
    { config: '智谱', model: 'glm-4.6', window: 128_000 },
  ]);
  assert.deepEqual(lines.slice(1), [
    '  智谱: glm-4.6, 128,000 tokens',
    '  kimi: kimi-k2, 256,000 tokens',
    '  odd: mystery-1, window unknown (give the config a "context_window")',
    "  When you work on 智谱, set CLAUDE_CODE_AUTO_COMPACT_WINDOW=128000 and CLAUDE_CODE_MAX_CONTEXT_TOKENS=128000 in Claude Code's env so it compacts before the window fills; unset them for Claude models.",
  ]);
  assert.equal(windowAdvice([{ config: 'odd', model: 'mystery-1', window: null }]).length, 2, 'no variables without a known window');
});

import { DISCOVERY, TOOL_SEARCH } from './claude.ts';
import { type Finding, pointAt, setUpCommand } from './finding.ts';

export type { Finding };
import { PROVIDER_ID, readTomlKeys } from './codex.ts';
import { type GeminiFacts, geminiFindings } from './gemini.ts';
import { type ForeignModel, windowFix, windowProblem } from './window-advice.ts';

export interface DoctorInput {
  claudeUrl: string;
  codexUrl: string;
  /** The environment the editor (and so the shell it was started from) passes on. */
  env: Record<string, string | undefined>;
  /** Claude Code settings files that may carry `env`, lowest precedence first: `[path, parsed JSON or null]`. */
  claudeFiles: Array<[string, Record<string, unknown> | null]>;
  /** The Claude Code extension's environmentVariables setting, when the extension is installed. */
  extensionEnv: Array<{ name: string; value: string }> | null;
  codexToml: string | null;
  /** Whether a Claude config serves tool search (`tool_search: true`). */
  claudeToolSearch?: boolean;
  /** Claude configs' models that are not Claude models, with their windows when known. */
  foreignModels?: ForeignModel[];
  /** Gemini CLI's files, when it is used here (`~/.gemini` exists); null or absent: not checked. */
  gemini?: { url: string; facts: GeminiFacts } | null;
  /** Asked from a terminal (`clp doctor`): the fixes say `clp run` and where VS Code's commands are. */
  terminal?: boolean;
}

const envOf = (json: Record<string, unknown> | null): Record<string, string> => (json?.env as Record<string, string> | undefined) ?? {};

/** Pure: everything that would keep Claude Code, Codex or Gemini CLI from going through CLP, with the fix. */
export function diagnose(input: DoctorInput): Finding[] {
  const out: Finding[] = [];
  const shellUrl = input.env.ANTHROPIC_BASE_URL;
  if (shellUrl && shellUrl !== input.claudeUrl) {
    out.push({
      severity: 'problem',
      message: `The shell sets ANTHROPIC_BASE_URL=${shellUrl}`,
      fix: `Remove it from your shell profile (or set it to ${input.claudeUrl}) and open a new terminal.`,
    });
  }
  if (input.env.ANTHROPIC_API_KEY && input.env.ANTHROPIC_AUTH_TOKEN) {
    out.push({
      severity: 'problem',
      message: 'The shell sets both ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN',
      fix: 'Unset ANTHROPIC_API_KEY: with CLP the placeholder token is enough.',
    });
  }
  let effective: string | undefined;
  for (const [file, json] of input.claudeFiles) {
    const env = envOf(json);
    if (env.ANTHROPIC_BASE_URL !== undefined) {
      if (effective === input.claudeUrl && env.ANTHROPIC_BASE_URL !== input.claudeUrl) {
        out.push({
          severity: 'problem',
          message: `${file} overrides ANTHROPIC_BASE_URL with ${env.ANTHROPIC_BASE_URL}`,
          fix: `Remove env.ANTHROPIC_BASE_URL from ${file}, or set it to ${input.claudeUrl}.`,
        });
      }
      effective = env.ANTHROPIC_BASE_URL;
    }
    if (env.ANTHROPIC_API_KEY && (env.ANTHROPIC_AUTH_TOKEN || input.env.ANTHROPIC_AUTH_TOKEN)) {
      out.push({
        severity: 'problem',
        message: `${file} sets ANTHROPIC_API_KEY next to ANTHROPIC_AUTH_TOKEN`,
        fix: `Remove env.ANTHROPIC_API_KEY from ${file}.`,
      });
    }
  }
  if (effective !== input.claudeUrl && !(shellUrl === input.claudeUrl)) {
    out.push({
      severity: 'warning',
      message: 'The Claude Code CLI is not pointed at CLP',
      fix: `${pointAt('Claude Code', input.terminal)} (it writes env.ANTHROPIC_BASE_URL in ~/.claude/settings.json).`,
    });
  }
  if (input.extensionEnv) {
    const url = input.extensionEnv.find((e) => e.name === 'ANTHROPIC_BASE_URL')?.value;
    if (url !== input.claudeUrl)
      out.push({
        severity: 'warning',
        message: `The Claude Code extension's environmentVariables ${url ? `point at ${url}` : 'do not point at CLP'}`,
        fix: 'Run "CLP: Set Up Claude Code".',
      });
    if (input.extensionEnv.some((e) => e.name === 'ANTHROPIC_API_KEY'))
      out.push({
        severity: 'problem',
        message: "The Claude Code extension's environmentVariables set ANTHROPIC_API_KEY",
        fix: 'Remove it: CLP sends the config key upstream.',
      });
  }
  out.push(...discoveryFindings(input));
  if (input.codexToml === null) {
    out.push({ severity: 'warning', message: 'Codex has no ~/.codex/config.toml', fix: `${pointAt('Codex', input.terminal)}.` });
  } else {
    const t = readTomlKeys(input.codexToml);
    const top = t.get('')!;
    const provider = top.get('model_provider');
    const clp = t.get(`model_providers.${PROVIDER_ID}`);
    if (provider !== PROVIDER_ID || clp?.get('base_url') !== input.codexUrl) {
      out.push({
        severity: 'warning',
        message: `Codex uses ${provider ? `provider "${provider}"` : 'its default provider'}${clp ? '' : ' and has no CLP provider'}`,
        fix: `${pointAt('Codex', input.terminal)}.`,
      });
    }
    const profile = top.get('profile');
    const profileProvider = profile ? t.get(`profiles.${profile}`)?.get('model_provider') : undefined;
    if (profile && profileProvider && profileProvider !== PROVIDER_ID) {
      out.push({
        severity: 'problem',
        message: `Codex's active profile "${profile}" uses provider "${profileProvider}"`,
        fix: `Set model_provider = "${PROVIDER_ID}" in [profiles.${profile}], or remove profile = "${profile}".`,
      });
    }
    if (input.env.OPENAI_BASE_URL && input.env.OPENAI_BASE_URL !== input.codexUrl) {
      out.push({
        severity: 'warning',
        message: `The shell sets OPENAI_BASE_URL=${input.env.OPENAI_BASE_URL}`,
        fix: 'Codex may use it for the built-in OpenAI provider; unset it if Codex should go through CLP.',
      });
    }
  }
  if (input.gemini) out.push(...geminiFindings(input.gemini.url, input.env, input.gemini.facts, input.terminal));
  if (!out.length)
    out.push({
      severity: 'ok',
      message: input.gemini ? 'Claude Code, Codex and Gemini CLI all go through CLP' : 'Claude Code and Codex both go through CLP',
      fix: '',
    });
  // Problems (the setup is defeated) before warnings (it is not done yet).
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'problem' ? -1 : 1));
}

const QUIET = 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC';

/**
 * Claude Code's `/model` lists CLP's configs only with gateway discovery on; some 2.1 versions also
 * skip the list when nonessential traffic is off (2.1.332 does not), which the original tool told
 * its users to set to keep telemetry away from relays. CLP answers that telemetry itself.
 */
function discoveryFindings(input: DoctorInput): Finding[] {
  const where: Array<[string, Record<string, string | undefined>]> = [
    ['the shell', input.env],
    ...input.claudeFiles.map(([file, json]) => [file, envOf(json)] as [string, Record<string, string>]),
    ...(input.extensionEnv
      ? [
          ["the Claude Code extension's environmentVariables", Object.fromEntries(input.extensionEnv.map((e) => [e.name, e.value]))] as [
            string,
            Record<string, string>,
          ],
        ]
      : []),
  ];
  const out: Finding[] = [];
  const searching = where.some(([, env]) => env[TOOL_SEARCH] === 'true' || env[TOOL_SEARCH] === '1');
  if (input.claudeToolSearch && !searching)
    out.push({
      severity: 'warning',
      message: `A config serves tool search but Claude Code has it off (it turns it off behind any base URL but Anthropic's): every MCP tool's schema is sent in every request`,
      fix: `${setUpCommand('Claude Code', input.terminal)} (it sets ${TOOL_SEARCH}=true); CLP takes tool search out of requests to configs without tool_search: true.`,
    });
  if (searching && input.claudeToolSearch === false)
    out.push({
      severity: 'warning',
      message: `${TOOL_SEARCH} is on but no config says "tool_search": true: CLP takes tool search out of every request, so MCP tools are sent in full anyway`,
      fix: 'Set "tool_search": true on the configs that pass Anthropic\'s API through unchanged (the official API), or unset the variable.',
    });
  const compact = where.find(([, env]) => env.CLAUDE_CODE_AUTO_COMPACT_WINDOW)?.[1].CLAUDE_CODE_AUTO_COMPACT_WINDOW;
  for (const f of input.foreignModels ?? []) {
    if (f.window !== null && compact && Number(compact) <= f.window) continue;
    out.push({ severity: 'warning', message: windowProblem(f), fix: windowFix(f) });
  }
  const quiet = where.filter(([, env]) => env[QUIET]).map(([w]) => w);
  if (quiet.length)
    out.push({
      severity: 'warning',
      message: `${QUIET} is set in ${quiet.join(', ')}: some Claude Code versions then skip CLP's model list, so /model shows no configs`,
      fix: `Unset it if /model lacks CLP's entries: with CLP it is not needed, CLP answers Claude Code's telemetry itself and never sends it to a relay.`,
    });
  if (!where.some(([, env]) => env[DISCOVERY]))
    out.push({
      severity: 'warning',
      message: `${DISCOVERY} is not set: Claude Code's /model does not list CLP's configs`,
      fix: `${setUpCommand('Claude Code', input.terminal)} (or set it to 1): picking "Opus … via <config>" in /model then keeps that session on that config.`,
    });
  return out;
}

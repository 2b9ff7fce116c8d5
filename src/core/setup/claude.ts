import { ClpError } from '../../shared/errors.ts';

/** What Claude Code sends as its key through CLP; the proxy drops it and uses the config's key. */
export const PLACEHOLDER_TOKEN = 'clp';

export interface EnvEntry {
  name: string;
  value: string;
}

export interface Plan<T> {
  next: T;
  /** One line per change, shown to the user before anything is written. */
  changes: string[];
}

/**
 * Makes Claude Code ask CLP for its `/model` list at start (gateway model discovery): one entry per
 * config and model, and picking one keeps that session on that config.
 */
export const DISCOVERY = 'CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY';

/**
 * Claude Code turns MCP tool search off behind any base URL but Anthropic's own; this turns it back
 * on. Written when a config says `tool_search: true` (it passes Anthropic's API through unchanged).
 */
export const TOOL_SEARCH = 'ENABLE_TOOL_SEARCH';

/**
 * The Claude Code extension's `environmentVariables` setting (a list of `{name, value}`): points it at
 * CLP and keeps every other variable as it was.
 */
export function planClaudeExtensionEnv(current: unknown, baseUrl: string, token: string = PLACEHOLDER_TOKEN, toolSearch = false): Plan<EnvEntry[]> {
  const list = Array.isArray(current) ? (current as EnvEntry[]).filter((e) => e && typeof e.name === 'string') : [];
  const wanted: EnvEntry[] = [
    { name: 'ANTHROPIC_BASE_URL', value: baseUrl },
    { name: 'ANTHROPIC_AUTH_TOKEN', value: token },
    { name: DISCOVERY, value: '1' },
    ...(toolSearch ? [{ name: TOOL_SEARCH, value: 'true' }] : []),
  ];
  const changes: string[] = [];
  const next = list
    .filter((e) => e.name !== 'ANTHROPIC_API_KEY' || (changes.push('remove ANTHROPIC_API_KEY (it would win over the proxy token)'), false))
    .map((e) => ({ ...e }));
  for (const w of wanted) {
    const existing = next.find((e) => e.name === w.name);
    if (!existing) {
      next.push(w);
      changes.push(`add ${w.name}=${w.name === 'ANTHROPIC_AUTH_TOKEN' && w.value !== PLACEHOLDER_TOKEN ? "(CLP's client secret)" : w.value}`);
    } else if (existing.value !== w.value) {
      changes.push(
        `set ${w.name}: ${w.name === 'ANTHROPIC_AUTH_TOKEN' ? `(a token) → ${w.value === PLACEHOLDER_TOKEN ? w.value : "(CLP's client secret)"}` : `${existing.value} → ${w.value}`}`,
      );
      existing.value = w.value;
    }
  }
  return { next, changes };
}

/** `~/.claude/settings.json` as an object (empty when there is none); a file that is not one is refused, never replaced. */
export function claudeSettingsObject(text: string | null, file: string): Record<string, unknown> {
  if (!text?.trim()) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ClpError('config_invalid', `${file}: not valid JSON (${(err as Error).message}); fix it first, CLP will not overwrite it`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new ClpError('config_invalid', `${file}: expected a JSON object`);
  return json as Record<string, unknown>;
}

/**
 * `~/.claude/settings.json` for the terminal CLI: sets `env.ANTHROPIC_BASE_URL`, a placeholder
 * token and model discovery, leaving every other key as it was. A file that is not JSON is refused, never replaced.
 */
export function planClaudeSettingsFile(
  text: string | null,
  baseUrl: string,
  file: string,
  token: string = PLACEHOLDER_TOKEN,
  toolSearch = false,
): Plan<string> {
  const json = claudeSettingsObject(text, file);
  const env = { ...((json.env as Record<string, string> | undefined) ?? {}) };
  const changes: string[] = [];
  if (env.ANTHROPIC_BASE_URL !== baseUrl) {
    changes.push(`env.ANTHROPIC_BASE_URL: ${env.ANTHROPIC_BASE_URL ?? '(unset)'} → ${baseUrl}`);
    env.ANTHROPIC_BASE_URL = baseUrl;
  }
  if (env.ANTHROPIC_AUTH_TOKEN !== token) {
    changes.push(
      token === PLACEHOLDER_TOKEN
        ? `env.ANTHROPIC_AUTH_TOKEN → ${PLACEHOLDER_TOKEN} (a placeholder: CLP sends the config's key)`
        : "env.ANTHROPIC_AUTH_TOKEN → CLP's client secret (setting clientSecret; CLP still sends the config's key upstream)",
    );
    env.ANTHROPIC_AUTH_TOKEN = token;
  }
  if (env[DISCOVERY] !== '1') {
    changes.push(`env.${DISCOVERY} → 1 (Claude Code's /model lists each config's models)`);
    env[DISCOVERY] = '1';
  }
  if (toolSearch && env[TOOL_SEARCH] !== 'true') {
    changes.push(`env.${TOOL_SEARCH} → true (a config serves tool search; CLP takes it out for those that do not)`);
    env[TOOL_SEARCH] = 'true';
  }
  if ('ANTHROPIC_API_KEY' in env) {
    changes.push('remove env.ANTHROPIC_API_KEY (it would win over the proxy token)');
    delete env.ANTHROPIC_API_KEY;
  }
  return { next: `${JSON.stringify({ ...json, env }, null, 2)}\n`, changes };
}

import { claudeSettingsObject, PLACEHOLDER_TOKEN, type Plan } from './claude.ts';
import { type Finding, pointAt } from './finding.ts';

/** The auth type Gemini CLI needs for a key (non-interactive runs stop without one). */
export const GEMINI_AUTH = 'gemini-api-key';
export const BASE_URL_VAR = 'GOOGLE_GEMINI_BASE_URL';
export const KEY_VAR = 'GEMINI_API_KEY';

/** `KEY=value` (or `export KEY="value"`) of a dotenv line; null for comments and blanks. */
function envLine(line: string): { name: string; value: string } | null {
  const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
  if (!m) return null;
  let value = m[2]!;
  if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
  else value = value.replace(/\s+#.*$/, '');
  return { name: m[1]!, value };
}

/** The variables of a dotenv text. Pure. */
export function readEnvFile(text: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? '').split(/\r?\n/)) {
    const e = envLine(line);
    if (e) out.set(e.name, e.value);
  }
  return out;
}

/**
 * `~/.gemini/.env` (Gemini CLI reads it when no project `.env` is found first): the base URL and the
 * key CLP takes, every other line kept as it was. Pure.
 */
export function planGeminiEnv(text: string | null, baseUrl: string, key: string = PLACEHOLDER_TOKEN): Plan<string> {
  const wanted: Array<[string, string]> = [
    [BASE_URL_VAR, baseUrl],
    [KEY_VAR, key],
  ];
  const shown = (name: string, value: string) => (name === KEY_VAR ? (value === PLACEHOLDER_TOKEN ? value : "(CLP's client secret)") : value);
  const lines = text ? text.replace(/\r?\n$/, '').split(/\r?\n/) : [];
  const changes: string[] = [];
  const seen = new Set<string>();
  const next = lines.map((line) => {
    const e = envLine(line);
    const want = e ? wanted.find(([name]) => name === e.name) : undefined;
    if (!e || !want) return line;
    seen.add(e.name);
    if (e.value === want[1]) return line;
    changes.push(`set ${e.name}: ${e.name === KEY_VAR ? '(a key)' : e.value} → ${shown(e.name, want[1])}`);
    return `${e.name}=${want[1]}`;
  });
  for (const [name, value] of wanted) {
    if (seen.has(name)) continue;
    next.push(`${name}=${value}`);
    changes.push(`add ${name}=${shown(name, value)}`);
  }
  return { next: `${next.join('\n')}\n`, changes };
}

/** `~/.gemini/settings.json` with `security.auth.selectedType` set to the key's auth type; a file that is not JSON is refused, never replaced. Pure. */
export function planGeminiSettings(text: string | null, file: string): Plan<string> {
  const json = claudeSettingsObject(text, file);
  const security = (json.security && typeof json.security === 'object' ? json.security : {}) as Record<string, unknown>;
  const auth = (security.auth && typeof security.auth === 'object' ? security.auth : {}) as Record<string, unknown>;
  if (auth.selectedType === GEMINI_AUTH) return { next: text ?? '', changes: [] };
  const next = { ...json, security: { ...security, auth: { ...auth, selectedType: GEMINI_AUTH } } };
  return {
    next: `${JSON.stringify(next, null, 2)}\n`,
    changes: [`set security.auth.selectedType: ${typeof auth.selectedType === 'string' ? auth.selectedType : '(none)'} → ${GEMINI_AUTH}`],
  };
}

/** What the doctor reads for Gemini CLI. */
export interface GeminiFacts {
  /** `~/.gemini/.env`'s text, or null. */
  envFile: string | null;
  /** `~/.gemini/settings.json` parsed, or null. */
  settings: Record<string, unknown> | null;
  /** Project `.env` files (workspace folders') found before `~/.gemini/.env`: `[path, text]`. */
  projectEnvFiles: Array<[string, string]>;
}

/** Pure: what would keep Gemini CLI from going through CLP, with the fix. */
export function geminiFindings(url: string, env: Record<string, string | undefined>, facts: GeminiFacts, terminal = false): Finding[] {
  const out: Finding[] = [];
  const setUp = `${pointAt('Gemini CLI', terminal)}.`;
  const shell = env[BASE_URL_VAR];
  if (shell && shell !== url)
    out.push({
      severity: 'problem',
      message: `The shell sets ${BASE_URL_VAR}=${shell}`,
      fix: `Remove it from your shell profile (or set it to ${url}): it wins over ~/.gemini/.env.`,
    });
  const fileUrl = readEnvFile(facts.envFile).get(BASE_URL_VAR);
  if (shell !== url && fileUrl !== url)
    out.push({ severity: 'warning', message: 'Gemini CLI is not pointed at CLP', fix: `${setUp} (it writes ${BASE_URL_VAR} in ~/.gemini/.env).` });
  for (const [path, text] of facts.projectEnvFiles) {
    const own = readEnvFile(text).get(BASE_URL_VAR);
    if (shell !== url && own !== url)
      out.push({
        severity: 'problem',
        message: `${path} ${own ? `sets ${BASE_URL_VAR}=${own}` : `is read instead of ~/.gemini/.env (Gemini CLI reads the first .env it finds)`}`,
        fix: `Add ${BASE_URL_VAR}=${url} and ${KEY_VAR}=clp to ${path}, or start Gemini CLI with clp run -- gemini.`,
      });
  }
  const selected = ((facts.settings?.security as Record<string, unknown> | undefined)?.auth as Record<string, unknown> | undefined)?.selectedType;
  if (selected !== GEMINI_AUTH && env.GEMINI_DEFAULT_AUTH_TYPE !== GEMINI_AUTH)
    out.push({
      severity: 'warning',
      message: `Gemini CLI's auth type is ${typeof selected === 'string' ? `"${selected}"` : 'not set'}: it does not send a key CLP can take`,
      fix: `${setUp} (it sets security.auth.selectedType to "${GEMINI_AUTH}" in ~/.gemini/settings.json).`,
    });
  return out;
}

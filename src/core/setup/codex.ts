import type { Plan } from './claude.ts';

export const PROVIDER_ID = 'clp';

const HEADER = /^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$/;

function tableName(line: string): string | null {
  if (/^\s*\[\[/.test(line)) return '[[array]]';
  const m = HEADER.exec(line);
  return m ? m[1]!.replace(/"/g, '').replace(/\s*\.\s*/g, '.') : null;
}

/**
 * The few facts of a Codex `config.toml` the setup and the doctor need: top-level keys and the keys
 * of each `[table]`, for plain `key = value` lines. Not a TOML parser; nothing else is read.
 */
export function readTomlKeys(text: string): Map<string, Map<string, string>> {
  const tables = new Map<string, Map<string, string>>([['', new Map()]]);
  let current = '';
  for (const line of text.split(/\r?\n/)) {
    const t = tableName(line);
    if (t !== null) {
      current = t;
      if (!tables.has(t)) tables.set(t, new Map());
      continue;
    }
    const kv = /^\s*([A-Za-z0-9_-]+)\s*=\s*(.+?)\s*(#[^"']*)?$/.exec(line);
    if (kv) tables.get(current)!.set(kv[1]!, kv[2]!.replace(/^["']|["']$/g, ''));
  }
  return tables;
}

/**
 * Adds a `[model_providers.clp]` table pointing at the proxy and selects it with a top-level
 * `model_provider`. Only those lines change: comments, other providers and profiles stay.
 */
export function planCodexConfig(text: string | null, baseUrl: string, clientSecret: string | null = null, bound: readonly string[] = []): Plan<string> {
  const lines = (text ?? '').split(/\r?\n/);
  if (lines.length && lines.at(-1) === '') lines.pop();
  const changes: string[] = [];
  const block = [`[model_providers.${PROVIDER_ID}]`, 'name = "CLP"', `base_url = "${baseUrl}"`, 'wire_api = "responses"'];
  // With the clientSecret setting on, Codex sends CLP's secret as its bearer token.
  if (clientSecret) block.push(`experimental_bearer_token = "${clientSecret}"`);

  const firstTable = lines.findIndex((l) => tableName(l) !== null);
  const topEnd = firstTable < 0 ? lines.length : firstTable;
  const providerLine = lines.slice(0, topEnd).findIndex((l) => /^\s*model_provider\s*=/.test(l));
  const want = `model_provider = "${PROVIDER_ID}"`;
  if (providerLine < 0) {
    lines.splice(0, 0, want);
    changes.push(`add ${want}`);
  } else if (lines[providerLine]!.trim() !== want) {
    changes.push(`${lines[providerLine]!.trim()} → ${want}`);
    lines[providerLine] = want;
  }

  upsertTable(lines, block, changes, `[model_providers.${PROVIDER_ID}] with base_url = "${baseUrl}"`);
  // One provider per config on CLP's endpoint, bound to that config; `codexProfiles` names them in
  // profile files (`codex --profile clp-<config>` then runs on it whatever the active config is).
  for (const name of codexProfiles(bound).files.map((f) => f.name)) {
    const id = `clp-${name}`;
    const quoted = `"${id.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    const header = `x-clp-config`;
    const provider = [
      `[model_providers.${quoted}]`,
      `name = "CLP (${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')})"`,
      `base_url = "${baseUrl}"`,
      'wire_api = "responses"',
      `http_headers = { "${header}" = "${encodeURIComponent(name)}" }`,
      ...(clientSecret ? [`experimental_bearer_token = "${clientSecret}"`] : []),
    ];
    upsertTable(lines, provider, changes, `[model_providers.${quoted}] bound to "${name}"`);
  }
  return { next: `${lines.join('\n')}\n`, changes };
}

/** Adds a `[table]` with these lines, or replaces its lines when they differ (other tables untouched). */
function upsertTable(lines: string[], block: string[], changes: string[], what: string): void {
  // Matched as its own header reads, so a quoted name with quotes in it finds itself again.
  const name = tableName(block[0]!);
  const start = lines.findIndex((l) => tableName(l) === name);
  if (start < 0) {
    if (lines.length && lines.at(-1)!.trim() !== '') lines.push('');
    lines.push(...block);
    changes.push(`add ${what}`);
    return;
  }
  let end = start + 1;
  while (end < lines.length && tableName(lines[end]!) === null) end++;
  const old = lines.slice(start, end);
  let trailing = 0;
  while (trailing < old.length - 1 && old[old.length - 1 - trailing]!.trim() === '') trailing++;
  if (old.slice(0, old.length - trailing).join('\n') !== block.join('\n')) {
    changes.push(`replace ${what}`);
    lines.splice(start, end - start, ...block, ...Array(trailing).fill(''));
  }
}

/**
 * Pure: Codex's profile files for the configs (Codex 0.17x reads a profile from
 * `$CODEX_HOME/<name>.config.toml`; `[profiles.*]` tables in config.toml are refused as legacy).
 * A config whose name cannot be a file name (a slash, a quote) gets none, and is listed in `skipped`.
 */
export function codexProfiles(names: readonly string[]): { files: Array<{ name: string; profile: string; text: string }>; skipped: string[] } {
  const files: Array<{ name: string; profile: string; text: string }> = [];
  const skipped: string[] = [];
  for (const name of names) {
    if (/[\\/"]/.test(name) || [...name].some((ch) => ch < ' ') || name.startsWith('.')) {
      skipped.push(name);
      continue;
    }
    const profile = `clp-${name}`;
    files.push({ name, profile, text: `# Written by CLP: \`codex --profile ${profile}\` runs on the config "${name}".\nmodel_provider = "${profile}"\n` });
  }
  return { files, skipped };
}

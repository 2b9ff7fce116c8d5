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
export function planCodexConfig(text: string | null, baseUrl: string, clientSecret: string | null = null): Plan<string> {
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

  const start = lines.findIndex((l) => tableName(l) === `model_providers.${PROVIDER_ID}`);
  if (start < 0) {
    if (lines.length && lines.at(-1)!.trim() !== '') lines.push('');
    lines.push(...block);
    changes.push(`add [model_providers.${PROVIDER_ID}] with base_url = "${baseUrl}"`);
  } else {
    let end = start + 1;
    while (end < lines.length && tableName(lines[end]!) === null) end++;
    const old = lines.slice(start, end);
    let trailing = 0;
    while (trailing < old.length - 1 && old[old.length - 1 - trailing]!.trim() === '') trailing++;
    const replacement = [...block, ...Array(trailing).fill('')];
    if (old.slice(0, old.length - trailing).join('\n') !== block.join('\n')) {
      changes.push(`replace [model_providers.${PROVIDER_ID}] (base_url = "${baseUrl}")`);
      lines.splice(start, end - start, ...replacement);
    }
  }
  return { next: `${lines.join('\n')}\n`, changes };
}

import { maskKey, maskUrl } from './edit.ts';
import type { RawConfigFile } from './schema.ts';

/**
 * A config file that does not load, shown so that it can be repaired: the text as it is written,
 * with every key masked the way the raw editor masks a good file. Keys are found where they stand
 * even when their line is the broken one: the value after `"auth_token":` / `"api_key":` (quoted or
 * not), any `sk-…` word, and the query of a `base_url`.
 */
const ENTRY = /"((?:[^"\\\n]|\\.)+)"\s*:\s*\{/g;
const KEY_VALUE = /("(auth_token|api_key)"\s*:\s*"?)([^"\s,}]+)/g;
const SK_WORD = /\bsk-[A-Za-z0-9_-]{6,}/g;
const BASE_URL = /("base_url"\s*:\s*")([^"\n]*)/g;

type Found = Record<string, { base_url?: string; auth_token?: string; api_key?: string }>;

/** The entries of a broken text as far as they can be read: each field under the nearest entry name before it. */
export function entriesInBrokenText(text: string): { entries: Found; loose: string[] } {
  const names = [...text.matchAll(ENTRY)].map((m) => ({ at: m.index, name: m[1]! }));
  const owner = (at: number) => names.filter((n) => n.at < at).at(-1)?.name ?? null;
  const entries: Found = {};
  const put = (at: number, field: 'base_url' | 'auth_token' | 'api_key', value: string) => {
    const name = owner(at);
    if (name !== null) (entries[name] ??= {})[field] = value;
  };
  for (const m of text.matchAll(BASE_URL)) put(m.index, 'base_url', m[2]!);
  const inFields = new Set<string>();
  for (const m of text.matchAll(KEY_VALUE)) {
    put(m.index, m[2] as 'auth_token' | 'api_key', m[3]!);
    inFields.add(m[3]!);
  }
  const loose = [...new Set([...text.matchAll(SK_WORD)].map((m) => m[0]))].filter((k) => !inFields.has(k));
  return { entries, loose };
}

export function maskBrokenText(text: string): string {
  const { entries, loose } = entriesInBrokenText(text);
  const keys = [...Object.values(entries).flatMap((e) => [e.auth_token, e.api_key]), ...loose]
    .filter((k): k is string => !!k)
    .sort((a, b) => b.length - a.length);
  let out = text.replace(BASE_URL, (_m, head: string, url: string) => `${head}${maskUrl(url)}`);
  for (const key of keys) out = out.split(key).join(maskKey(key) || '…');
  return out;
}

/**
 * What the masks of a repaired text may stand for, as `unmaskRaw`'s "current" file: the entries read
 * from the broken text (each key bound to its entry's base URL), over the last good version's.
 */
export function maskSources(lastGood: RawConfigFile, brokenText: string): RawConfigFile {
  const out: RawConfigFile = { ...lastGood };
  for (const [name, e] of Object.entries(entriesInBrokenText(brokenText).entries)) out[name] = { ...out[name], ...e };
  return out;
}

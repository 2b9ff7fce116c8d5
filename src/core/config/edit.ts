import { windowsLine, windowsOf } from '../usage/context-fit.ts';
import { ClpError } from '../../shared/errors.ts';
import { noSuchConfig } from './names.ts';
import type { ConfigView } from '../../shared/dashboard.ts';
import type { RawConfigFile, UpstreamConfig } from './schema.ts';

const KEY_FIELDS = ['auth_token', 'api_key'] as const;
/** Real keys never hold this character, so a value with it is a mask the page sent back. */
const MASK_MARK = '…';

/** `sk-ant-api03-…wxyz`: enough to tell keys apart, never enough to use one. */
export function maskKey(key: string): string {
  if (!key) return '';
  // A short key keeps only its last two characters: enough to tell two test keys apart.
  if (key.length < 16) return key.length >= 8 ? `${MASK_MARK}${key.slice(-2)}` : MASK_MARK;
  return `${key.slice(0, Math.min(8, Math.floor(key.length / 4)))}${MASK_MARK}${key.slice(-4)}`;
}

export function isMasked(value: string): boolean {
  return value.includes(MASK_MARK);
}

/**
 * A base URL as views show it: a query's values masked like keys (some relays take the key as
 * `?key=…`). Userinfo never gets this far: the config schema refuses it.
 */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const masked = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? pair : `${pair.slice(0, eq)}=${maskKey(decodeURIComponentSafe(pair.slice(eq + 1))) || ''}`;
    })
    .join('&');
  return `${url.slice(0, q)}?${masked}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function configViews(entries: readonly UpstreamConfig[], active: UpstreamConfig | null): ConfigView[] {
  return entries.map((e) => {
    const windows = windowsLine(e);
    return {
      name: e.name,
      base_url: maskUrl(e.baseUrl),
      auth_token: e.authToken ? maskKey(e.authToken) : null,
      api_key: e.apiKey ? maskKey(e.apiKey) : null,
      weight: e.weight,
      active: e.name === active?.name,
      ...(e.toolSearch ? { tool_search: true } : {}),
      ...(windows ? { windows, model_windows: windowsOf(e) } : {}),
      ...(e.priceMultiplier !== 1 ? { price_multiplier: e.priceMultiplier } : {}),
    };
  });
}

/** The raw file with every key masked: what the page's JSON mode edits. */
export function maskRaw(raw: RawConfigFile): RawConfigFile {
  const out: RawConfigFile = {};
  for (const [name, entry] of Object.entries(raw)) {
    const copy = { ...entry };
    for (const field of KEY_FIELDS) if (typeof copy[field] === 'string' && copy[field]) copy[field] = maskKey(copy[field] as string);
    if (typeof copy.base_url === 'string') copy.base_url = maskUrl(copy.base_url);
    out[name] = copy;
  }
  return out;
}

/** Two base URLs are the same upstream when they differ at most by trailing slashes. */
function sameUrl(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.trim().replace(/\/+$/, '') === b.trim().replace(/\/+$/, '');
}

/**
 * Puts the stored keys back where the page sent masks: first the same entry's key (under its old
 * name when renamed), then any stored key with that mask, but only a key stored for the same base
 * URL: a key never follows a URL it was not typed for (a masked key pasted under another relay's URL
 * would otherwise hand it to that relay). A mask that matches nothing is refused, so a key can never
 * be silently replaced by its own mask.
 */
export function unmaskRaw(next: RawConfigFile, current: RawConfigFile, renamedFrom: Record<string, string> = {}): RawConfigFile {
  const out: RawConfigFile = {};
  for (const [name, entry] of Object.entries(next)) {
    const copy = { ...entry };
    const mine = current[renamedFrom[name] ?? name];
    if (typeof copy.base_url === 'string' && isMasked(copy.base_url)) {
      const url = typeof mine?.base_url === 'string' && maskUrl(mine.base_url) === copy.base_url ? mine.base_url : undefined;
      if (url === undefined) throw new ClpError('bad_request', `${name}.base_url: a masked URL that matches no stored one; type the full URL`);
      copy.base_url = url;
    }
    for (const field of KEY_FIELDS) {
      const value = copy[field];
      if (typeof value !== 'string' || !isMasked(value)) continue;
      const own = sameUrl(mine?.base_url, copy.base_url) ? mine?.[field] : undefined;
      const stored =
        typeof own === 'string' && maskKey(own) === value
          ? own
          : Object.values(current)
              .filter((e) => sameUrl(e.base_url, copy.base_url))
              .flatMap((e) => KEY_FIELDS.map((f) => e[f]))
              .find((k): k is string => typeof k === 'string' && k.length >= 16 && maskKey(k) === value);
      if (stored === undefined) {
        throw new ClpError('bad_request', `${name}.${field}: a masked key that matches no key stored for this base_url; type the full key`);
      }
      copy[field] = stored;
    }
    out[name] = copy;
  }
  return out;
}

export interface ConfigEdit {
  original?: string;
  name: string;
  base_url: string;
  /** undefined or a mask: keep; null or empty: remove; anything else: the new key. */
  auth_token?: string | null;
  api_key?: string | null;
  weight?: number;
}

/** Adds, edits or renames one entry; order, unknown fields and the other entries stay as they were. */
export function upsertInRaw(raw: RawConfigFile, edit: ConfigEdit, label: string): RawConfigFile {
  const from = edit.original ?? edit.name;
  if (edit.original !== undefined && !Object.hasOwn(raw, edit.original)) throw noSuchConfig(label, edit.original, Object.keys(raw));
  if (edit.original === undefined && Object.hasOwn(raw, edit.name)) throw new ClpError('bad_request', `name: "${edit.name}" already exists in ${label}`);
  if (edit.original !== undefined && edit.name !== edit.original && Object.hasOwn(raw, edit.name))
    throw new ClpError('bad_request', `name: "${edit.name}" already exists in ${label}`);
  const before = raw[from];
  // The page shows a URL's query masked; sent back as it was shown, it means the stored URL.
  const baseUrl =
    typeof before?.base_url === 'string' && isMasked(edit.base_url) && maskUrl(before.base_url) === edit.base_url ? before.base_url : edit.base_url;
  if (isMasked(baseUrl)) throw new ClpError('bad_request', `base_url: a masked URL that matches no stored one; type the full URL`);
  const entry: Record<string, unknown> = { ...(before ?? {}), base_url: baseUrl };
  // A key stays only with the URL it was typed for: a new base_url without the key typed again drops it.
  const moved = before !== undefined && !sameUrl(before.base_url, baseUrl);
  for (const field of KEY_FIELDS) {
    const value = edit[field];
    if (value === undefined || (value !== null && isMasked(value))) {
      if (moved) delete entry[field];
      continue;
    }
    if (value === null || value === '') delete entry[field];
    else entry[field] = value;
  }
  if (edit.weight !== undefined) entry.weight = edit.weight;
  const out: RawConfigFile = {};
  let placed = false;
  for (const [name, value] of Object.entries(raw)) {
    if (name === from) {
      out[edit.name] = entry;
      placed = true;
    } else out[name] = value;
  }
  if (!placed) out[edit.name] = entry;
  return out;
}

export function deleteFromRaw(raw: RawConfigFile, name: string, label: string): RawConfigFile {
  if (!Object.hasOwn(raw, name)) throw noSuchConfig(label, name, Object.keys(raw));
  const out = { ...raw };
  delete out[name];
  return out;
}

import { ClpError } from '../../shared/errors.ts';
import type { ConfigView } from '../../shared/dashboard.ts';
import type { RawConfigFile, UpstreamConfig } from './schema.ts';

const KEY_FIELDS = ['auth_token', 'api_key'] as const;
/** Real keys never hold this character, so a value with it is a mask the page sent back. */
const MASK_MARK = '…';

/** `sk-ant-api03-…wxyz`: enough to tell keys apart, never enough to use one. */
export function maskKey(key: string): string {
  if (!key) return '';
  if (key.length < 16) return MASK_MARK;
  return `${key.slice(0, Math.min(8, Math.floor(key.length / 4)))}${MASK_MARK}${key.slice(-4)}`;
}

export function isMasked(value: string): boolean {
  return value.includes(MASK_MARK);
}

export function configViews(entries: readonly UpstreamConfig[], active: UpstreamConfig | null): ConfigView[] {
  return entries.map((e) => ({
    name: e.name,
    base_url: e.baseUrl,
    auth_token: e.authToken ? maskKey(e.authToken) : null,
    api_key: e.apiKey ? maskKey(e.apiKey) : null,
    weight: e.weight,
    active: e.name === active?.name,
  }));
}

/** The raw file with every key masked: what the page's JSON mode edits. */
export function maskRaw(raw: RawConfigFile): RawConfigFile {
  const out: RawConfigFile = {};
  for (const [name, entry] of Object.entries(raw)) {
    const copy = { ...entry };
    for (const field of KEY_FIELDS) if (typeof copy[field] === 'string' && copy[field]) copy[field] = maskKey(copy[field] as string);
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
    for (const field of KEY_FIELDS) {
      const value = copy[field];
      if (typeof value !== 'string' || !isMasked(value)) continue;
      const mine = current[renamedFrom[name] ?? name];
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
  if (edit.original !== undefined && !Object.hasOwn(raw, edit.original)) throw new ClpError('config_not_found', `${label}: no config named "${edit.original}"`);
  if (edit.original === undefined && Object.hasOwn(raw, edit.name)) throw new ClpError('bad_request', `name: "${edit.name}" already exists in ${label}`);
  if (edit.original !== undefined && edit.name !== edit.original && Object.hasOwn(raw, edit.name)) throw new ClpError('bad_request', `name: "${edit.name}" already exists in ${label}`);
  const before = raw[from];
  const entry: Record<string, unknown> = { ...(before ?? {}), base_url: edit.base_url };
  // A key stays only with the URL it was typed for: a new base_url without the key typed again drops it.
  const moved = before !== undefined && !sameUrl(before.base_url, edit.base_url);
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
  if (!Object.hasOwn(raw, name)) throw new ClpError('config_not_found', `${label}: no config named "${name}"`);
  const out = { ...raw };
  delete out[name];
  return out;
}

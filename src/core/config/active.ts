import type { RawConfigFile, UpstreamConfig } from './schema.ts';

/**
 * The original tool's rule, kept so its files mean the same here: the last entry with `active: true`
 * wins; with none marked, the first entry is active (without writing that choice back).
 */
export function pickActive(entries: readonly UpstreamConfig[]): UpstreamConfig | null {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.active) return entries[i]!;
  return entries[0] ?? null;
}

/**
 * Returns a copy of the raw file with `name` active and every other entry's `active` cleared. Key
 * order, unknown fields and untouched values stay exactly as they were; an entry that had no `active`
 * key gets none (absent already means inactive).
 */
export function setActiveInRaw(raw: RawConfigFile, name: string): RawConfigFile {
  const out: RawConfigFile = {};
  for (const [key, entry] of Object.entries(raw)) {
    if (key === name) out[key] = { ...entry, active: true };
    else if ('active' in entry && entry.active !== false) out[key] = { ...entry, active: false };
    else out[key] = entry;
  }
  return out;
}

import type { UpstreamConfig } from './schema.ts';

/**
 * A config's own keys, as an upstream may quote them back (in an error body or header). Keys
 * shorter than `minLength` are left out where cutting them would mangle ordinary text.
 */
export function configKeys(config: UpstreamConfig | null, minLength = 1): string[] {
  const keys: string[] = [];
  if (config) for (const k of [config.authToken, config.apiKey]) if (k && k.length >= minLength) keys.push(k);
  return keys;
}

/** The keys cut out of a text. */
export function scrubText(text: string, keys: readonly string[], mark = '[key removed]'): string {
  let out = text;
  for (const key of keys) if (out.includes(key)) out = out.split(key).join(mark);
  return out;
}

/** The same for a body's bytes (copied only when a key is there). */
export function scrubBytes(body: Buffer, keys: readonly string[], mark = '[key removed]'): Buffer {
  let out = body;
  for (const key of keys) {
    if (out.indexOf(key) < 0) continue;
    out = Buffer.from(out.toString('latin1').split(Buffer.from(key).toString('latin1')).join(mark), 'latin1');
  }
  return out;
}

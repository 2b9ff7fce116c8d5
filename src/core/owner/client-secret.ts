import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomic.ts';

const SHAPE = /^clp-[0-9a-f]{48}$/;

/**
 * The per-install secret clients send as their key when the `clientSecret` setting is on. Unlike the
 * owner's token it stays the same across restarts: it is written into the clients' own settings.
 */
export async function readClientSecret(file: string): Promise<string | null> {
  const text = (await readFile(file, 'utf8').catch(() => '')).trim();
  return SHAPE.test(text) ? text : null;
}

export async function ensureClientSecret(file: string): Promise<string> {
  const existing = await readClientSecret(file);
  if (existing) return existing;
  const secret = `clp-${randomBytes(24).toString('hex')}`;
  await writeFileAtomic(file, `${secret}\n`);
  return secret;
}

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.ts';

/**
 * The per-install secret that calls changing anything on port 3300 must carry (`x-clp-token`). It
 * lives in `$CLP_HOME/run/token` (0600): the CLI and the editor read it; a web page cannot, so a
 * cross-site request can never switch a config or spend a credential.
 */
export async function ensureToken(runDir: string): Promise<string> {
  const file = join(runDir, 'token');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (/^[0-9a-f]{64}$/.test(existing.trim())) return existing.trim();
  const token = randomBytes(32).toString('hex');
  await writeFileAtomic(file, token);
  return token;
}

export async function readToken(runDir: string): Promise<string | null> {
  const text = await readFile(join(runDir, 'token'), 'utf8').catch(() => null);
  return text?.trim() || null;
}

export function tokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

import type { Provider } from './provider.ts';

/** The body without history another upstream cannot verify, or null when there was none. */
export function stripSignedHistory(raw: Buffer, provider: Provider): { body: Buffer; removed: number } | null {
  return stripPart(raw, provider.signedHistory);
}

/** Takes one kind of part out of a raw JSON body (re-encoded only when something went). */
export function stripPart(
  raw: Buffer,
  part: { mayCarry(raw: Buffer): boolean; strip(body: Record<string, unknown>): number },
): { body: Buffer; removed: number } | null {
  if (!part.mayCarry(raw)) return null;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!body || typeof body !== 'object') return null;
  const removed = part.strip(body);
  return removed ? { body: Buffer.from(JSON.stringify(body)), removed } : null;
}

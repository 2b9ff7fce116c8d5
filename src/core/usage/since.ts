import { ClpError } from '../../shared/errors.ts';
import { localDay } from '../time.ts';

/**
 * `--since` windows: `12h` (the last 12 hours, read from request rows), `7d` (today and the six days
 * before, read from daily totals), `today` (as `1d`), `2026-11-01` (from that day), `all`.
 */
export function parseSince(text: string | undefined, now: number): { sinceMs?: number; sinceDay?: string } {
  if (!text || text === 'all') return {};
  if (text === 'today') return { sinceDay: localDay(now) };
  const m = /^(\d+)([hd])$/.exec(text);
  if (m) {
    const count = Number(m[1]);
    if (count < 1) throw new ClpError('bad_request', `since: must be at least 1${m[2]}`);
    return m[2] === 'h' ? { sinceMs: now - count * 3_600_000 } : { sinceDay: localDay(now - (count - 1) * 86_400_000) };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return { sinceDay: text };
  throw new ClpError('bad_request', `since: expected e.g. 12h, 7d, today, 2026-11-01 or all, got "${text}"`);
}

import { money } from '../../shared/format.ts';
import type { SessionSummary } from '../../shared/sessions.ts';
import { cacheHitShare } from '../../shared/usage.ts';

/** What CLP prints for a session Claude Code's statusline asks about. */
export interface LineInput {
  /** The session as CLP counted it; null before its first request through CLP. */
  session: SessionSummary | null;
  /** The configs it is bound to, or null when it follows the active one. */
  bound: string[] | null;
  /** Claude's active config, or null (none configured, or the file is broken with no good version). */
  active: string | null;
  /** Local "HH:MM" of an epoch ms (the owner's clock and zone). */
  clock: (ms: number) => string;
}

/**
 * One short line: the config serving this session (bound or following the active one), its cost and
 * cache hit rate, and its latest failover. Pure.
 * `CLP relay-a (bound) · $0.42 · cache 87% · failover 10:42 relay-b→relay-a`
 */
export function sessionLine(i: LineInput): string {
  const serving = i.bound ? `${i.bound.join(', ')} (bound)` : (i.active ?? 'no config');
  const parts = [`CLP ${serving}`];
  const s = i.session;
  if (s) {
    parts.push(s.unpriced && !s.cost_usd ? 'cost unknown' : `${s.estimated ? '~' : ''}${money(s.cost_usd)}${s.unpriced ? '+' : ''}`);
    const hit = cacheHitShare(s);
    if (hit !== null) parts.push(`cache ${Math.round(hit * 100)}%`);
    const f = s.last_failover;
    if (f) parts.push(`failover ${i.clock(f.at)} ${f.from}→${f.to ?? 'none'}`);
  }
  return parts.join(' · ');
}

/** The line for a session CLP has not seen yet. */
export const activeLine = (active: string | null) => `CLP ${active ?? 'no config'}`;

/** What the statusline prints when no CLP owns the ports. */
export const NOT_RUNNING_LINE = 'CLP not running (clp start)';

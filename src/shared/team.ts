import { count } from './format.ts';
import type { ServiceName } from './services.ts';
import type { UsageTotals } from './usage.ts';

/** The team link as `clp status`, the status bar and the dashboard show it. */
export interface TeamStatus {
  /** `off`: no `team.url`; `connecting`: before the first answer; `up`; `down`: the database does not answer (records wait). */
  state: 'off' | 'connecting' | 'up' | 'down';
  member: string;
  machine: string;
  /** The database URL with its password replaced by `***`. */
  url: string | null;
  /** Records waiting to be shipped (in memory, plus those to read back from the log). */
  backlog: number;
  /** Whether records are still to be read back from the log (after a restart, or past the outbox's cap). */
  readingBack: boolean;
  /** Records shipped since this owner started. */
  shipped: number;
  /** Health events from other members applied here since start. */
  applied: number;
  lastOkAt: number | null;
  /** Why it is down (no password in it). */
  lastError: string | null;
}

export const TEAM_GROUPS = ['member', 'machine', 'config', 'model', 'day'] as const;
export type TeamGroupBy = (typeof TEAM_GROUPS)[number];

/** `clp usage --team --json` and the Usage page's team scope. */
export interface TeamUsageReport {
  since: string | null;
  by: TeamGroupBy;
  services: Record<ServiceName, { total: UsageTotals; groups: Record<string, UsageTotals> }>;
}

/** A shared account (same base URL and key on several machines) as the team sees it over the last day. */
export interface TeamAccount {
  service: ServiceName;
  /** Its fingerprint: a keyed hash of base URL and key. */
  account: string;
  /** This machine's config with that account, when it has one. */
  config: string | null;
  members: string[];
  requests: number;
  errors: number;
  lastAt: number | null;
  /** The latest health event still in force, and who saw it. */
  event: { kind: 'cooldown' | 'credential' | 'disabled_today'; until: number | null; reason: string; member: string; machine: string; at: number } | null;
}

/** The link's state in words, for the dashboard, the status bar's tooltip and `clp status`. */
export function teamStateText(t: TeamStatus): string {
  if (t.state === 'up') return `linked as ${t.member} on ${t.machine}${t.backlog ? `, ${count(t.backlog)} waiting` : ''}`;
  if (t.state === 'down')
    return `the team database does not answer, ${count(t.backlog)} records wait (requests are served as usual)${t.lastError ? `: ${t.lastError}` : ''}`;
  return t.state === 'connecting' ? 'connecting to the team database…' : 'off';
}

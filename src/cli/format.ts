import type { ServiceStatus, StatusReport } from '../shared/status.ts';
import { SERVICES } from '../shared/services.ts';
import type { TeamStatus } from '../shared/team.ts';
import type { ContextWarning, DashboardState, ServiceToday } from '../shared/dashboard.ts';
import { compactNumber, costText, count } from '../shared/format.ts';
import { clock } from './table.ts';

/** Today's figures and context warnings, when the owner gave them (`clp status` on a running CLP). */
export interface StatusExtras {
  today: DashboardState['today'];
  context_warnings?: ContextWarning[];
}

/** A service's day in a few words: `today 48 requests, 617.9k tokens, at least $1.62, 2 errors`. */
export function todayText(t: ServiceToday): string {
  if (!t.requests) return 'today: no requests yet';
  return `today ${count(t.requests)} ${t.requests === 1 ? 'request' : 'requests'}, ${compactNumber(t.totals.total)} tokens, ${costText(t.totals)}${t.errors ? `, ${count(t.errors)} ${t.errors === 1 ? 'error' : 'errors'}` : ''}`;
}

/** The human form of a status report. Never holds a key: the report has none. */
export function formatStatus(report: StatusReport, extras?: StatusExtras): string {
  const lines: string[] = [];
  if (report.owner) {
    lines.push(`CLP is running (${report.owner.kind}, pid ${report.owner.pid}, since ${report.owner.startedAt})`);
  } else {
    lines.push('CLP is not running (start it with `clp start`)');
  }
  for (const service of SERVICES) {
    const s = report.services[service];
    const today = extras?.today[service];
    lines.push(`  ${service.padEnd(6)} ${s.url.padEnd(28)} ${serviceLine(s, report.owner !== null)}${today && s.active ? ` · ${todayText(today)}` : ''}`);
  }
  for (const w of extras?.context_warnings ?? [])
    lines.push(
      `  ! session ${w.id.slice(0, 8)} (${w.service}) uses ${count(w.used)} tokens of context; ${w.model ?? 'its model'} on ${w.config} holds ${count(w.window)}: its next request will overflow (compact it, or \`clp session bind\` it to a larger config)`,
    );
  lines.push(`  ${'ui'.padEnd(6)} ${report.ui.url}`);
  if (report.team && report.team.state !== 'off') lines.push(`  ${teamLine(report.team)}`);
  for (const m of report.filterModules ?? [])
    if (m.lastError) lines.push(`  filter module ${m.name}: ${m.lastError.message} (${clock(m.lastError.at)}; ${m.failOpen ? 'fails open' : 'fails closed'})`);
  return lines.join('\n');
}

/** The team link in one line: `team: up as alice on laptop, postgres://…, backlog 0, shipped 12`. */
export function teamLine(t: TeamStatus): string {
  const backlog = `backlog ${count(t.backlog)}${t.readingBack ? ' (and reading the log back)' : ''}`;
  const head = `team: ${t.state} as ${t.member} on ${t.machine}, ${t.url ?? '-'}, ${backlog}, shipped ${count(t.shipped)}`;
  return t.state === 'down' && t.lastError
    ? `${head}\n         ${t.lastError} (requests are served as usual; records wait and are shipped once it answers)`
    : head;
}

/**
 * One service's state in words. A broken file is never "no config yet": it says where it is broken and
 * what serves meanwhile (the last version that loaded, kept by CLP), or would serve once CLP starts.
 */
export function serviceLine(s: ServiceStatus, running: boolean): string {
  const file = s.config.file.split(/[\\/]/).pop() ?? s.config.file;
  if (s.config.error) {
    const where = /: (line \d+, column \d+): /.exec(s.config.error)?.[1];
    const what = where ? `${file} is broken (${where})` : `${file} is broken`;
    const serves = s.config.configs
      ? `${running ? 'serving' : 'CLP will serve'} the last good version (${s.config.configs} ${s.config.configs === 1 ? 'config' : 'configs'}${s.active ? `, active: ${s.active}` : ''})`
      : 'no good version of it was kept: placeholder mode';
    return `${what}: ${serves}\n         ${s.config.error}\n         fix ${s.config.file}; CLP picks the fix up by itself`;
  }
  return s.active ? `active: ${s.active}` : `no config yet: add one to ${s.config.file}`;
}

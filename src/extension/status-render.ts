import { teamStateText } from '../shared/team.ts';
import { compactNumber, costText } from '../shared/format.ts';
import type { DashboardState } from '../shared/dashboard.ts';
import { SERVICES } from '../shared/services.ts';
import { overallHealth } from '../shared/health.ts';
import type { OwnershipState } from './ownership.ts';
import { shownServices } from '../shared/status.ts';

export interface StatusBarView {
  text: string;
  /** Markdown. */
  tooltip: string;
  /** A theme colour id for the background, when the state needs attention. */
  background: 'statusBarItem.errorBackground' | 'statusBarItem.warningBackground' | null;
}

/**
 * Pure (but for the clock): the status bar item for an ownership state and the owner's dashboard
 * state. Red when CLP, or a service in use, cannot serve (every config of its pool out); yellow when
 * it serves but something needs a look (a broken config file, no config at all, a config cooling
 * down or failing), plain otherwise: the dashboard's health, said the same way.
 */
export function renderStatusBar(own: OwnershipState, dash: DashboardState | null): StatusBarView {
  switch (own.kind) {
    case 'starting':
      return { text: '$(sync~spin) CLP', tooltip: 'CLP is starting…', background: null };
    case 'stopped':
      return {
        text: '$(debug-stop) CLP: stopped',
        tooltip: 'The proxy is stopped. Click to switch config, or run "CLP: Start Proxy".',
        background: 'statusBarItem.warningBackground',
      };
    case 'blocked':
    case 'error':
      return { text: '$(error) CLP', tooltip: `CLP is not running: ${own.message}`, background: 'statusBarItem.errorBackground' };
  }
  const status = own.status;
  const parts = shownServices(status.services).map((s) => `${s}:${status.services[s].active ?? '–'}`);
  const broken = SERVICES.filter((s) => status.services[s].config.error);
  const lines = [
    `**CLP** — ${own.kind === 'owner' ? 'running in this window' : `attached to ${status.owner?.kind === 'vscode' ? 'another VS Code window' : `the ${status.owner?.kind ?? ''} process`}`} (pid ${status.owner?.pid ?? '?'})`,
    '',
  ];
  for (const s of SERVICES) {
    const svc = status.services[s];
    const today = dash?.today[s];
    lines.push(
      `- **${s}** → \`${svc.active ?? 'no config'}\` on ${svc.url}${today ? ` · today ${today.requests} requests, ${compactNumber(today.totals.total)} tokens, ${costText(today.totals)}${today.errors ? `, ${today.errors} errors` : ''}` : ''}`,
    );
    if (svc.config.error) lines.push(`  - ⚠ ${svc.config.error}`);
  }
  const tight = dash?.context_warnings ?? [];
  for (const w of tight)
    lines.push(
      `- ⚠ session \`${w.id.slice(0, 8)}\` uses ${compactNumber(w.used)} tokens; ${w.model ?? 'its model'} on \`${w.config}\` holds ${compactNumber(w.window)}: compact it or bind it elsewhere`,
    );
  const team = status.team;
  if (team && team.state !== 'off') lines.push(`- ${team.state === 'down' ? '⚠ ' : ''}team: ${teamStateText(team)}`);
  lines.push('', 'Click to switch config.');
  // The dashboard's health, said the same way: red when a service in use cannot serve, yellow when one needs a look.
  const health = dash ? overallHealth(status.services, dash.pools, Date.now()) : null;
  for (const h of health?.problems ?? []) lines.splice(lines.length - 2, 0, `- ${h.level === 'bad' ? '⛔' : '⚠'} ${h.text}`);
  if (health?.level === 'bad') return { text: `$(error) CLP ${parts.join(' ')}`, tooltip: lines.join('\n'), background: 'statusBarItem.errorBackground' };
  const attention = broken.length > 0 || SERVICES.every((s) => status.services[s].placeholder) || health?.level === 'warn' || tight.length > 0;
  const icon = tight.length ? '$(warning)' : '$(radio-tower)';
  return { text: `${icon} CLP ${parts.join(' ')}`, tooltip: lines.join('\n'), background: attention ? 'statusBarItem.warningBackground' : null };
}

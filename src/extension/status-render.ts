import { compactNumber, costText } from '../shared/format.ts';
import type { DashboardState } from '../shared/dashboard.ts';
import { SERVICES } from '../shared/services.ts';
import type { OwnershipState } from './ownership.ts';

export interface StatusBarView {
  text: string;
  /** Markdown. */
  tooltip: string;
  /** A theme colour id for the background, when the state needs attention. */
  background: 'statusBarItem.errorBackground' | 'statusBarItem.warningBackground' | null;
}

/**
 * Pure: the status bar item for an ownership state and the owner's dashboard state. Red when CLP
 * cannot serve, yellow when it serves but something needs a look (a broken config file, no config,
 * errors today), plain otherwise.
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
  const parts = SERVICES.map((s) => `${s}:${status.services[s].active ?? '–'}`);
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
  lines.push('', 'Click to switch config.');
  const attention = broken.length > 0 || SERVICES.every((s) => status.services[s].placeholder);
  return { text: `$(radio-tower) CLP ${parts.join(' ')}`, tooltip: lines.join('\n'), background: attention ? 'statusBarItem.warningBackground' : null };
}

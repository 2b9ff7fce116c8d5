import type { StatusReport } from '../shared/status.ts';
import { SERVICES } from '../shared/services.ts';

/** The human form of a status report. Never holds a key: the report has none. */
export function formatStatus(report: StatusReport): string {
  const lines: string[] = [];
  if (report.owner) {
    lines.push(`CLP is running (${report.owner.kind}, pid ${report.owner.pid}, since ${report.owner.startedAt})`);
  } else {
    lines.push('CLP is not running (start it with `clp start`)');
  }
  for (const service of SERVICES) {
    const s = report.services[service];
    const active = s.active ? `active: ${s.active}` : `no config yet: add one to ${s.config.file}`;
    lines.push(`  ${service.padEnd(6)} ${s.url.padEnd(28)} ${active}`);
    if (s.config.error) lines.push(`         ${s.config.error}`);
  }
  lines.push(`  ${'ui'.padEnd(6)} ${report.ui.url}`);
  return lines.join('\n');
}

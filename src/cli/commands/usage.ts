import type { RequestDetail, RequestRecord, UsageReport } from '../../shared/records.ts';
import { ClpError } from '../../shared/errors.ts';
import { SERVICES } from '../../shared/services.ts';
import type { UsageTotals } from '../../shared/usage.ts';
import { compactNumber, costText, money } from '../../shared/format.ts';
import { EXIT, type CliContext } from '../context.ts';
import { LogsGet, LogsList, UsageGet } from '../../shared/protocol.ts';
import { isServiceName, type ServiceName } from '../../shared/services.ts';

function serviceOption(value: string | undefined): ServiceName | undefined {
  if (value === undefined) return undefined;
  if (!isServiceName(value)) throw new ClpError('bad_request', `--service: expected claude or codex, got "${value}"`);
  return value;
}

function byOption(value: string | undefined): 'config' | 'model' | 'day' {
  if (value === undefined) return 'config';
  if (value !== 'config' && value !== 'model' && value !== 'day') throw new ClpError('bad_request', `--by: expected config, model or day, got "${value}"`);
  return value;
}

function limitOption(value: string | undefined): number {
  if (value === undefined) return 50;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new ClpError('bad_request', `--limit: expected a whole number from 1 to 1000, got "${value}"`);
  return n;
}

export function formatUsage(report: UsageReport): string {
  const groupKey = report.by === 'day' ? 'days' : report.by === 'model' ? 'models' : 'configs';
  const head = ['', 'requests', 'input', 'cache write', 'cache read', 'output', 'reasoning', 'total', 'cost'];
  const lines: string[] = [];
  for (const service of SERVICES) {
    const s = report.services[service];
    if (!s) continue;
    const rows: string[][] = [head];
    const row = (name: string, t: UsageTotals) => [
      name,
      String(t.requests),
      ...(['input', 'cached_create', 'cached_read', 'output', 'reasoning', 'total'] as const).map((k) => compactNumber(t[k])),
      costText(t),
    ];
    for (const [name, t] of Object.entries(s[groupKey] ?? {})) rows.push(row(name, t));
    rows.push(row('total', s.total));
    const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    lines.push(`${service}${report.since ? ` (since ${report.since})` : ''}, by ${report.by}`);
    for (const r of rows) lines.push(`  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`);
  }
  return lines.join('\n');
}

export async function usageCommand(ctx: CliContext, values: Map<string, string>, json: boolean): Promise<number> {
  const report: UsageReport = await ctx.owner.call(UsageGet, {
    service: serviceOption(values.get('service')),
    since: values.get('since'),
    by: byOption(values.get('by')),
  });
  ctx.out(json ? JSON.stringify(report, null, 2) : formatUsage(report));
  return EXIT.ok;
}

function time(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleDateString('sv')} ${d.toLocaleTimeString('sv')}`;
}

export function formatLogs(rows: RequestRecord[]): string {
  if (!rows.length) return 'no requests yet';
  return rows
    .map((r) => {
      const tokens = r.usage ? `${compactNumber(r.usage.total)} tok` : '-';
      const cost = r.usage ? money(r.cost_usd) : '-';
      const ttfb = r.ttfb_ms === null ? '-' : `${Math.round(r.ttfb_ms)}ms`;
      return [
        r.id.slice(0, 8),
        time(r.started_at),
        r.service.padEnd(6),
        (r.config ?? '-').padEnd(12),
        (r.model_sent ?? '-').padEnd(24),
        String(r.status ?? '-').padStart(3),
        r.error ?? '',
        `ttfb ${ttfb}`,
        `${(r.duration_ms / 1000).toFixed(1)}s`,
        tokens,
        cost,
      ].join('  ');
    })
    .join('\n');
}

export function formatDetail(d: RequestDetail): string {
  const u = d.usage;
  const lines = [
    `${d.id}  ${time(d.started_at)}  ${d.service}  ${d.method} ${d.path}`,
    `config: ${d.config ?? '-'}   model: ${d.model_requested ?? '-'}${d.model_sent !== d.model_requested ? ` -> ${d.model_sent}` : ''}   answered by: ${d.model_answered ?? '-'}`,
    `status: ${d.status ?? '-'}${d.error ? ` (${d.error})` : ''}   ttfb: ${d.ttfb_ms === null ? '-' : `${Math.round(d.ttfb_ms)} ms`}   duration: ${Math.round(d.duration_ms)} ms   stream: ${d.stream}   session: ${d.session_id ?? '-'}`,
    u
      ? `usage: input ${u.input}, cache write ${u.cached_create}${u.cache_1h !== null ? ` (5m ${u.cache_5m}, 1h ${u.cache_1h})` : ''}, cache read ${u.cached_read}, output ${u.output}, reasoning ${u.reasoning}, total ${u.total}   cost: ${money(d.cost_usd)}`
      : 'usage: none reported',
    ...(d.bodies_unreadable ? ['', 'headers and bodies: could not be read back (the log file is damaged)'] : []),
    ...(d.bodies_shed ? ['', 'headers and bodies: not kept (CLP was under more load than its log could write)'] : []),
    '',
    'request headers:',
    ...Object.entries(d.request_headers).map(([k, v]) => `  ${k}: ${v}`),
    '',
    `request body${d.request_body_truncated ? ' (truncated)' : ''}:`,
    d.request_body ?? '(not kept)',
  ];
  if (d.upstream_body) lines.push('', 'body sent upstream:', d.upstream_body);
  lines.push('', `response body${d.response_body_truncated ? ' (truncated)' : ''}:`, d.response_body ?? '(not kept)');
  return lines.join('\n');
}

export async function logsCommand(ctx: CliContext, positionals: string[], values: Map<string, string>, json: boolean): Promise<number> {
  if (positionals.length) {
    if (positionals[0] !== 'show' || positionals.length !== 2) throw new ClpError('bad_request', 'logs: usage: clp logs [--limit N] | clp logs show <id>');
    const detail: RequestDetail = await ctx.owner.call(LogsGet, { id: positionals[1]! });
    ctx.out(json ? JSON.stringify(detail, null, 2) : formatDetail(detail));
    return EXIT.ok;
  }
  const rows: RequestRecord[] = await ctx.owner.call(LogsList, { limit: limitOption(values.get('limit')), service: serviceOption(values.get('service')) });
  ctx.out(json ? JSON.stringify(rows, null, 2) : formatLogs(rows));
  return EXIT.ok;
}

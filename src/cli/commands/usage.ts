import {
  isFailover,
  type LogsQuery,
  logMatches,
  type RequestDetail,
  type RequestRecord,
  type StatusClass,
  USAGE_GROUP_KEY,
  type UsageGroupBy,
  type UsageReport,
} from '../../shared/records.ts';
import { ClpError } from '../../shared/errors.ts';
import { SERVICES } from '../../shared/services.ts';
import { USAGE_LABELS, type UsageTotals } from '../../shared/usage.ts';
import { count, requestCost } from '../../shared/format.ts';
import { describeRequest, excerpt } from '../../shared/request-view.ts';
import { renderResponse } from '../../shared/response-view.ts';
import { type Cell, costCell, droppedNote, fitTable, paint, stamp, stampCell, terminalWidth, useColour } from '../table.ts';
import { EXIT, type CliContext } from '../context.ts';
import { DidEndRequest, LogsGet, LogsList, TeamUsage, UsageGet } from '../../shared/protocol.ts';
import { TEAM_GROUPS, type TeamGroupBy, type TeamUsageReport } from '../../shared/team.ts';
import { isServiceName, SERVICE_WORDS, type ServiceName } from '../../shared/services.ts';

function serviceOption(value: string | undefined): ServiceName | undefined {
  if (value === undefined) return undefined;
  if (!isServiceName(value)) throw new ClpError('bad_request', `--service: expected ${SERVICE_WORDS}, got "${value}"`);
  return value;
}

const STATUS_CLASSES: readonly StatusClass[] = ['ok', 'error', '4xx', '5xx'];

/** `clp logs`' filters, as the Requests page has them: service, config, a part of the model, a status class, any text. */
function logsQuery(values: Map<string, string>): Omit<LogsQuery, 'limit'> {
  const status = values.get('status');
  if (status !== undefined && !(STATUS_CLASSES as readonly string[]).includes(status))
    throw new ClpError('bad_request', `--status: expected ${STATUS_CLASSES.slice(0, -1).join(', ')} or ${STATUS_CLASSES.at(-1)}, got "${status}"`);
  const q: Omit<LogsQuery, 'limit'> = { service: serviceOption(values.get('service')) };
  if (values.has('config')) q.config = values.get('config');
  if (values.has('model')) q.model = values.get('model');
  if (status) q.status = status as StatusClass;
  if (values.has('grep')) q.text = values.get('grep');
  return q;
}

const BY = Object.keys(USAGE_GROUP_KEY) as UsageGroupBy[];

function byOption(value: string | undefined): UsageGroupBy {
  if (value === undefined) return 'config';
  if (!(BY as string[]).includes(value)) throw new ClpError('bad_request', `--by: expected ${BY.slice(0, -1).join(', ')} or ${BY.at(-1)}, got "${value}"`);
  return value as UsageGroupBy;
}

function limitOption(value: string | undefined): number {
  if (value === undefined) return 50;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new ClpError('bad_request', `--limit: expected a whole number from 1 to 1000, got "${value}"`);
  return n;
}

/** What a usage table leaves out first in a narrow terminal (`~cost`: the amount without its note): the total and the cost stay. */
const USAGE_DROP = ['reasoning', '~cost', 'cache write', 'input', 'errors', 'cache read'];

/** One table per service under its title, all with the same columns, fitted to `width` together, and one note of what was left out. */
function usageTables(titled: Array<[title: string, rows: Cell[][]]>, by: string, width: number | undefined): string {
  const head = [by, 'requests', 'errors', ...USAGE_LABELS.map(([, label]) => label), 'cost'];
  const right = new Set(head.map((_, i) => i).filter((i) => i > 0 && i < head.length - 1));
  const fitted = fitTable(
    head,
    titled.flatMap(([, rows]) => rows),
    right,
    width,
    USAGE_DROP,
    2,
  );
  const lines = titled.flatMap(([title, rows]) => [title, ...fitted.draw(rows).map((l) => `  ${l}`)]);
  return [...lines, ...droppedNote(fitted.dropped, width)].join('\n');
}

const usageRow = (name: string, t: UsageTotals): Cell[] => [name, count(t.requests), count(t.errors), ...USAGE_LABELS.map(([k]) => count(t[k])), costCell(t)];

export function formatUsage(report: UsageReport, width?: number): string {
  const groupKey = USAGE_GROUP_KEY[report.by];
  const titled: Array<[string, Cell[][]]> = [];
  for (const service of SERVICES) {
    const s = report.services[service];
    if (!s) continue;
    const rows = Object.entries(s[groupKey] ?? {}).map(([name, t]) => usageRow(name || '(none)', t));
    rows.push(usageRow('total', s.total));
    titled.push([`${service}${report.since ? ` (since ${report.since})` : ''}, by ${report.by}`, rows]);
  }
  return usageTables(titled, report.by, width);
}

function teamByOption(value: string | undefined): TeamGroupBy {
  if (value === undefined) return 'member';
  if (!(TEAM_GROUPS as readonly string[]).includes(value))
    throw new ClpError('bad_request', `--by with --team: expected ${TEAM_GROUPS.slice(0, -1).join(', ')} or ${TEAM_GROUPS.at(-1)}, got "${value}"`);
  return value as TeamGroupBy;
}

/** The team's totals as a table per service, like the local ones. */
export function formatTeamUsage(report: TeamUsageReport, width?: number): string {
  const titled: Array<[string, Cell[][]]> = [];
  for (const service of SERVICES) {
    const s = report.services[service];
    if (!s || (!s.total.requests && service !== 'claude')) continue;
    const rows = Object.entries(s.groups).map(([name, t]) => usageRow(name, t));
    rows.push(usageRow('total', s.total));
    titled.push([`${service}, the team${report.since ? ` (since ${report.since})` : ''}, by ${report.by}`, rows]);
  }
  return usageTables(titled, report.by, width);
}

export async function usageCommand(ctx: CliContext, values: Map<string, string>, json: boolean, team = false): Promise<number> {
  if (team) {
    const report = await ctx.owner.call(TeamUsage, {
      service: serviceOption(values.get('service')),
      since: values.get('since'),
      by: teamByOption(values.get('by')),
    });
    ctx.out(json ? JSON.stringify(report, null, 2) : formatTeamUsage(report, terminalWidth(process.stdout)));
    return EXIT.ok;
  }
  const by = values.get('by');
  if (by === 'member' || by === 'machine') throw new ClpError('bad_request', `--by ${by}: add --team (members and machines are a team's)`);
  const report: UsageReport = await ctx.owner.call(UsageGet, {
    service: serviceOption(values.get('service')),
    since: values.get('since'),
    by: byOption(values.get('by')),
  });
  ctx.out(json ? JSON.stringify(report, null, 2) : formatUsage(report, terminalWidth(process.stdout)));
  return EXIT.ok;
}

/** A duration as people read it: `37 ms` under a second, `1.5 s` above. */
function dur(ms: number | null): string {
  if (ms === null) return '-';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** What the request list leaves out first in a narrow terminal: id, time, config, model, status and cost stay. */
const LOGS_DROP = ['ttfb', 'service', '~time', 'tokens', 'marks', '~model', 'duration'];

const LOGS_HEAD = ['id', 'time', 'service', 'config', 'model', 'status', 'ttfb', 'duration', 'tokens', 'cost', 'marks'];
const LOGS_RIGHT = new Set([6, 7, 8]);

/** One request as a row of `clp logs`: marks say stream, failover and filtered; a reroute shows as `asked -> sent`. */
function logRow(r: RequestRecord, colour: boolean): Cell[] {
  const asked = r.model_requested ?? '-';
  const sent = r.model_sent ?? asked;
  const failover = isFailover(r);
  const filtered = (r.trace ?? []).some((t) => t.kind === 'filters');
  const marks = [r.stream ? 'stream' : '', failover ? 'failover' : '', filtered ? 'filtered' : ''].filter(Boolean).join(',');
  const status = `${r.status ?? '-'}${r.error && r.error !== `http_${r.status}` ? ` ${r.error}` : ''}`;
  return [
    r.id.slice(0, 8),
    // Short forms for a narrow terminal: the time without year and seconds, the model that was sent.
    stampCell(r.started_at),
    r.service,
    r.config ?? '-',
    asked !== sent ? [`${asked} -> ${sent}`, sent] : sent,
    paint(colour, r.error ? 'red' : 'green', status),
    dur(r.ttfb_ms),
    dur(r.duration_ms),
    r.usage ? count(r.usage.total) : '-',
    requestCost(r, '-'),
    marks,
  ];
}

/** The latest requests, newest first, as a table. */
export function formatLogs(rows: RequestRecord[], colour = false, width?: number): string {
  if (!rows.length) return 'no requests yet';
  const { lines, dropped } = fitTable(
    LOGS_HEAD,
    rows.map((r) => logRow(r, colour)),
    LOGS_RIGHT,
    width,
    LOGS_DROP,
  );
  return [...lines, ...droppedNote(dropped, width)].join('\n');
}

/**
 * A request as wide as most are, so that the columns `clp logs --follow` sets at its start hold the
 * requests that come after it (one wider than this pushes only its own line).
 */
const TYPICAL: RequestRecord = {
  id: '00000000',
  started_at: 0,
  service: 'claude',
  config: 'relay-name',
  model_requested: 'claude-sonnet-4-5',
  model_sent: 'claude-sonnet-4-5',
  model_answered: null,
  method: 'POST',
  path: '/v1/messages',
  status: 200,
  error: null,
  duration_ms: 12_345,
  ttfb_ms: 1234,
  bytes_in: 0,
  bytes_out: 0,
  stream: true,
  session_id: null,
  usage: { input: 0, cached_create: 0, cached_read: 0, output: 0, reasoning: 0, total: 123_456, cache_5m: 0, cache_1h: 0 },
  cost_usd: 0.1234,
  trace: null,
};

/**
 * `clp logs --follow`: the latest requests oldest first, then each one as it ends, until Ctrl+C
 * (with --json, one record a line). After the owner was out of reach for a moment, the requests
 * that ended meanwhile are listed and printed, each once.
 */
async function followLogs(ctx: CliContext, values: Map<string, string>, json: boolean, colour: boolean, width: number | undefined): Promise<number> {
  const query = logsQuery(values);
  const first = values.has('limit') ? limitOption(values.get('limit')) : 10;
  const seen = new Set<string>();
  let columns: { basis: Cell[][]; fitted: ReturnType<typeof fitTable> } | null = null;
  const waiting: RequestRecord[] = [];
  const print = (rows: RequestRecord[]) => {
    if (!columns) return void waiting.push(...rows);
    const fresh = rows.filter((r) => !seen.has(r.id) && logMatches(r, query));
    for (const r of fresh) {
      seen.add(r.id);
      // Enough to tell a repeat from a new one; a day of heavy use is thousands.
      if (seen.size > 10_000) seen.delete(seen.values().next().value!);
    }
    if (!fresh.length) return;
    const { basis, fitted } = columns;
    ctx.out(
      json
        ? fresh.map((r) => JSON.stringify(r)).join('\n')
        : fitted
            .draw([...basis, ...fresh.map((r) => logRow(r, colour))])
            .slice(basis.length + 1)
            .join('\n'),
    );
  };
  // Each time the feed connects (the first time too), the log has what ended before it: the latest
  // at first, what ended while the feed was down after that, each printed once.
  let floor = Date.now();
  const listed = async () => {
    let rows = (await ctx.owner.call(LogsList, { ...query, limit: columns ? 50 : first })).reverse();
    if (columns) {
      // After a reconnect, only what is newer than the first rows shown: the older ones were left out on purpose.
      rows = rows.filter((r) => r.started_at >= floor);
    } else {
      floor = Math.min(floor, ...rows.map((r) => r.started_at));
      // The columns are set once, by the first rows and a typical request; later rows are drawn against them.
      const basis = [logRow({ ...TYPICAL, started_at: Date.now() }, false), ...rows.map((r) => logRow(r, colour))];
      columns = { basis, fitted: fitTable(LOGS_HEAD, basis, LOGS_RIGHT, width, LOGS_DROP) };
      if (!json) ctx.out([columns.fitted.lines[0]!, ...droppedNote(columns.fitted.dropped, width)].join('\n'));
    }
    print([...rows, ...waiting.splice(0)]);
  };
  // CLP not running is said at once, as by `clp logs`; once following, a restart is waited out.
  await ctx.owner.call(LogsList, { ...query, limit: 1 });
  await ctx.owner.follow(
    (method, payload) => {
      if (method === DidEndRequest.method) print([payload as RequestRecord]);
    },
    () => undefined,
    new AbortController().signal,
    () => void listed().catch((err: Error) => ctx.err(`clp: ${err.message}`)),
  );
  return EXIT.ok;
}

/** How much of the last message `clp logs show` prints; `--raw` prints the whole body. */
const LAST_MESSAGE_CHARS = 2000;

/**
 * The request body: with --raw (or one that cannot be read) as it was logged; otherwise its shape and
 * the last message, since Claude Code sends the whole conversation every turn.
 */
function requestBody(d: RequestDetail, raw: boolean): string[] {
  const view = raw ? null : describeRequest(d.request_body);
  if (!view) return [`request body${d.request_body_truncated ? ' (truncated)' : ''}:`, d.request_body ?? '(not kept)'];
  const lines = [`request body: ${view.summary} (${count(d.request_body!.length)} characters)`];
  if (view.last) {
    const { head, more } = excerpt(view.last.text, LAST_MESSAGE_CHARS);
    lines.push(`last message (${view.last.role}):`, more ? `${head}\n(${count(more)} more characters)` : head);
  }
  lines.push(`(the whole body: clp logs show ${d.id.slice(0, 8)} --raw)`);
  return lines;
}

export function formatDetail(d: RequestDetail, raw = false): string {
  const u = d.usage;
  const lines = [
    `${d.id}  ${stamp(d.started_at)}  ${d.service}  ${d.method} ${d.path}`,
    `config: ${d.config ?? '-'}   model: ${d.model_requested ?? '-'}${d.model_sent !== d.model_requested ? ` -> ${d.model_sent}` : ''}   answered by: ${d.model_answered ?? '-'}`,
    `status: ${d.status ?? '-'}${d.error ? ` (${d.error})` : ''}   ttfb: ${dur(d.ttfb_ms)}   duration: ${dur(d.duration_ms)}   stream: ${d.stream}   session: ${d.session_id ?? '-'}`,
    u
      ? `usage: input ${u.input}, cache write ${u.cached_create}${u.cache_1h !== null ? ` (5m ${u.cache_5m}, 1h ${u.cache_1h})` : ''}, cache read ${u.cached_read}, output ${u.output}, reasoning ${u.reasoning}, total ${u.total}   cost: ${requestCost(d, '-')}${d.cost_estimated ? ' (estimated: priced by its model family)' : ''}`
      : 'usage: none reported',
    ...(d.bodies_unreadable ? ['', 'headers and bodies: could not be read back (the log file is damaged)'] : []),
    ...(d.bodies_shed
      ? ['', 'headers and bodies: not kept (CLP was taking more requests a second than log.bodiesPerSecond, or more than its disk could write)']
      : []),
    '',
    'request headers:',
    ...Object.entries(d.request_headers).map(([k, v]) => `  ${k}: ${v}`),
    '',
    ...requestBody(d, raw),
  ];
  if (d.upstream_body)
    lines.push('', ...(raw ? ['body sent upstream:', d.upstream_body] : ['body sent upstream: rewritten (a route or model rewrite); --raw prints it']));
  lines.push('', 'response headers:', ...Object.entries(d.response_headers).map(([k, v]) => `  ${k}: ${v}`));
  lines.push('', `response${d.response_body_truncated ? ' (only its start was kept)' : ''}${raw ? ', raw' : ''}:`);
  if (raw || d.response_body === null) lines.push(d.response_body ?? '(not kept)');
  else {
    // The dashboard's view: text, thinking and tool calls, for both APIs and both shapes (SSE or JSON).
    const view = renderResponse(d.response_body);
    for (const w of view.warnings) lines.push(`(${w})`);
    for (const b of view.blocks) {
      if (b.kind === 'text') lines.push(b.text);
      else if (b.kind === 'thinking') lines.push('[thinking]', b.text, '[/thinking]');
      else if (b.kind === 'tool') lines.push(`[tool call: ${b.name}]`, b.input);
      else lines.push(`[error] ${b.text}`);
    }
    lines.push('', '(the raw response: clp logs show <id> --raw)');
  }
  return lines.join('\n');
}

export async function logsCommand(
  ctx: CliContext,
  positionals: string[],
  values: Map<string, string>,
  json: boolean,
  raw = false,
  follow = false,
): Promise<number> {
  if (positionals.length) {
    if (follow) throw new ClpError('bad_request', 'logs: --follow goes with the list (`clp logs --follow`), not with `show`');
    if (positionals[0] !== 'show' || positionals.length !== 2)
      throw new ClpError('bad_request', 'logs: expected `clp logs` or `clp logs show <id>` (ids are the first column of `clp logs`)');
    const detail: RequestDetail = await ctx.owner.call(LogsGet, { id: positionals[1]! }).catch((err: Error) => {
      throw ClpError.is(err, 'not_found') ? new ClpError('not_found', `${err.message}: \`clp logs\` lists the latest, with their ids`) : err;
    });
    ctx.out(json ? JSON.stringify(detail, null, 2) : formatDetail(detail, raw));
    return EXIT.ok;
  }
  if (follow) return followLogs(ctx, values, json, useColour(process.stdout, ctx.env), terminalWidth(process.stdout));
  const rows: RequestRecord[] = await ctx.owner.call(LogsList, { ...logsQuery(values), limit: limitOption(values.get('limit')) });
  ctx.out(json ? JSON.stringify(rows, null, 2) : formatLogs(rows, useColour(process.stdout, ctx.env), terminalWidth(process.stdout)));
  return EXIT.ok;
}

import { ClpError } from '../../shared/errors.ts';
import { costText, count } from '../../shared/format.ts';
import { cacheHitShare } from '../../shared/usage.ts';
import { SessionsBind, SessionsGet, SessionsList } from '../../shared/protocol.ts';
import type { SessionSummary } from '../../shared/sessions.ts';
import { isServiceName, SERVICE_WORDS } from '../../shared/services.ts';
import { EXIT, type CliContext } from '../context.ts';
import { type Cell, costCell, droppedNote, fitTable, stamp, stampCell, terminalWidth } from '../table.ts';
import { formatLogs } from './usage.ts';

/** Cache reads over all input: how much of the prompt the cache served. */
const cacheHit = (s: SessionSummary) => {
  const share = cacheHitShare(s);
  return share === null ? '-' : `${(share * 100).toFixed(0)}%`;
};

/** What the session list leaves out first in a narrow terminal: the session, its last request, config and cost stay. */
const SESSIONS_DROP = ['errors', '~cost', 'cache hit', '~last request', '~models', 'service', 'tokens', 'models', 'requests'];

export function formatSessions(rows: SessionSummary[], width?: number): string {
  if (!rows.length) return 'no sessions yet';
  const head = ['session', 'service', 'last request', 'config', 'models', 'requests', 'errors', 'tokens', 'cache hit', 'cost'];
  const body = rows.map((s): Cell[] => [
    s.id.length > 12 ? s.id.slice(0, 12) : s.id,
    s.service,
    // Short forms for a narrow terminal: the time without year and seconds; the first model; the amount without its note.
    stampCell(s.last_at),
    s.bound ? `${s.bound.join(',')} (bound)` : s.configs.length > 1 ? `${s.last_config ?? '-'} (+${s.configs.length - 1})` : (s.last_config ?? '-'),
    s.models.length > 1 ? [s.models.join(', '), `${s.models[0]} (+${s.models.length - 1})`] : s.models.join(', '),
    count(s.requests),
    count(s.errors),
    count(s.total),
    cacheHit(s),
    costCell(s),
  ]);
  const { lines, dropped } = fitTable(head, body, new Set([5, 6, 7, 8]), width, SESSIONS_DROP);
  return [...lines, ...droppedNote(dropped, width)].join('\n');
}

/** `clp sessions [--service S] [--json]`: every session CLP saw, the most recently active first. */
export async function sessionsCommand(ctx: CliContext, values: Map<string, string>, json: boolean): Promise<number> {
  const service = values.get('service');
  if (service !== undefined && !isServiceName(service)) throw new ClpError('bad_request', `--service: expected ${SERVICE_WORDS}, got "${service}"`);
  const rows = await ctx.owner.call(SessionsList, service ? { service } : {});
  ctx.out(json ? JSON.stringify(rows, null, 2) : formatSessions(rows, terminalWidth(process.stdout)));
  return EXIT.ok;
}

/** `clp session show <id|prefix>`: one session's figures and its latest requests. */
export async function sessionCommand(ctx: CliContext, positionals: string[], json: boolean): Promise<number> {
  const [verb, id, config] = positionals;
  if (!id || (verb !== 'show' && verb !== 'bind' && verb !== 'unbind') || (verb === 'bind') !== (config !== undefined)) {
    throw new ClpError(
      'bad_request',
      'session: expected `clp session show <id>`, `clp session bind <id> <config>` or `clp session unbind <id>` (an id or its first characters; `clp sessions` lists them)',
    );
  }
  if (verb !== 'show') {
    const b = await ctx.owner.call(SessionsBind, { id, config: verb === 'bind' ? config! : null });
    ctx.out(
      b.bound
        ? `session ${b.id} (${b.service}) is bound to "${b.bound.join(', ')}": its next requests go there whatever the active config is`
        : `session ${b.id} (${b.service}) follows the active config again`,
    );
    return EXIT.ok;
  }
  const s = await ctx.owner.call(SessionsGet, { id });
  if (json) {
    ctx.out(JSON.stringify(s, null, 2));
    return EXIT.ok;
  }
  ctx.out(
    [
      `session ${s.id} (${s.service})${s.bound ? `, bound to ${s.bound.join(', ')}` : ''}`,
      `  client: ${s.client ?? '-'}; project: ${s.project ?? '- (known once `clp statusline` runs in it)'}`,
      `  from ${stamp(s.first_at)} to ${stamp(s.last_at)}; configs: ${s.configs.join(', ') || '-'}; models: ${s.models.join(', ') || '-'}`,
      ...s.moves.map(
        (m) =>
          `  moved ${stamp(m.at)}: ${m.from} -> ${m.to} (${m.why === 'switch' ? 'the active config switched' : m.why === 'binding' ? 'bound' : 'failover'})`,
      ),
      `  ${count(s.requests)} requests, ${count(s.errors)} errors, ${s.failovers} failovers, ${s.filter_hits} filter hits`,
      `  tokens: input ${count(s.input)}, cache write ${count(s.cached_create)}, cache read ${count(s.cached_read)}, output ${count(s.output)}, total ${count(s.total)}; cache hit ${cacheHit(s)}`,
      `  cost: ${costText(s)}`,
      '',
      formatLogs(s.recent, false, terminalWidth(process.stdout)),
    ].join('\n'),
  );
  return EXIT.ok;
}

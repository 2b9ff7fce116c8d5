import type { PoolAction, PoolStatus } from '../../shared/pool.ts';
import { poolActionSchema } from '../../core/pool/schema.ts';
import { offlinePool } from '../../core/offline.ts';
import { ClpError } from '../../shared/errors.ts';
import { isServiceName, SERVICE_WORDS, type ServiceName } from '../../shared/services.ts';
import { EXIT, type CliContext } from '../context.ts';
import { PoolAct, PoolGet } from '../../shared/protocol.ts';
import { closest } from '../args.ts';
import { clock, displayWidth, padEndTo } from '../table.ts';

const ACTIONS = ['disable-today', 'enable', 'reset', 'pin', 'mode', 'order'] as const;
const NEEDS_NAME = new Set(['disable-today', 'enable', 'pin']);

/** `clp pool <service> <action> …` in words: each mistake named, with what was expected. */
export function parsePoolAction(words: string[]): PoolAction | null {
  const [verb, arg, ...extra] = words;
  if (!verb) return null;
  if (!(ACTIONS as readonly string[]).includes(verb)) {
    const near = closest(verb, ACTIONS);
    throw new ClpError('bad_request', `unknown pool action "${verb}" (expected: ${ACTIONS.join(', ')})${near ? `; did you mean ${near}?` : ''}`);
  }
  if (extra.length)
    throw new ClpError('bad_request', `pool ${verb}: one ${verb === 'mode' || verb === 'order' ? 'value' : 'name'} at most, got ${words.length - 1}`);
  if (verb === 'mode') {
    if (arg !== 'active' && arg !== 'pool')
      throw new ClpError('bad_request', `pool mode: expected active or pool, got ${arg === undefined ? 'nothing' : `"${arg}"`}`);
    return { action: 'mode', mode: arg };
  }
  if (verb === 'order') {
    if (arg !== 'priority' && arg !== 'weighted')
      throw new ClpError('bad_request', `pool order: expected priority or weighted, got ${arg === undefined ? 'nothing' : `"${arg}"`}`);
    return { action: 'order', order: arg };
  }
  if (NEEDS_NAME.has(verb) && !arg) throw new ClpError('bad_request', `pool ${verb}: expected a config name (clp list <service> lists them)`);
  const parsed = poolActionSchema.safeParse({ action: verb, ...(arg ? { name: arg } : {}) });
  if (!parsed.success) throw new ClpError('bad_request', `pool ${verb}: expected a config name`);
  return parsed.data;
}

export function formatPool(s: PoolStatus): string {
  const lines = [
    `${s.service}: mode ${s.mode}${s.mode === 'pool' ? `, order ${s.order}` : ''}; ${s.failureThreshold} failures exclude for ${s.autoResetMinutes} min`,
  ];
  const width = Math.max(4, ...s.members.map((m) => displayWidth(m.name)));
  for (const m of s.members) {
    const state = m.available ? (m.why ?? 'ok') : m.why;
    // The last error stays in view in every mode (active mode counts nothing, but a dead key shows here).
    const f = m.lastFailure;
    const last = f ? `  last error ${clock(f.at)}: ${f.reason}` : '';
    lines.push(`  ${m.active ? '*' : ' '} ${padEndTo(m.name, width)}  weight ${String(m.weight).padStart(4)}  failures ${m.failures}  ${state}${last}`);
  }
  if (!s.members.length) lines.push('  (no configs)');
  return lines.join('\n');
}

/**
 * `clp pool`: while CLP runs, it is asked (it is the only writer of the pool's state); otherwise the
 * same action is applied to the files directly.
 */
export async function poolCommand(ctx: CliContext, words: string[], json: boolean): Promise<number> {
  const [serviceName = '', ...rest] = words;
  if (!isServiceName(serviceName)) {
    throw new ClpError(
      'bad_request',
      `pool: ${serviceName ? `unknown service "${serviceName}"` : 'which service?'} (expected ${SERVICE_WORDS}); e.g. clp pool claude`,
    );
  }
  const service: ServiceName = serviceName;
  const action = parsePoolAction(rest);
  let status: PoolStatus;
  if ((await ctx.owner.ping()) !== null) {
    status = action ? await ctx.owner.call(PoolAct, { service, action }) : await ctx.owner.call(PoolGet, { service });
  } else {
    status = await offlinePool(ctx.paths, service, action);
  }
  ctx.out(json ? JSON.stringify(status, null, 2) : formatPool(status));
  return EXIT.ok;
}

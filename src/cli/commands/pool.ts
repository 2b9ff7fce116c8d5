import type { PoolAction, PoolStatus } from '../../shared/pool.ts';
import { poolActionSchema } from '../../core/pool/schema.ts';
import { offlinePool } from '../../core/offline.ts';
import { ClpError } from '../../shared/errors.ts';
import { isServiceName, type ServiceName } from '../../shared/services.ts';
import { EXIT, type CliContext } from '../context.ts';
import { PoolAct, PoolGet } from '../../shared/protocol.ts';

const USAGE =
  'usage: clp pool <claude|codex> [disable-today <name> | enable <name> | reset [<name>] | pin <name> | mode active|pool | order priority|weighted]';

export function parsePoolAction(words: string[]): PoolAction | null {
  const [verb, arg] = words;
  if (!verb) return null;
  const raw = verb === 'mode' ? { action: verb, mode: arg } : verb === 'order' ? { action: verb, order: arg } : { action: verb, ...(arg ? { name: arg } : {}) };
  const parsed = poolActionSchema.safeParse(raw);
  if (!parsed.success || words.length > 2) throw new ClpError('bad_request', `pool: ${USAGE.slice(7)}`);
  return parsed.data;
}

export function formatPool(s: PoolStatus): string {
  const lines = [
    `${s.service}: mode ${s.mode}${s.mode === 'pool' ? `, order ${s.order}` : ''}; ${s.failureThreshold} failures exclude for ${s.autoResetMinutes} min`,
  ];
  const width = Math.max(4, ...s.members.map((m) => m.name.length));
  for (const m of s.members) {
    const state = m.available ? (m.why ?? 'ok') : m.why;
    lines.push(`  ${m.active ? '*' : ' '} ${m.name.padEnd(width)}  weight ${String(m.weight).padStart(4)}  failures ${m.failures}  ${state}`);
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
  if (!isServiceName(serviceName)) throw new ClpError('bad_request', `pool: ${USAGE.slice(7)}`);
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

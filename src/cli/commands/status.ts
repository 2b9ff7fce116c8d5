import { offlineStatus } from '../../core/offline.ts';
import { StatusGet } from '../../shared/protocol.ts';
import type { StatusReport } from '../../shared/status.ts';
import { EXIT, type CliContext } from '../context.ts';
import { formatStatus } from '../format.ts';

/** The status as the owner reports it or, with no owner, as the files on disk say. */
export async function currentStatus(ctx: CliContext): Promise<StatusReport> {
  const live = await ctx.owner.probe();
  if (live.kind === 'owner') return live.status;
  if (live.kind === 'foreign') ctx.err(`clp: ${live.message}`);
  return offlineStatus(ctx.paths, await ctx.settings());
}

export async function statusCommand(ctx: CliContext, json: boolean): Promise<number> {
  const report = await currentStatus(ctx);
  // A running CLP also tells today's figures and the sessions about to overflow their model (one more round trip).
  const extras = report.owner && !json ? await ctx.owner.call(StatusGet, {}).catch(() => undefined) : undefined;
  ctx.out(json ? JSON.stringify(report, null, 2) : formatStatus(report, extras));
  return report.owner ? EXIT.ok : EXIT.notRunning;
}

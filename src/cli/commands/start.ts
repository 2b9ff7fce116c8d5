import { loadConfigs } from '../../core/offline.ts';
import { SERVICES } from '../../shared/services.ts';
import { ClpError } from '../../shared/errors.ts';
import { EXIT, type CliContext } from '../context.ts';
import { spawnDaemon } from '../daemon.ts';
import { formatStatus } from '../format.ts';
import type { StatusReport } from '../../shared/status.ts';

/** Refuses early, with `file: path: message`, when a config file is broken: there is no good version to serve. */
async function checkConfigs(ctx: CliContext): Promise<void> {
  for (const service of SERVICES) await loadConfigs(ctx.paths, service);
}

function placeholderHints(ctx: CliContext, report: StatusReport | null): string[] {
  if (!report) return [];
  return SERVICES.filter((s) => report.services[s].placeholder).map(
    (s) => `${s}: placeholder mode: requests get an error until you add a config to ${ctx.paths.config(s)}`,
  );
}

export async function startCommand(ctx: CliContext, foreground: boolean): Promise<number> {
  const running = await ctx.owner.probe();
  if (running.kind === 'owner' && running.status.owner) {
    ctx.out(`CLP is already running (${running.status.owner.kind}, pid ${running.status.owner.pid})`);
    ctx.out(formatStatus(running.status));
    return EXIT.ok;
  }
  if (running.kind === 'foreign') throw new ClpError('port_in_use', running.message);
  await checkConfigs(ctx);
  if (foreground) {
    const { runOwner } = await import('../owner-process.ts');
    const core = await runOwner(ctx.paths, 'foreground', (line) => process.stdout.write(line));
    const report = core.status();
    ctx.out(formatStatus(report));
    for (const hint of placeholderHints(ctx, report)) ctx.out(hint);
    ctx.out('Press Ctrl+C to stop.');
    return new Promise<number>(() => undefined); // runs until a signal stops the process
  }
  const { pid } = await spawnDaemon(ctx.paths, ctx.env);
  const probe = await ctx.owner.probe(5000);
  const report = probe.kind === 'owner' ? probe.status : null;
  if (!report) throw new ClpError('internal', `CLP (pid ${pid}) reported ready but does not answer on port ${ctx.settings.ports.ui}`);
  ctx.out(`CLP started (pid ${pid}); log: ${ctx.paths.log}`);
  ctx.out(formatStatus(report));
  for (const hint of placeholderHints(ctx, report)) ctx.out(hint);
  return EXIT.ok;
}

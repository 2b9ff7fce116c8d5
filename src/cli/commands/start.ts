import { loadStores } from '../../core/offline.ts';
import { SERVICES, type ServiceName } from '../../shared/services.ts';
import { ClpError } from '../../shared/errors.ts';
import { EXIT, type CliContext } from '../context.ts';
import { spawnDaemon } from '../daemon.ts';
import { formatStatus } from '../format.ts';
import type { StatusReport } from '../../shared/status.ts';

/** The config files as they are now: the broken ones, with their error. */
export async function brokenConfigs(ctx: CliContext): Promise<Array<{ service: ServiceName; error: string; lastGood: number }>> {
  const stores = await loadStores(ctx.paths);
  return SERVICES.flatMap((service) => {
    const s = stores[service].state();
    return s.error ? [{ service, error: s.error, lastGood: s.configs }] : [];
  });
}

function placeholderHints(ctx: CliContext, report: StatusReport | null): string[] {
  if (!report) return [];
  return SERVICES.filter((s) => report.services[s].placeholder && !report.services[s].config.error).map(
    (s) => `${s}: placeholder mode: requests get an error until you add a config to ${ctx.paths.config(s)}`,
  );
}

export async function startCommand(ctx: CliContext, foreground: boolean): Promise<number> {
  // A broken settings file is said at once, before anything starts.
  const settings = await ctx.settings();
  const running = await ctx.owner.probe();
  if (running.kind === 'owner' && running.status.owner) {
    ctx.out(`CLP is already running (${running.status.owner.kind}, pid ${running.status.owner.pid})`);
    ctx.out(formatStatus(running.status));
    return EXIT.ok;
  }
  if (running.kind === 'foreign') throw new ClpError('port_in_use', running.message);
  if (foreground) {
    const { runOwner } = await import('../owner-process.ts');
    const core = await runOwner(ctx.paths, 'foreground', (line) => process.stdout.write(line));
    const report = core.status();
    ctx.out(formatStatus(report));
    for (const hint of placeholderHints(ctx, report)) ctx.out(hint);
    ctx.out('Dashboard: run `clp ui` in another terminal. Press Ctrl+C to stop.');
    return new Promise<number>(() => undefined); // runs until a signal stops the process
  }
  const { pid } = await spawnDaemon(ctx.paths, ctx.env);
  const probe = await ctx.owner.probe(5000);
  const report = probe.kind === 'owner' ? probe.status : null;
  if (!report) throw new ClpError('internal', `CLP (pid ${pid}) reported ready but does not answer on port ${settings.ports.ui}`);
  ctx.out(`CLP started (pid ${pid}); log: ${ctx.paths.log}`);
  ctx.out(formatStatus(report));
  for (const hint of placeholderHints(ctx, report)) ctx.out(hint);
  ctx.out('Dashboard: run `clp ui` (it opens the page with its key).');
  return EXIT.ok;
}

/**
 * `clp restart`: the files are checked first. With one broken, a running CLP is kept as it is (it
 * serves the last good version; a restart would serve only what was kept on disk), and says so.
 */
export async function restartCommand(ctx: CliContext): Promise<number> {
  await ctx.settings();
  const broken = await brokenConfigs(ctx);
  const running = await ctx.owner.probe();
  if (broken.length && running.kind === 'owner' && running.status.owner) {
    for (const b of broken) ctx.err(`clp: ${b.error}`);
    ctx.err(
      `clp: not restarting: the running CLP (pid ${running.status.owner.pid}) keeps serving the last good version of ${broken.map((b) => `${b.service}.json`).join(' and ')}. Fix the file (CLP picks the fix up by itself), then restart if you still want to.`,
    );
    return EXIT.ok;
  }
  const { stopCommand } = await import('./stop.ts');
  const stopped = await stopCommand(ctx);
  if (stopped !== EXIT.ok) return stopped;
  return startCommand(ctx, false);
}

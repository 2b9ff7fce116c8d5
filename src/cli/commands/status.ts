import { ConfigStore } from '../../core/config/store.ts';
import { hostForUrl } from '../../core/net.ts';
import { SERVICES, type ServiceName } from '../../shared/services.ts';
import { clientUrl } from '../../shared/service-profile.ts';
import type { ServiceStatus, StatusReport } from '../../shared/status.ts';
import { EXIT, type CliContext } from '../context.ts';
import { formatStatus } from '../format.ts';

/** The status as the owner reports it or, with no owner, as the files on disk say. */
export async function currentStatus(ctx: CliContext): Promise<StatusReport> {
  const live = await ctx.owner.probe();
  if (live.kind === 'owner') return live.status;
  if (live.kind === 'foreign') ctx.err(`clp: ${live.message}`);
  const host = hostForUrl(ctx.settings.host);
  const services = {} as Record<ServiceName, ServiceStatus>;
  for (const service of SERVICES) {
    const store = new ConfigStore(ctx.paths.config(service));
    await store.reload();
    const port = ctx.settings.ports[service];
    services[service] = {
      running: false,
      port,
      url: clientUrl(service, host, port),
      active: store.snapshot().active?.name ?? null,
      placeholder: store.snapshot().active === null,
      config: store.state(),
    };
  }
  const ui = ctx.settings.ports.ui;
  return { owner: null, services, ui: { running: false, port: ui, url: `http://${host}:${ui}/` }, home: ctx.paths.home };
}

export async function statusCommand(ctx: CliContext, json: boolean): Promise<number> {
  const report = await currentStatus(ctx);
  ctx.out(json ? JSON.stringify(report, null, 2) : formatStatus(report));
  return report.owner ? EXIT.ok : EXIT.notRunning;
}

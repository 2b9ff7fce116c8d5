import { clientUrl } from '../shared/service-profile.ts';
import { SERVICES, type Ports, type ServiceName } from '../shared/services.ts';
import type { OwnerInfo, ServiceStatus, StatusReport } from '../shared/status.ts';
import type { TeamStatus } from '../shared/team.ts';
import type { FilterModuleView } from '../shared/filter-modules.ts';
import type { ConfigStore } from './config/store.ts';
import { hostForUrl } from './net.ts';
import type { Settings } from './settings.ts';

export interface StatusInput {
  settings: Settings;
  home: string;
  stores: Readonly<Record<ServiceName, ConfigStore>>;
  /** The running owner, or null when the report is read from the files alone. */
  owner: OwnerInfo | null;
  /** The ports actually bound (0: not bound, the setting is shown). */
  bound: Ports;
  /** The team link's state, in team mode. */
  team?: TeamStatus | null;
  /** Filter modules with their last errors. */
  filterModules?: FilterModuleView[];
}

/** Pure: the status `clp status`, the owner and the dashboard report, from the stores and ports. */
export function statusReport(input: StatusInput): StatusReport {
  const running = input.owner !== null;
  const host = hostForUrl(input.settings.host);
  const services = {} as Record<ServiceName, ServiceStatus>;
  for (const service of SERVICES) {
    const store = input.stores[service];
    const snapshot = store.snapshot();
    const port = input.bound[service] || input.settings.ports[service];
    services[service] = {
      running,
      port,
      url: clientUrl(service, host, port),
      active: snapshot.active?.name ?? null,
      placeholder: snapshot.active === null,
      config: store.state(),
    };
  }
  const ui = input.bound.ui || input.settings.ports.ui;
  return {
    owner: input.owner,
    services,
    ui: { running, port: ui, url: `http://${host}:${ui}/` },
    home: input.home,
    ...(input.team ? { team: input.team } : {}),
    ...(input.filterModules?.length ? { filterModules: input.filterModules } : {}),
  };
}

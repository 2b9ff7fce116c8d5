import type { TeamStatus } from './team.ts';
import type { FilterModuleView } from './filter-modules.ts';
import { servicesInUse, type ServiceName } from './services.ts';

/** Who owns the ports: a `clp` daemon (or foreground run) or a VS Code window. */
export type OwnerKind = 'daemon' | 'foreground' | 'vscode';

export interface OwnerInfo {
  pid: number;
  kind: OwnerKind;
  startedAt: string;
  version: string;
}

/** A config file's load state: `error` is `file: path: message` while the file is broken. */
export interface ConfigFileState {
  file: string;
  ok: boolean;
  error: string | null;
  /** The configs served: while the file is broken, the last version that loaded (0: none). */
  configs: number;
}

export interface ServiceStatus {
  running: boolean;
  port: number;
  url: string;
  active: string | null;
  placeholder: boolean;
  config: ConfigFileState;
}

/**
 * The owner's one unauthenticated answer (`GET /api/status` on the dashboard port): enough to tell
 * that CLP is there, nothing from configs or the log.
 */
export interface OwnerPing {
  clp: true;
  version: string;
  pid: number;
}

/** The shape of `clp status --json` and of the owner's `owner/status` call. */
export interface StatusReport {
  owner: OwnerInfo | null;
  services: Record<ServiceName, ServiceStatus>;
  ui: { running: boolean; port: number; url: string };
  home: string;
  /** The team link (team mode); absent or `off` without `team.url`. */
  team?: TeamStatus;
  /** The filter modules (`filters/*.mjs`) in force, with their hits and last errors. */
  filterModules?: FilterModuleView[];
}

/** What `GET /health` on a proxy port answers. `clp` is the marker that tells CLP from other programs. */
export interface HealthReport {
  clp: true;
  service: ServiceName;
  port: number;
  pid: number;
  owner: OwnerKind;
  active: string | null;
  placeholder: boolean;
}

/**
 * The services named where space is short (the status bar): those with configs or a broken file, so
 * a user of one client sees only it; every service when none has any yet. Pure.
 */
export function shownServices(services: Readonly<Record<ServiceName, ServiceStatus>>): ServiceName[] {
  return servicesInUse((s) => services[s].config.configs > 0 || Boolean(services[s].config.error));
}

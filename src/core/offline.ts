import { SERVICES, type ServiceName } from '../shared/services.ts';
import { ConfigStore } from './config/store.ts';
import { createMemoryLogger } from './log.ts';
import type { ClpPaths } from './paths.ts';
import { Pool } from './pool/pool.ts';
import type { Settings } from './settings.ts';
import { statusReport } from './status-report.ts';
import type { StatusReport } from '../shared/status.ts';
import type { PoolAction, PoolStatus } from '../shared/pool.ts';
import { activateConfig } from './config/activate.ts';
import { applyPoolAction } from './pool/actions.ts';

/** Both config files, loaded once (broken ones report their error in `state()`). */
export async function loadStores(paths: ClpPaths): Promise<Record<ServiceName, ConfigStore>> {
  const stores = {} as Record<ServiceName, ConfigStore>;
  for (const service of SERVICES) {
    stores[service] = new ConfigStore(paths.config(service), { lastGoodFile: paths.lastGood(service) });
    await stores[service].reload();
  }
  return stores;
}

/** What the files say while no owner runs: the status without a running owner. */
export async function offlineStatus(paths: ClpPaths, settings: Settings): Promise<StatusReport> {
  return statusReport({ settings, home: paths.home, stores: await loadStores(paths), owner: null, bound: { claude: 0, codex: 0, ui: 0 } });
}

/** One config file read for a command that needs it good (throws `file: path: message` when broken). */
export function loadConfigs(paths: ClpPaths, service: ServiceName): Promise<ConfigStore> {
  return ConfigStore.load(paths.config(service));
}

/** Makes `name` the active config in its file (a running owner picks the change up by itself). */
export async function activateInFile(paths: ClpPaths, service: ServiceName, name: string): Promise<void> {
  await activateConfig(new ConfigStore(paths.config(service)), name);
}

/**
 * `clp pool` while no owner runs: the action applied to the files (a running owner is the only
 * writer of the pool's state, so this is never used beside one), and the pool's status after it.
 */
export async function offlinePool(paths: ClpPaths, service: ServiceName, action: PoolAction | null): Promise<PoolStatus> {
  const store = await loadConfigs(paths, service);
  const pool = new Pool(paths.lbConfig, createMemoryLogger());
  await pool.start();
  try {
    if (action) await applyPoolAction(pool, store, service, action);
    return pool.status(service, store.snapshot());
  } finally {
    await pool.close();
  }
}

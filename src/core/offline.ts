import { noPorts, SERVICES, type ServiceName } from '../shared/services.ts';
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
import { join } from 'node:path';
import { deleteFromRaw, upsertInRaw, type ConfigEdit } from './config/edit.ts';
import { noSuchConfig } from './config/names.ts';
import { renameInRoutes } from './config/rename.ts';
import type { UpstreamConfig } from './config/schema.ts';
import { RouteSet } from './routing/route-set.ts';

export type { ConfigEdit };
export { importPrices, priceRows, type PriceRow } from './usage/price-table.ts';
export { windowsLine } from './usage/context-fit.ts';

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
  return statusReport({ settings, home: paths.home, stores: await loadStores(paths), owner: null, bound: noPorts() });
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

/** A config added, edited or renamed in its file while no owner runs; a rename carries pool state and route rules. */
export async function saveConfigOffline(paths: ClpPaths, service: ServiceName, edit: ConfigEdit): Promise<void> {
  const store = new ConfigStore(paths.config(service));
  await store.update((raw) => upsertInRaw(raw, edit, store.label));
  if (edit.original === undefined || edit.original === edit.name) return;
  const pool = new Pool(paths.lbConfig, createMemoryLogger());
  await pool.start();
  pool.rename(service, edit.original, edit.name);
  await pool.close();
  const routes = new RouteSet(paths.routes, join(paths.dataDir, 'model_router_config.json'), createMemoryLogger());
  await routes.start();
  try {
    const now = routes.routes();
    const renamed = renameInRoutes(now[service], edit.original, edit.name);
    if (JSON.stringify(renamed) !== JSON.stringify(now[service])) await routes.save({ ...now, [service]: renamed });
  } finally {
    routes.close();
  }
}

export async function deleteConfigOffline(paths: ClpPaths, service: ServiceName, name: string): Promise<void> {
  const store = new ConfigStore(paths.config(service));
  await store.update((raw) => deleteFromRaw(raw, name, store.label));
}

/** Refuses, listing the names there are, when any of `names` is not a config of the service. */
export async function requireConfigs(paths: ClpPaths, service: ServiceName, names: readonly string[]): Promise<void> {
  const store = (await loadStores(paths))[service];
  const have = store.snapshot().entries.map((e) => e.name);
  for (const name of names) if (!have.includes(name)) throw noSuchConfig(store.label, name, have);
}

/** One entry as its file holds it (the CLI reads the user's own file), or a "no config named" error listing the others. */
export async function storedConfig(paths: ClpPaths, service: ServiceName, name: string): Promise<UpstreamConfig> {
  const store = await ConfigStore.load(paths.config(service));
  const entry = store.snapshot().get(name);
  if (!entry)
    throw noSuchConfig(
      store.label,
      name,
      store.snapshot().entries.map((e) => e.name),
    );
  return entry;
}

import { readFile } from 'node:fs/promises';
import { ClpError } from '../../../shared/errors.ts';
import type { ServiceName } from '../../../shared/services.ts';
import type { ConnectivityResult } from '../../../shared/dashboard.ts';
import { activateConfig } from '../../config/activate.ts';
import { noSuchConfig } from '../../config/names.ts';
import { renameInRoutes } from '../../config/rename.ts';
import { configViews, deleteFromRaw, maskRaw, unmaskRaw, upsertInRaw } from '../../config/edit.ts';
import { parseConfigText, type RawConfigFile } from '../../config/schema.ts';
import { maskBrokenText, maskSources } from '../../config/repair.ts';
import type { ConfigStore } from '../../config/store.ts';
import { testConnectivity } from '../../providers/connectivity.ts';
import type { DashboardDeps, HandlersOf } from './deps.ts';

/** The file as the raw editor shows it, keys masked; a broken file as it is written, so it can be repaired. */
async function rawOf(store: ConfigStore): Promise<{ text: string; broken: string | null }> {
  const text = await readFile(store.file, 'utf8').catch(() => '');
  const parsed = parseConfigText(store.label, text);
  if (parsed.ok) return { text: `${JSON.stringify(maskRaw(parsed.raw), null, 2)}\n`, broken: null };
  return { text: maskBrokenText(text), broken: parsed.error };
}

/** The last good version's keys, by entry: what a mask in a repaired file may stand for. */
function lastGoodRaw(store: ConfigStore): RawConfigFile {
  return Object.fromEntries(
    store
      .snapshot()
      .entries.map((e) => [e.name, { base_url: e.baseUrl, ...(e.authToken ? { auth_token: e.authToken } : {}), ...(e.apiKey ? { api_key: e.apiKey } : {}) }]),
  );
}

/** The last connectivity test of each config (service, name), in memory: shown on the Configs page. */
const lastTests = new WeakMap<ConfigStore, Map<string, ConnectivityResult>>();

export const configViewsOf = (store: ConfigStore) => {
  const s = store.snapshot();
  const tests = lastTests.get(store);
  return configViews(s.entries, s.active).map((v) => {
    const t = tests?.get(v.name);
    return t ? { ...v, last_test: t } : v;
  });
};

type ConfigMethods = 'configs/raw' | 'configs/save' | 'configs/saveRaw' | 'configs/delete' | 'configs/activate' | 'configs/test';

/** Configs: the raw file (keys masked), form and raw edits, delete, activate, connectivity test. */
export function configHandlers(deps: DashboardDeps): HandlersOf<ConfigMethods> {
  const edit = async (service: ServiceName, reason: string, mutate: Parameters<ConfigStore['update']>[0], repair?: Parameters<ConfigStore['update']>[1]) => {
    await deps.stores[service].update(mutate, repair);
    deps.changed(reason);
    return configViewsOf(deps.stores[service]);
  };
  return {
    'configs/raw': ({ service }) => rawOf(deps.stores[service]),
    'configs/save': async ({ service, ...change }) => {
      const store = deps.stores[service];
      const views = await edit(service, `${service} config "${change.name}" saved`, (raw) => upsertInRaw(raw, change, store.label));
      // A rename carries the config's pool state and the route rules that name it.
      if (change.original !== undefined && change.original !== change.name) {
        deps.pool.rename(service, change.original, change.name);
        await deps.pool.persist();
        const routes = deps.routeSet.routes();
        const renamed = renameInRoutes(routes[service], change.original, change.name);
        if (JSON.stringify(renamed) !== JSON.stringify(routes[service])) await deps.routeSet.save({ ...routes, [service]: renamed });
      }
      return views;
    },
    'configs/saveRaw': async ({ service, text }) => {
      const store = deps.stores[service];
      const parsed = parseConfigText(store.label, text);
      if (!parsed.ok) throw new ClpError('config_invalid', parsed.error);
      return edit(
        service,
        `${service} configs saved`,
        (raw) => unmaskRaw(parsed.raw, raw),
        (broken) => unmaskRaw(parsed.raw, maskSources(lastGoodRaw(store), broken)),
      );
    },
    'configs/delete': ({ service, name }) => {
      const store = deps.stores[service];
      return edit(service, `${service} config "${name}" deleted`, (raw) => deleteFromRaw(raw, name, store.label));
    },
    'configs/activate': async ({ service, name }) => {
      await activateConfig(deps.stores[service], name);
      deps.changed(`${service}: "${name}" is active`);
      return configViewsOf(deps.stores[service]);
    },
    'configs/test': async ({ service, name, model, effort }) => {
      const config = deps.stores[service].snapshot().get(name);
      if (!config)
        throw noSuchConfig(
          deps.stores[service].label,
          name,
          deps.stores[service].snapshot().entries.map((e) => e.name),
        );
      const store = deps.stores[service];
      const result = await testConnectivity(service, config, model, effort, undefined, deps.now);
      let tests = lastTests.get(store);
      if (!tests) lastTests.set(store, (tests = new Map()));
      tests.set(name, result);
      deps.changed(`${service} config "${name}" tested`);
      return result;
    },
  };
}

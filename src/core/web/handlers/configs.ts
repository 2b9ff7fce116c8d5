import { readFile } from 'node:fs/promises';
import { ClpError } from '../../../shared/errors.ts';
import type { ServiceName } from '../../../shared/services.ts';
import { activateConfig } from '../../config/activate.ts';
import { configViews, deleteFromRaw, maskRaw, unmaskRaw, upsertInRaw } from '../../config/edit.ts';
import { parseConfigText } from '../../config/schema.ts';
import type { ConfigStore } from '../../config/store.ts';
import { testConnectivity } from '../../providers/connectivity.ts';
import type { DashboardDeps, HandlersOf } from './deps.ts';

async function rawOf(store: ConfigStore) {
  const text = await readFile(store.file, 'utf8').catch(() => '');
  const parsed = parseConfigText(store.label, text);
  if (!parsed.ok) throw new ClpError('config_invalid', parsed.error);
  return parsed.raw;
}

export const configViewsOf = (store: ConfigStore) => {
  const s = store.snapshot();
  return configViews(s.entries, s.active);
};

type ConfigMethods = 'configs/raw' | 'configs/save' | 'configs/saveRaw' | 'configs/delete' | 'configs/activate' | 'configs/test';

/** Configs: the raw file (keys masked), form and raw edits, delete, activate, connectivity test. */
export function configHandlers(deps: DashboardDeps): HandlersOf<ConfigMethods> {
  const edit = async (service: ServiceName, reason: string, mutate: Parameters<ConfigStore['update']>[0]) => {
    await deps.stores[service].update(mutate);
    deps.changed(reason);
    return configViewsOf(deps.stores[service]);
  };
  return {
    'configs/raw': async ({ service }) => ({ text: `${JSON.stringify(maskRaw(await rawOf(deps.stores[service])), null, 2)}\n` }),
    'configs/save': ({ service, ...change }) => {
      const store = deps.stores[service];
      return edit(service, `${service} config "${change.name}" saved`, (raw) => upsertInRaw(raw, change, store.label));
    },
    'configs/saveRaw': async ({ service, text }) => {
      const store = deps.stores[service];
      const parsed = parseConfigText(store.label, text);
      if (!parsed.ok) throw new ClpError('config_invalid', parsed.error);
      return edit(service, `${service} configs saved`, (raw) => unmaskRaw(parsed.raw, raw));
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
      if (!config) throw new ClpError('config_not_found', `${deps.stores[service].label}: no config named "${name}"`);
      return testConnectivity(service, config, model, effort);
    },
  };
}

import { ClpError } from '../../shared/errors.ts';
import { setActiveInRaw } from './active.ts';
import type { ConfigStore } from './store.ts';

/** Makes `name` the active config in the store's file (locked read-modify-write; unknown fields kept). */
export async function activateConfig(store: ConfigStore, name: string): Promise<void> {
  await store.update((raw) => {
    if (!Object.hasOwn(raw, name)) {
      const have = Object.keys(raw);
      throw new ClpError('config_not_found', `${store.label}: no config named "${name}"${have.length ? ` (have: ${have.join(', ')})` : ''}`);
    }
    return setActiveInRaw(raw, name);
  });
}

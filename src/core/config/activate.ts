import { noSuchConfig } from './names.ts';
import { setActiveInRaw } from './active.ts';
import type { ConfigStore } from './store.ts';

/** Makes `name` the active config in the store's file (locked read-modify-write; unknown fields kept). */
export async function activateConfig(store: ConfigStore, name: string): Promise<void> {
  await store.update((raw) => {
    if (!Object.hasOwn(raw, name)) throw noSuchConfig(store.label, name, Object.keys(raw));
    return setActiveInRaw(raw, name);
  });
}

import { noSuchConfig } from '../config/names.ts';
import type { ServiceName } from '../../shared/services.ts';
import type { ConfigStore } from '../config/store.ts';
import type { Pool } from './pool.ts';
import { byPriority } from './select.ts';
import type { PoolAction } from '../../shared/pool.ts';

/**
 * "Pin to top" as the original did it: the pinned config gets weight 1000 and the others 999, 998, ...
 * in their current order, written to the config file (so it is the user's data, visible and editable).
 */
export async function pinToTop(store: ConfigStore, name: string): Promise<void> {
  await store.update((raw) => {
    if (!Object.hasOwn(raw, name)) throw noSuchConfig(store.label, name, Object.keys(raw));
    const others = byPriority(store.snapshot().entries.filter((e) => e.name !== name && Object.hasOwn(raw, e.name)));
    const out = { ...raw };
    out[name] = { ...raw[name], weight: 1000 };
    for (const [i, e] of others.entries()) out[e.name] = { ...raw[e.name], weight: Math.max(1, 999 - i) };
    return out;
  });
}

export async function applyPoolAction(pool: Pool, store: ConfigStore, service: ServiceName, a: PoolAction): Promise<void> {
  const known = (name: string) => {
    if (!store.snapshot().get(name))
      throw noSuchConfig(
        store.label,
        name,
        store.snapshot().entries.map((e) => e.name),
      );
  };
  switch (a.action) {
    case 'disable-today':
      known(a.name);
      pool.disableToday(service, a.name);
      break;
    case 'enable':
      known(a.name);
      pool.enable(service, a.name);
      break;
    case 'reset':
      if (a.name) known(a.name);
      pool.reset(service, a.name);
      break;
    case 'pin':
      await pinToTop(store, a.name);
      break;
    case 'weights':
      for (const name of Object.keys(a.weights)) known(name);
      await store.update((raw) => {
        const out = { ...raw };
        for (const [name, weight] of Object.entries(a.weights)) if (Object.hasOwn(raw, name)) out[name] = { ...raw[name], weight };
        return out;
      });
      break;
    case 'mode':
      pool.setMode(service, a.mode);
      break;
    case 'order':
      pool.setMode(service, pool.mode(service), a.order);
      break;
  }
  await pool.persist();
}

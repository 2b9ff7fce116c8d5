import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ServiceName } from '../shared/services.ts';

/** Where every CLP file lives. `CLP_HOME` moves all of it (tests never touch the real `~/.clp`). */
export interface ClpPaths {
  home: string;
  runDir: string;
  dataDir: string;
  settings: string;
  prices: string;
  filters: string;
  /** Filter modules: `filters/*.mjs`, run after the rules. */
  filterModules: string;
  routes: string;
  log: string;
  /** The pool's state: the original tool's file, in its format. */
  lbConfig: string;
  /** The secret clients send as their key when `clientSecret` is on. */
  clientSecret: string;
  /** The changes VS Code's and `clp setup`'s client setups made, for either to undo. */
  setupHistory: string;
  config(service: ServiceName): string;
  /** The last version of a config file that loaded: served when CLP starts on a broken file. */
  lastGood(service: ServiceName): string;
}

export function resolveHome(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.CLP_HOME?.trim();
  return fromEnv ? resolve(fromEnv) : join(homedir(), '.clp');
}

export function clpPaths(home: string): ClpPaths {
  return {
    home,
    runDir: join(home, 'run'),
    dataDir: join(home, 'data'),
    settings: join(home, 'settings.json'),
    prices: join(home, 'prices.json'),
    filters: join(home, 'filter.json'),
    filterModules: join(home, 'filters'),
    routes: join(home, 'routes.json'),
    log: join(home, 'run', 'clp.log'),
    clientSecret: join(home, 'client-secret'),
    setupHistory: join(home, 'data', 'setup-history.json'),
    lbConfig: join(home, 'data', 'lb_config.json'),
    config: (service) => join(home, `${service}.json`),
    lastGood: (service) => join(home, 'data', 'last-good', `${service}.json`),
  };
}

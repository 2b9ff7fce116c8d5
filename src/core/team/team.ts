import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { SERVICES, type ServiceName } from '../../shared/services.ts';
import type { ConfigSnapshot, ConfigStore } from '../config/store.ts';
import type { Logger } from '../log.ts';
import type { Pool } from '../pool/pool.ts';
import type { Settings } from '../settings.ts';
import type { RequestStore } from '../store/request-store.ts';
import { type LocalAccount, TeamLink } from './link.ts';
import type { Sender } from './rows.ts';

/** Who this machine is in the team: the settings' names, else `user@host` and the host name. */
export function senderOf(team: Settings['team']): Sender {
  const host = hostname() || 'localhost';
  let user = 'user';
  try {
    user = userInfo().username || user;
  } catch {}
  return { member: team.member ?? `${user}@${host}`, machine: team.machine ?? host };
}

export interface TeamDeps {
  settings: Settings;
  dataDir: string;
  stores: Readonly<Record<ServiceName, ConfigStore>>;
  pool: Pool;
  store: RequestStore | null;
  log: Logger;
  now: () => number;
}

/**
 * Team mode, when `team.url` is set: the link to the team database, fed by the pool's account
 * events and fed back into it (another member's 429 cools the same account here). Null when off.
 */
export function openTeam(d: TeamDeps): TeamLink | null {
  const t = d.settings.team;
  if (!t.url) return null;
  // The accounts of this machine's configs, made anew only when a config file changed.
  let seen: ConfigSnapshot[] = [];
  let accounts: LocalAccount[] = [];
  const localAccounts = () => {
    const snaps = SERVICES.map((s) => d.stores[s].snapshot());
    if (snaps.some((s, i) => s !== seen[i])) {
      seen = snaps;
      accounts = SERVICES.flatMap((service, i) =>
        snaps[i]!.entries.map((e) => ({ service, config: e.name, baseUrl: e.baseUrl, credential: e.authToken || e.apiKey })),
      );
    }
    return accounts;
  };
  const store = d.store;
  const link = new TeamLink({
    url: t.url,
    schema: t.schema,
    sender: senderOf(t),
    shareBodies: t.shareBodies,
    cursorFile: join(d.dataDir, 'team-cursor.json'),
    log: d.log,
    now: d.now,
    readLog: (since) => (store ? store.flush().then(() => store.recordsSince(since)) : Promise.resolve([])),
    ...(store && t.shareBodies
      ? {
          bodiesOf: async (id: string) => {
            const detail = await store.log(id);
            return detail ? { request: detail.upstream_body ?? detail.request_body, response: detail.response_body } : null;
          },
        }
      : {}),
    accounts: localAccounts,
    apply: (service, config, e) => d.pool.applyRemote(service, config, { ...e, member: `${e.member} on ${e.machine}` }),
  });
  d.pool.onAccountEvent = (service, name, e) => link.event({ service, ...e }, localAccounts().find((a) => a.service === service && a.config === name) ?? null);
  return link;
}
